import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usage, xm } from '../xm.js';

test("xm getlabel mgt: xend's label for the domain (empty under the dummy module)", async () => {
  const r = await xm(['getlabel', 'mgt', 'web'], { 'xend.security.get_domain_label': () => "'ACM:p:l" });
  assert.deepEqual([r.code, r.stdout, r.calls], [0, 'ACM:p:l\n', [['xend.security.get_domain_label', ['web']]]]);
  const none = await xm(['getlabel', 'mgt', 'web'], { 'xend.security.get_domain_label': () => '' });
  assert.deepEqual([none.code, none.stdout], [0, '\n']);
});

test('xm getlabel res: an unlabeled resource is an error without usage', async () => {
  const r = await xm(['getlabel', 'res', 'file:/x'], { 'xend.security.get_resource_label': () => '' });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: Resource not labeled\n', '']);
  const labeled = await xm(['getlabel', 'res', 'file:/x'], { 'xend.security.get_resource_label': () => ['ACM', 'p', 'l'] });
  assert.equal(labeled.stdout, 'ACM:p:l\n');
});

test("xm getlabel dom FILE reads the config's access_control entry", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'getlabel-'));
  writeFileSync(join(dir, 'a.cfg'), "name='a'\naccess_control = ['policy=p,label=l']\n");
  writeFileSync(join(dir, 'b.cfg'), "name='b'\n");
  const r = await xm(['getlabel', 'dom', 'a.cfg'], {}, { cwd: dir });
  assert.deepEqual([r.code, r.stdout], [0, 'policytype=ACM,policy=p,label=l\n']);
  const none = await xm(['getlabel', 'dom', join(dir, 'b.cfg')]);
  assert.deepEqual([none.code, none.stderr], [1, 'Error: Domain not labeled\n']);
  const missing = await xm(['getlabel', 'dom', 'nosuch.cfg'], {}, { cwd: dir });
  assert.deepEqual([missing.code, missing.stderr, missing.stdout], [1, "Error: Configuration file 'nosuch.cfg' not found.\n", usage('getlabel')]);
});

test("xm getlabel's argument errors", async () => {
  const few = await xm(['getlabel', 'dom']);
  assert.deepEqual([few.code, few.stderr, few.stdout], [1, 'Error: Requires 2 arguments\n', usage('getlabel')]);
  const kind = await xm(['getlabel', 'disk', 'x']);
  assert.equal(kind.stderr, 'Error: First subcommand argument must be "dom", "mgt" or "res"\n');
  const vif = await xm(['getlabel', 'vif-x', 'web']);
  assert.equal(vif.stderr, 'Error: Bad VIF device index.\n');
  const xenapi = await xm(['getlabel', 'vif-0', 'web']);
  assert.equal(xenapi.stderr, 'Error: xm needs to be configure to use the xen-api.\n');
});
