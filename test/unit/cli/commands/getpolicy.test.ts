import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xm } from '../xm.js';

const DUMMY = { 'xend.security.get_xstype': () => 0, 'xend.security.get_policy': () => ['', 0] };

test("xm getpolicy: getpolicy.py's lines for no security module", async () => {
  const r = await xm(['getpolicy'], DUMMY);
  assert.deepEqual([r.code, r.stdout], [0, 'Supported security subsystems   : None \n\nNo policy is installed.\n']);
  const dump = await xm(['getpolicy', '--dumpxml'], DUMMY);
  assert.equal(dump.stdout, r.stdout);
  const acm = await xm(['getpolicy'], { ...DUMMY, 'xend.security.get_xstype': () => 1 | 8 });
  assert.match(acm.stdout, /^Supported security subsystems {3}: ACM, unsupported \(00000008\) \n/);
});
