import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fault, usage, xm } from '../xm.js';

const DUMMY = `"Command not supported under XSM 'dummy' module."`;

test('xm rmlabel dom FILE comments the access_control entry out, as rmlabel.py did', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'rmlabel-')), 'a.cfg');
  writeFileSync(file, "name='a'\naccess_control = ['policy=p,\n  label=l']\nmemory=64\n");
  const r = await xm(['rmlabel', 'dom', file]);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.equal(readFileSync(file, 'utf8'), "name='a'\n#access_control = ['policy=p,\n#  label=l']\nmemory=64\n");
  const again = await xm(['rmlabel', 'dom', file]);
  assert.deepEqual([again.code, again.stderr], [1, 'Error: Domain not labeled\n']);
});

test('xm rmlabel mgt and res: nothing is labeled under the dummy module', async () => {
  const mgt = await xm(['rmlabel', 'mgt', 'web'], { 'xend.security.get_domain_label': () => '' });
  assert.deepEqual([mgt.code, mgt.stderr, mgt.stdout], [1, 'Error: Domain was not labeled.\n', '']);
  const res = await xm(['rmlabel', 'res', 'file:/x'], { 'xend.security.get_resource_label': () => '' });
  assert.deepEqual([res.code, res.stderr], [1, 'Error: Resource not labeled\n']);
  const labeled = await xm(['rmlabel', 'res', 'file:/x'], { 'xend.security.get_resource_label': () => ['ACM', 'p', 'l'], 'xend.security.set_resource_label': () => fault(1, DUMMY) });
  assert.deepEqual([labeled.code, labeled.stderr, labeled.stdout], [1, `Error: ${DUMMY}\n`, usage('rmlabel')]);
});

test("xm rmlabel's argument errors", async () => {
  const few = await xm(['rmlabel']);
  assert.deepEqual([few.code, few.stderr, few.stdout], [1, 'Error: Requires 2 arguments\n', usage('rmlabel')]);
  const kind = await xm(['rmlabel', 'disk', 'x']);
  assert.equal(kind.stderr, 'Error: Unrecognised type argument: disk\n');
  const vif = await xm(['rmlabel', 'vif-1', 'web']);
  assert.equal(vif.stderr, 'Error: Need to be configure for using xen-api.\n');
});
