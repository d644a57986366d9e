/**
 * Transcendent memory as Xen's tmem control hypercall offers it (xc.tmem_control,
 * xc.tmem_shared_auth). `cliId` is a domain id, or -1 for every client. Results are
 * Xen's: 0 done, -1 no such client (not an error: xend passed the number on).
 */
export interface TmemControl {
  /** TMEMC_LIST: Xen's program-parseable stats lines (G=, S=, C=, P=, T=), or -1. */
  list(cliId: number, long: boolean): string | number;
  /** TMEMC_FREEZE / THAW / DESTROY on every pool of the client (or of all). */
  freeze(cliId: number, op: TmemFreezeOp): number;
  /** TMEMC_FLUSH: evicts up to `kb` KiB of ephemeral pages (all clients only); the KiB flushed, or -1. */
  flush(cliId: number, kb: number): number;
  /** TMEMC_SET_WEIGHT / CAP / COMPRESS. */
  set(cliId: number, setting: TmemSetting, value: number): number;
  /** TMEMC_QUERY_FREEABLE_MB: MiB of ephemeral pages the host could take back. */
  freeableMb(): number;
  /** Authorizes (1) or deauthorizes (0) a client for the shared pool `uuid`; 1 done, 0 nothing to undo, -1 a bad uuid, -22 no such client. */
  sharedAuth(cliId: number, uuid: string, auth: number): number;
}

export type TmemFreezeOp = 'freeze' | 'thaw' | 'destroy';
export type TmemSetting = 'weight' | 'cap' | 'compress';

/** Xen's TMEM_CLI_ID_NULL as xm sent it: every client. */
export const TMEM_ALL = -1;
