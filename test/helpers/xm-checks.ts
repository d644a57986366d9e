/**
 * Checks the end-to-end command tests share (test/integration/commands-*.test.ts):
 * xm's list rows, its refusals and unknown-domain errors, and --json documents
 * held to docs/xm-json.schema.json.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, TestXend, type RunResult } from './xend.js';
import { Validator, type Schema } from './json-schema.js';

export const LIST_HEADER = 'Name                                        ID   Mem VCPUs      State   Time(s)\n';
const schema = JSON.parse(readFileSync(join(REPO, 'docs/xm-json.schema.json'), 'utf8')) as Schema;
export const validator = new Validator(schema);

/** An `xm list` row as xm's format made it: `'%-40s %5s %5d %5d %10s %8.1f'`. */
export function listRow(name: string, id: string, mem: number, vcpus: number, state: string, time: string): string {
  return `${name.padEnd(40)} ${id.padStart(5)} ${String(mem).padStart(5)} ${String(vcpus).padStart(5)} ${state.padStart(10)} ${time.padStart(8)}`;
}

export function ok(r: RunResult, what = ''): void {
  assert.equal(r.code, 0, `${what} exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
}

/** A refusal as xm printed it: `Error: <message>` on stderr, the command's usage on stdout, exit 1. */
export function refused(r: RunResult, message: string, command: string): void {
  assert.equal(r.stderr, `Error: ${message}\n`, `stderr of xm ${command}`);
  assert.equal(r.code, 1, `exit of xm ${command}`);
  assert.ok(r.stdout.startsWith(`Usage: xm ${command} `), `usage of xm ${command} follows: ${r.stdout}`);
}

export function unknown(r: RunResult, dom: string): void {
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stderr, `Error: Domain '${dom}' does not exist.\n`);
  assert.equal(r.stdout, '');
}

export async function listLine(x: TestXend, dom: string): Promise<string> {
  const r = await x.xm('list', dom);
  ok(r, `list ${dom}`);
  assert.ok(r.stdout.startsWith(LIST_HEADER));
  return r.stdout.slice(LIST_HEADER.length).replace(/\n$/, '');
}

export async function state(x: TestXend, dom: string): Promise<string> {
  const line = await listLine(x, dom);
  return line.slice(40 + 1 + 5 + 1 + 5 + 1 + 5 + 1, 40 + 1 + 5 + 1 + 5 + 1 + 5 + 1 + 10).trim();
}

export async function domid(x: TestXend, dom: string): Promise<string> {
  const r = await x.xm('domid', dom);
  ok(r, `domid ${dom}`);
  return r.stdout.trim();
}

/** The guest's console history so far (a read-only attach that ends with its input). */
export async function consoleLog(x: TestXend, dom: string): Promise<string> {
  const r = await x.xmWith({ input: '' }, 'console', '--read-only', '--replay', dom);
  ok(r, `console ${dom}`);
  return r.stdout;
}

/** Runs xm --json and checks the document against the schema's definition. */
export async function json(x: TestXend, def: string, ...args: string[]): Promise<Record<string, any>> {
  const r = await x.xm('--json', ...args);
  ok(r, `--json ${args.join(' ')}`);
  const doc = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, any>;
  assert.deepEqual([...validator.validate(doc), ...validator.validate(doc, `#/$defs/${def}`)], [], `xm ${args.join(' ')}: ${r.stdout}`);
  return doc;
}

/** A private xend on a 4 GiB, 4-CPU sim host, with these guests made by `xm create /dev/null VAR=VAL…`. */
export async function xendWithGuests(...guests: string[][]): Promise<TestXend> {
  const x = await TestXend.start('(sim-host-memory 4096)\n(sim-host-cpus 4)\n');
  for (const args of guests) ok(await x.xm('create', '/dev/null', ...args), args[0]);
  return x;
}
