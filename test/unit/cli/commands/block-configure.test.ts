import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, usage, xm } from '../xm.js';

const configure = 'xend.domain.device_configure';

test('xm block-configure sends the new media as device_configure, devid None', async () => {
  const r = await xm(['block-configure', 'web', 'file:/img/b.iso', 'hdc:cdrom', 'r'], { [configure]: () => true });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.deepEqual(r.calls, [[configure, ['web', ['vbd', ['uname', 'file:/img/b.iso'], ['dev', 'hdc:cdrom'], ['mode', 'r']], null]]]);
});

test("xm block-configure: xend's refusal and the usage", async () => {
  const r = await xm(['block-configure', 'web', 'file:/b', 'xvdb', 'w'], { [configure]: () => fault(2, 'Device 51728 not connected') });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: Device 51728 not connected\n', usage('block-configure')]);
});
