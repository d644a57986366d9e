import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

test('xm setpolicy: xm reads the policy, then xend supports no policy type', async () => {
  const r = await xm(['setpolicy', 'flask', '/etc/hostname'], { 'xend.security.get_xstype': () => 0 });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: Policy type not supported.\n', '']);
});

test("xm setpolicy's own refusals, each with the usage", async () => {
  const few = await xm(['setpolicy', 'ACM']);
  assert.deepEqual([few.code, few.stderr, few.stdout], [1, 'Error: Need at least 3 arguments.\n', usage('setpolicy')]);
  const type = await xm(['setpolicy', 'SELinux', 'p']);
  assert.equal(type.stderr, "Error: Unsupported policytype 'SELinux'.\n");
  const acm = await xm(['setpolicy', 'ACM', 'my.pol']);
  assert.equal(acm.stderr, 'Error: Could not read policy file: /etc/xen/acm-security/policies/my/pol-security_policy.xml\n');
  const flask = await xm(['setpolicy', 'FLASK', '/no/such/policy']);
  assert.equal(flask.stderr, 'Error: Could not read policy file: /no/such/policy\n');
});
