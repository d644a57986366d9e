import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, usage, xm } from '../xm.js';

const XSM = (m: string) => `"Command not supported under ${m} 'dummy' module."`;

test('xm addlabel without a policy: no ACM policy is active to default to', async () => {
  const r = await xm(['addlabel', 'l', 'res', 'file:/x']);
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: ACM security is not enabled. You must specify the policy on the command line.\n', usage('addlabel')]);
});

test("xm addlabel res and mgt: xend's dummy module refuses", async () => {
  const res = await xm(['addlabel', 'l', 'res', 'file:/x', 'pol'], { 'xend.security.get_resource_label': () => '', 'xend.security.set_resource_label': () => fault(1, XSM('XSM')) });
  assert.deepEqual([res.code, res.stderr, res.stdout], [1, `Error: ${XSM('XSM')}\n`, usage('addlabel')]);
  assert.deepEqual(res.calls[1], ['xend.security.set_resource_label', ['file:/x', 'ACM', 'pol', 'l', '']]);
  const mgt = await xm(['addlabel', 'l', 'mgt', 'web', 'ACM:pol'], { 'xend.security.set_domain_label': () => fault(1, XSM('xsm')) });
  assert.deepEqual([mgt.code, mgt.stderr, mgt.calls], [1, `Error: ${XSM('xsm')}\n`, [['xend.security.set_domain_label', ['web', 'ACM:pol:l', '']]]]);
  const format = await xm(['addlabel', 'l', 'mgt', 'web', 'pol']);
  assert.equal(format.stderr, 'Error: Policy name in wrong format.\n');
});

test('xm addlabel dom: the dummy module cannot label a config (xm 4.4 failed with a traceback)', async () => {
  const r = await xm(['addlabel', 'l', 'dom', '/etc/hostname', 'pol']);
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, "Error: Command not supported under xsm 'dummy' module.\n", '']);
});

test("xm addlabel's argument errors", async () => {
  const few = await xm(['addlabel', 'l']);
  assert.deepEqual([few.code, few.stderr, few.stdout], [1, 'Error: Needs either 2 or 3 arguments\n', usage('addlabel')]);
  const kind = await xm(['addlabel', 'l', 'disk', 'x', 'p']);
  assert.equal(kind.stderr, 'Error: Need to specify either "dom", "mgt" or "res" as object to add label to.\n');
});
