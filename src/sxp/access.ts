import type { Sxp } from './types.js';

/**
 * sxp.py's accessors. An element is a non-empty list whose head is its name; an
 * `(@ …)` list right after the head holds attributes and is not a child.
 * Defaults are `undefined` where sxp.py's are None, since null is a value here.
 */

/** A non-empty list, named `elt` if given. */
export function elementp(x: Sxp, elt?: string): x is Sxp[] {
  return Array.isArray(x) && x.length > 0 && (elt === undefined || x[0] === elt);
}

/** The string itself, or a list's head; undefined for anything else. */
export function name(x: Sxp): Sxp | undefined {
  if (typeof x === 'string') return x;
  return Array.isArray(x) ? x[0] : undefined;
}

/** The `(k v)` pairs of an `(@ …)` list at index 1. */
export function attributes(x: Sxp): Sxp[] {
  const attrs = Array.isArray(x) ? x[1] : undefined;
  return attrs !== undefined && elementp(attrs, '@') ? attrs.slice(1) : [];
}

export function attribute<D = undefined>(x: Sxp, key: string, dflt?: D): Sxp | D {
  const pair = attributes(x).find((a): a is Sxp[] => elementp(a, key));
  return pair && pair.length > 1 ? (pair[1] as Sxp) : (dflt as D);
}

/**
 * The value of the `(key value)` pair in a list of pairs with no head of its own (a struct
 * as xend sent it: `((domain 0x0000) (bus 0x03) …)`); undefined when there is none.
 */
export function pairValue(list: Sxp, key: string): Sxp | undefined {
  return Array.isArray(list) ? list.find((x): x is Sxp[] => elementp(x, key))?.[1] : undefined;
}

/** Everything after the head (and attributes); with `elt`, only the elements so named. */
export function children(x: Sxp): Sxp[];
export function children(x: Sxp, elt: string): Sxp[][];
export function children(x: Sxp, elt?: string): Sxp[] {
  if (!Array.isArray(x) || x.length < 2) return [];
  const kids = x.slice(elementp(x[1] as Sxp, '@') ? 2 : 1);
  return elt === undefined ? kids : kids.filter((k) => elementp(k, elt));
}

/** The first child element named `elt`. */
export function child<D = undefined>(x: Sxp, elt: string, dflt?: D): Sxp[] | D {
  return children(x, elt)[0] ?? (dflt as D);
}

/** The child at `index` (attributes skipped), elements or not. */
export function childAt<D = undefined>(x: Sxp, index: number, dflt?: D): Sxp | D {
  const kids = children(x);
  return index < kids.length ? (kids[index] as Sxp) : (dflt as D);
}

export function child0<D = undefined>(x: Sxp, dflt?: D): Sxp | D {
  return childAt(x, 0, dflt);
}

/** The first value of the first child named `elt`; `dflt` if absent or valueless (`(k)`). */
export function childValue<D = undefined>(x: Sxp, elt: string, dflt?: D): Sxp | D {
  const kid = child(x, elt);
  return kid === undefined ? (dflt as D) : childAt(kid, 0, dflt);
}

/**
 * Recursive merge by element name, s1's values winning; s2's non-element
 * children are dropped, as in sxp.py. Names are merged in first-seen order
 * where sxp.py used Python 2 dict order.
 */
export function merge(s1: Sxp, s2: Sxp): Sxp {
  if (s1 === null) return s2;
  if (s2 === null || !elementp(s1)) return s1;
  const [m1, values1] = childMap(s1);
  const [m2] = childMap(s2);
  const out: Sxp[] = [s1[0] as Sxp];
  for (const [key, l1] of m1) {
    const l2 = m2.get(key) ?? [];
    l1.forEach((e, i) => out.push(i < l2.length ? merge(e, l2[i] as Sxp) : e));
    out.push(...l2.slice(l1.length));
  }
  for (const [key, l2] of m2) if (!m1.has(key)) out.push(...l2);
  out.push(...values1);
  return out;
}

function childMap(x: Sxp): [Map<Sxp | undefined, Sxp[][]>, Sxp[]] {
  const elements = new Map<Sxp | undefined, Sxp[][]>();
  const values: Sxp[] = [];
  for (const kid of children(x)) {
    if (!elementp(kid)) {
      values.push(kid);
      continue;
    }
    const same = elements.get(kid[0]);
    if (same) same.push(kid);
    else elements.set(kid[0], [kid]);
  }
  return [elements, values];
}
