import { DOMAIN_PATH, XEND, type HttpBinding, type MethodSpec } from './methods.js';

/** A method with its legacy HTTP request. */
export type HttpMethod = MethodSpec & { readonly http: HttpBinding };

/** The POST operations on `/xend/domain/<dom>` (SrvDomain's op_<op>) by op name, from the contract. */
export const domainOps: ReadonlyMap<string, HttpMethod> = new Map(
  (Object.values(XEND) as MethodSpec[]).flatMap((m) => (m.http?.path === DOMAIN_PATH && m.http.op ? [[m.http.op, m as HttpMethod]] : [])),
);

/** The head of the SXP body of an HTTP 500: `(xend.err "message")`. */
export const SXP_ERROR = 'xend.err';

type Plain = string | number | boolean | null | bigint | Plain[] | { [k: string]: Plain };

/** A struct as SXP: `((key value) …)`; SXP has no other way to say it. */
export function structToSxp(v: { [k: string]: Plain }): Plain[] {
  return Object.entries(v).map(([k, x]) => [k, x === null || typeof x !== 'object' || Array.isArray(x) ? x : structToSxp(x)]);
}

/** Back from `((key value) …)`, numbers where the text is one. */
export function sxpToStruct(v: unknown): Record<string, unknown> | null {
  if (!Array.isArray(v)) return null;
  const out: Record<string, unknown> = {};
  for (const pair of v) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string') continue;
    const x = pair[1];
    out[pair[0]] = typeof x === 'string' && x !== '' && Number.isFinite(Number(x)) ? Number(x) : x === 'None' ? null : x;
  }
  return out;
}
