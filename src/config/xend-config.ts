import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { child0, elementp } from '../sxp/access.js';
import { parseAllWithLines, SxpParseError, type LocatedSxp } from '../sxp/parse.js';
import { show } from '../sxp/show.js';
import type { Sxp } from '../sxp/types.js';
import { optionTable, type OptionName, type OptionSpec, type XendOptions } from './xend-options.js';
import { nearest } from '../nearest.js';

/** Far deeper than any real option value; resolving and freezing the values recurse. */
const MAX_DEPTH = 32;

/** A config file xend would refuse: unreadable, unparsable, or a bad value. */
export class XendConfigError extends Error {
  override readonly name = 'XendConfigError';
}

export interface LoadedXendConfig {
  options: XendOptions;
  path: string;
  exists: boolean;
}

/**
 * Reads xend-config.sxp as xend does (the first `(name value …)` wins, only its
 * first value counts, `(name)` means the default, top-level atoms are ignored),
 * but checks every known option now rather than when xend first asks for it,
 * and warns about unknown names, which xend silently ignored.
 */
export function loadXendConfig(path: string, warn: (msg: string) => void): LoadedXendConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { options: xendDefaults(), path, exists: false };
    throw new XendConfigError(`cannot read xend config file ${path}: ${(err as Error).message}`);
  }
  let entries: LocatedSxp[];
  try {
    entries = parseAllWithLines(text, MAX_DEPTH);
  } catch (err) {
    if (!(err instanceof SxpParseError)) throw err;
    throw new XendConfigError(`invalid xend config file ${path}: ${err.message} (line ${err.line})`);
  }
  return { options: resolveOptions(entries, basename(path), warn), path, exists: true };
}

/** Every option at its default. */
export function xendDefaults(): XendOptions {
  return resolveOptions([], '', () => {});
}

/** `xm info -c`: every option and its value, in table order. */
export function describeOptions(options: XendOptions): [OptionName, XendOptions[OptionName]][] {
  return optionTable.map((o) => [o.name, options[o.name]]);
}

function resolveOptions(entries: LocatedSxp[], file: string, warn: (msg: string) => void): XendOptions {
  const known = new Set<string>(optionTable.map((o) => o.name));
  // sxp.children() of the whole file: an (@ …) list first would be attributes.
  const items = entries[0] && elementp(entries[0].value, '@') ? entries.slice(1) : entries;
  const first = new Map<string, LocatedSxp>();
  for (const item of items) {
    const key = elementp(item.value) ? item.value[0] : undefined;
    if (typeof key !== 'string') continue;
    if (!known.has(key)) {
      const meant = nearest(key, [...known]);
      warn(`unknown xend config option ${key} (${file}:${item.line})${meant.length ? `; did you mean ${meant.join(' or ')}?` : ''}`);
    }
    else if (!first.has(key)) first.set(key, item);
  }
  const resolved: Record<string, unknown> = {};
  for (const spec of optionTable) {
    const item = first.get(spec.name);
    const raw = item && child0(item.value);
    resolved[spec.name] = raw === undefined ? copy(spec.default) : convert(spec, raw, `${file}:${item?.line}`);
  }
  resolved['enable-dom0-ballooning'] ??= resolved['dom0-min-mem'] !== 0;
  return deepFreeze(resolved) as XendOptions;
}

const TRUE = /^(yes|y|1|on|true|t)$/i;
const FALSE = /^(no|n|0|off|false|f)$/i;
// Python 2 int(): surrounding whitespace, a sign (its strtol even allows blanks after it), decimal digits.
// Applied to the trimmed value: one whitespace run at most, so no backtracking blow-up.
const INT = /^([+-]?)[ \t\n\v\f\r]*(\d+)$/;

function convert(spec: OptionSpec, raw: Sxp, where: string): Sxp {
  const bad = (expected: string): XendConfigError =>
    new XendConfigError(
      `invalid xend config ${spec.name}: expected ${expected}: ${typeof raw === 'string' ? raw : show(raw)} (${where})`,
    );
  if (spec.type === 'sxp') {
    if (!Array.isArray(raw)) throw bad('list');
    return raw;
  }
  if (typeof raw !== 'string') throw bad(spec.type === 'bool' || spec.type === 'int' ? spec.type : 'str');
  switch (spec.type) {
    case 'bool':
      if (TRUE.test(raw)) return true;
      if (FALSE.test(raw)) return false;
      throw bad('bool');
    case 'int': {
      const m = INT.exec(raw.trim());
      if (!m) throw bad('int');
      return Number(`${m[1]}${m[2]}`) || 0; // not -0
    }
    case 'path':
      // xend looks a bare file name up in its config directory.
      return raw && !raw.includes('/') ? `/etc/xen/${raw}` : raw;
    default:
      if (spec.values && !spec.values.includes(raw)) throw bad(`one of ${spec.values.join(' ')}`);
      return raw;
  }
}

function copy(v: OptionSpec['default']): unknown {
  return Array.isArray(v) ? v.map(copy) : v;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) Object.values(v).forEach(deepFreeze);
  return Object.freeze(v);
}
