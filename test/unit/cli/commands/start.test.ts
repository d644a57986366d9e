import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainSxp, xm } from '../xm.js';
import { FakeViewer, withVnc } from '../fake-vncviewer.js';

test('xm start [-p] DOM: one call, silent; --json gives the record', async () => {
  const r = await xm(['start', '-p', 'web'], { 'xend.domain.start': () => 0 });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend.domain.start', ['web', true]]]]);
  const j = JSON.parse((await xm(['start', '--json', 'web'], { 'xend.domain.start': () => 0, 'xend.domain': () => domainSxp({ name: 'web', domid: 8 }) })).stdout);
  assert.deepEqual([j.version, j.command, j.domain.name, j.domain.domid], [1, 'start', 'web', 8]);
});

test('xm start needs one domain', async () => {
  const r = await xm(['start']);
  assert.deepEqual([r.code, r.stderr], [1, "Error: 'xm start' requires 1 argument.\n\n"]);
});

test('xm start --vncviewer: a viewer of its own in the background, on the address xend reports; --vncviewer-autopass gives it the password', async () => {
  const viewer = new FakeViewer();
  try {
    const record = () => withVnc(domainSxp({ name: 'web', domid: 8 }), '127.0.0.1:5903');
    const r = await xm(['start', '--vncviewer', '--vncviewer-autopass', 'web'], { 'xend.domain.start': () => 0, 'xend.domain': record }, { env: viewer.env });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
    assert.deepEqual(r.calls, [['xend.domain.start', ['web', false]], ['xend.domain', ['web', 1]]]);
    assert.deepEqual(await viewer.started(), { args: '-autopass 127.0.0.1:3\n', stdin: 'pw\n' });
  } finally {
    viewer.dispose();
  }
});
