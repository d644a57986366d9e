import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, usage, xm } from '../xm.js';

const cls = 'xend.domain.getBlockDeviceClass';
const destroy = 'xend.domain.destroyDevice';

test('xm block-detach asks xend which block class holds the disk, then destroys it with rm_cfg', async () => {
  const r = await xm(['block-detach', 'web', 'xvdb'], { [cls]: () => 'vbd', [destroy]: () => null });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.deepEqual(r.calls, [
    [cls, ['web', 'xvdb']],
    [destroy, ['web', 'vbd', 'xvdb', false, true]],
  ]);
  const tap = await xm(['block-detach', 'web', '51728', '--force'], { [cls]: () => 'tap', [destroy]: () => null });
  assert.deepEqual(tap.calls[1], [destroy, ['web', 'tap', '51728', true, true]]);
  const unknown = await xm(['block-detach', 'web', 'xvdz', '-f'], { [cls]: () => null, [destroy]: () => null });
  assert.deepEqual(unknown.calls[1], [destroy, ['web', 'vbd', 'xvdz', true, true]]);
});

test("xm block-detach ignores a third word that is not -f, with xm's line", async () => {
  const r = await xm(['block-detach', 'web', 'xvdb', 'now'], { [cls]: () => 'vbd', [destroy]: () => null });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'Ignoring option now\n', '']);
  assert.deepEqual(r.calls[1], [destroy, ['web', 'vbd', 'xvdb', false, true]]);
});

test("xm block-detach: xend's refusal; the argument count", async () => {
  const r = await xm(['block-detach', 'web', 'xvdc'], { [cls]: () => null, [destroy]: () => fault(2, 'Device 51744 not connected') });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: Device 51744 not connected\n', usage('block-detach')]);
  const few = await xm(['block-detach', 'web']);
  assert.deepEqual([few.code, few.stderr, few.calls], [1, "Error: 'xm block-detach' requires between 2 and 3 arguments.\n\n", []]);
});
