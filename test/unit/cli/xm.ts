/**
 * Runs xm in-process (`main(argv, io)`) against a fake xend: each expected XML-RPC
 * method answers from a canned function; any other call fails the command. Fast
 * enough for every argument error and every rendering of every command.
 */
import { Readable } from 'node:stream';
import { main, type Io } from '../../../src/cli/main.js';
import { commandHelp } from '../../../src/cli/help.js';
import { findCommand } from '../../../src/cli/registry.js';
import { XendClient } from '../../../src/client/xend-client.js';
import { XendFaultError } from '../../../src/transport/errors.js';
import type { Transport } from '../../../src/transport/types.js';
import type { XmlRpcValue } from '../../../src/protocol/xmlrpc/types.js';
import { trimRecord } from '../../../src/protocol/xmlrpc/kept.js';
import { eachItemOf } from '../../../src/protocol/xmlrpc/index.js';

/** A canned xend method: gets the call's parameters, returns (or throws) its result. */
export type Canned = (...params: any[]) => unknown;

export interface XmRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Every call xm made, in order: method and parameters. */
  calls: [string, unknown[]][];
}

export async function xm(
  argv: string[],
  xend: Record<string, Canned> = {},
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; interactiveStderr?: boolean; input?: string } = {},
): Promise<XmRun> {
  const run: XmRun = { code: -1, stdout: '', stderr: '', calls: [] };
  const transport: Transport = {
    async call(method, params, opts = {}) {
      run.calls.push([method, params]);
      const canned = xend[method];
      if (!canned) throw new Error(`unexpected call ${method}`);
      const value = (await canned(...params)) as XmlRpcValue;
      // As our xend and every transport do: a listing's records trimmed to the keys asked
      // (so a command shows only what it asked for), each what eachItem makes of it.
      const keys = opts.sxpKeys;
      const trimmed = keys && Array.isArray(value) ? value.map((r) => (Array.isArray(r) ? trimRecord(r, keys) : r)) : value;
      return eachItemOf(trimmed, opts);
    },
    openConsole: () => Promise.reject(new Error('no console here')),
    close: () => {},
  };
  const io: Io = {
    stdout: (t) => (run.stdout += t),
    stderr: (t) => (run.stderr += t),
    env: { XEND_ROOT: '/nonexistent/xend-root', ...opts.env },
    cwd: opts.cwd ?? '/',
    interactiveStderr: opts.interactiveStderr ?? false,
    connect: () => new XendClient(transport),
    // Standard input and output as a piped xm sees them: what it writes to its output lands in stdout too.
    ...(opts.input !== undefined && {
      terminal: {
        input: Readable.from([Buffer.from(opts.input)]) as unknown as NodeJS.ReadStream,
        output: { isTTY: false, write: (t: string | Uint8Array) => ((run.stdout += t.toString()), true) } as unknown as NodeJS.WriteStream,
      },
    }),
  };
  run.code = await main(argv, io);
  return run;
}

/** What xend's fault N says (3: the domain does not exist). */
export function fault(code: number, message: string): never {
  throw new XendFaultError(code, message);
}

/** `xm <command> --help`'s text, which xm prints after a usage error. */
export const usage = (command: string): string => commandHelp(findCommand(command)!.spec);

export interface CannedDomain {
  name: string;
  domid?: number | null;
  memory?: number;
  maxmem?: number;
  vcpus?: number;
  state?: string;
  status?: number;
  cpu_time?: number;
  start_time?: number;
  uuid?: string;
}

/** A `(domain …)` record as xend sends it. */
export function domainSxp(d: CannedDomain): unknown[] {
  const domid = d.domid === undefined ? 1 : d.domid;
  return [
    'domain',
    ['domid', domid === null ? '' : domid],
    ['name', d.name],
    ['uuid', d.uuid ?? `00000000-0000-0000-0000-${String(domid ?? 99).padStart(12, '0')}`],
    ['memory', d.memory ?? 256],
    ['maxmem', d.maxmem ?? d.memory ?? 256],
    ['vcpus', d.vcpus ?? 1],
    ['online_vcpus', d.vcpus ?? 1],
    ['state', d.state ?? (domid === null ? '' : '-b----')],
    ['status', d.status ?? (domid === null ? 0 : 2)],
    ['cpu_time', d.cpu_time ?? 1.5],
    ...(d.start_time === undefined ? [] : [['start_time', d.start_time]]),
  ];
}

export const DOM0 = domainSxp({ name: 'Domain-0', domid: 0, memory: 1024, vcpus: 2, state: 'r-----', cpu_time: 120.4 });
