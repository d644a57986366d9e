import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, usage, xm } from '../xm.js';

const ok = { 'xend.domain.setMemoryTarget': () => 0 };

test('xm mem-set DOM MEM: MiB by default, k/m/g suffixes in any case, as int_unit made them; silent', async () => {
  // A negative amount goes on to xend, which refuses it.
  for (const [mem, mib] of [['512', 512], ['1g', 1024], ['2048K', 2], [' 64m', 64], ['-5', -5]] as const) {
    const r = await xm(['mem-set', 'web', mem], ok);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', ''], mem);
    assert.deepEqual(r.calls, [['xend.domain.setMemoryTarget', ['web', mib]]], mem);
  }
});

test("xm mem-set with another unit letter: int_unit's 'ignoring unknown unit' first, then bytes (on stderr with --json)", async () => {
  const r = await xm(['mem-set', 'web', '3145728x'], ok);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'ignoring unknown unit\n', '']);
  assert.deepEqual(r.calls, [['xend.domain.setMemoryTarget', ['web', 3]]]);
  const j = await xm(['mem-set', '--json', 'web', '1t'], ok);
  assert.deepEqual([j.stdout, j.stderr], ['{"version":1,"ok":true,"command":"mem-set","domain":"web"}\n', 'ignoring unknown unit\n']);
});

test('xm mem-set with a bad amount: Invalid argument. and the usage, nothing sent', async () => {
  for (const mem of ['lots', '1.5', '', '64m ']) {
    const r = await xm(['mem-set', 'web', mem], ok);
    assert.equal(r.code, 1, mem);
    assert.equal(r.stderr, 'Error: Invalid argument.\n', mem);
    assert.equal(r.stdout, (mem === 'lots' ? 'ignoring unknown unit\n' : '') + usage('mem-set'), mem);
    assert.deepEqual(r.calls, []);
  }
});

test('xm mem-set with one argument: arg_check words it', async () => {
  const r = await xm(['mem-set', 'web']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "Error: 'xm mem-set' requires 2 arguments.\n\n");
  assert.equal(r.stdout, 'Usage: xm mem-set <Domain> <Mem>\n\nSet the current memory usage for a domain.\n');
});

test('xm balloon still works and says it is deprecated', async () => {
  const r = await xm(['balloon', 'web', '128'], ok);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, 'Command balloon is deprecated.  Please use xm mem-set instead.\n');
});

test("xm mem-set: xend's refusal is printed with the usage", async () => {
  const r = await xm(['mem-set', 'web', '99999'], { 'xend.domain.setMemoryTarget': () => fault(1, 'cannot set memory: not enough free') });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error: cannot set memory: not enough free\n');
  assert.equal(r.stdout, usage('mem-set'));
});

test('xm mem-set --json: ok in the envelope', async () => {
  const r = await xm(['mem-set', '--json', 'web', '256'], ok);
  assert.equal(r.stdout, '{"version":1,"ok":true,"command":"mem-set","domain":"web"}\n');
  const bad = await xm(['mem-set', '--json', 'web', 'x'], ok);
  assert.equal(bad.stdout, '{"version":1,"error":{"type":"cli","message":"Invalid argument.","exit":1}}\n');
});
