/**
 * A JSON Schema (draft 2020-12) validator for the subset docs/xm-json.schema.json
 * uses: $ref to local definitions, type, const, enum, anyOf, oneOf, properties,
 * required, additionalProperties, items, prefixItems, minimum, minLength, pattern.
 * A keyword outside the subset throws instead of being ignored, so the schema
 * cannot silently say more than the tests check.
 */

export type Schema = boolean | { [keyword: string]: unknown };

const ANNOTATIONS = new Set(['$schema', '$id', '$defs', 'title', 'description']);
const SUPPORTED = new Set([
  ...ANNOTATIONS,
  '$ref',
  'type',
  'const',
  'enum',
  'anyOf',
  'oneOf',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'prefixItems',
  'minimum',
  'minLength',
  'pattern',
]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function hasType(v: unknown, type: string): boolean {
  const actual = typeOf(v);
  return actual === type || (type === 'number' && actual === 'integer');
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export class Validator {
  constructor(private readonly root: Schema) {}

  /** The errors of `value` against the root schema or the definition at `ref` (`#/$defs/list`); [] when valid. */
  validate(value: unknown, ref?: string): string[] {
    const errors: string[] = [];
    this.check(value, ref ? this.resolve(ref) : this.root, '$', errors);
    return errors;
  }

  private resolve(ref: string): Schema {
    if (!ref.startsWith('#')) throw new Error(`only local $ref is supported: ${ref}`);
    let node: unknown = this.root;
    for (const part of ref.slice(1).split('/').filter(Boolean)) {
      const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
      if (typeof node !== 'object' || node === null || !(key in node)) throw new Error(`unresolvable $ref ${ref}`);
      node = (node as Record<string, unknown>)[key];
    }
    return node as Schema;
  }

  private check(v: unknown, schema: Schema, path: string, errors: string[]): void {
    if (schema === true) return;
    if (schema === false) {
      errors.push(`${path}: not allowed`);
      return;
    }
    for (const k of Object.keys(schema)) if (!SUPPORTED.has(k)) throw new Error(`unsupported schema keyword ${k} at ${path}`);
    const s = schema as Record<string, any>;

    if (s.$ref !== undefined) this.check(v, this.resolve(s.$ref), path, errors);
    if (s.type !== undefined) {
      const types: string[] = Array.isArray(s.type) ? s.type : [s.type];
      if (!types.some((t) => hasType(v, t))) {
        errors.push(`${path}: expected ${types.join(' or ')}, got ${typeOf(v)}`);
        return;
      }
    }
    if ('const' in s && !deepEqual(v, s.const)) errors.push(`${path}: expected ${JSON.stringify(s.const)}, got ${JSON.stringify(v)}`);
    if (s.enum !== undefined && !(s.enum as unknown[]).some((e) => deepEqual(v, e))) {
      errors.push(`${path}: ${JSON.stringify(v)} is not one of ${JSON.stringify(s.enum)}`);
    }
    if (s.anyOf !== undefined) {
      const branches = (s.anyOf as Schema[]).map((sub) => this.branch(v, sub, path));
      if (!branches.some((e) => e.length === 0)) {
        const best = branches.reduce((a, b) => (b.length < a.length ? b : a));
        errors.push(`${path}: matches none of anyOf (closest: ${best.join('; ')})`);
      }
    }
    if (s.oneOf !== undefined) {
      const matching = (s.oneOf as Schema[]).filter((sub) => this.branch(v, sub, path).length === 0).length;
      if (matching !== 1) errors.push(`${path}: matches ${matching} of oneOf, expected exactly 1`);
    }
    if (typeof v === 'number') {
      if (s.minimum !== undefined && v < s.minimum) errors.push(`${path}: ${v} is below the minimum ${s.minimum}`);
    }
    if (typeof v === 'string') {
      if (s.minLength !== undefined && [...v].length < s.minLength) errors.push(`${path}: shorter than ${s.minLength}`);
      if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(v)) errors.push(`${path}: ${JSON.stringify(v)} does not match ${s.pattern}`);
    }
    if (Array.isArray(v)) {
      const prefix: Schema[] = s.prefixItems ?? [];
      prefix.forEach((sub, n) => {
        if (n < v.length) this.check(v[n], sub, `${path}[${n}]`, errors);
      });
      if (s.items !== undefined) for (let n = prefix.length; n < v.length; n++) this.check(v[n], s.items, `${path}[${n}]`, errors);
    }
    if (typeOf(v) === 'object') {
      const obj = v as Record<string, unknown>;
      for (const key of (s.required as string[] | undefined) ?? []) if (!(key in obj)) errors.push(`${path}: missing ${key}`);
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const [key, value] of Object.entries(obj)) {
        if (key in props) this.check(value, props[key]!, `${path}.${key}`, errors);
        else if (s.additionalProperties !== undefined) {
          if (s.additionalProperties === false) errors.push(`${path}: unexpected property ${key}`);
          else this.check(value, s.additionalProperties, `${path}.${key}`, errors);
        }
      }
    }
  }

  private branch(v: unknown, schema: Schema, path: string): string[] {
    const errors: string[] = [];
    this.check(v, schema, path, errors);
    return errors;
  }
}
