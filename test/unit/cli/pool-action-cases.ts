import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, usage, xm } from './xm.js';

/**
 * The cases every cpupool command that changes one pool shares: its words go to
 * `method` as typed, it prints nothing, xend's refusal comes with the usage, and
 * a wrong number of words is arg_check's message.
 */
export function poolActionCases(command: string, method: string, args: string[], refusal: string): void {
  const n = args.length;
  test(`xm ${command} ${args.join(' ')}: one call, silent; --json names the pool`, async () => {
    const r = await xm([command, ...args], { [method]: () => 0 });
    assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [[method, args]]]);
    const j = await xm([command, '--json', ...args], { [method]: () => 0 });
    assert.deepEqual(JSON.parse(j.stdout), { version: 1, ok: true, command, pool: command === 'cpupool-migrate' ? args[1] : args[0] });
  });

  test(`xm ${command}: xend's refusal with the usage; too few words is arg_check's message`, async () => {
    const r = await xm([command, ...args], { [method]: () => fault(2, refusal) });
    assert.deepEqual([r.code, r.stderr, r.stdout], [1, `Error: ${refusal}\n`, usage(command)]);
    const few = await xm([command, ...args.slice(1)]);
    assert.deepEqual([few.code, few.stderr], [1, `Error: 'xm ${command}' requires ${n} argument${n === 1 ? '' : 's'}.\n\n`]);
  });
}
