import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, usage, xm } from '../xm.js';

const NO_MODULE = "[Errno 2] No such file or directory: '/proc/vnet/policy'";

test("xm vnet-create FILE sends the file's name; xend's refusal without the vnet module", async () => {
  const r = await xm(['vnet-create', '/etc/hostname'], { xend_vnet_create: () => fault(2, NO_MODULE) });
  assert.deepEqual([r.code, r.stderr, r.stdout, r.calls], [1, `Error: ${NO_MODULE}\n`, usage('vnet-create'), [['xend_vnet_create', ['/etc/hostname']]]]);
});

test('xm vnet-create of a file it cannot read: "File not found" on stdout, exit 1, xend not asked', async () => {
  const r = await xm(['vnet-create', '/no/such/vnet.sxp']);
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [1, 'File not found: /no/such/vnet.sxp\n', '', []]);
});
