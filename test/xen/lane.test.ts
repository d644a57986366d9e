import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { buildXenLane, Dom0Xend, XenLane } from '../helpers/xen-lane.js';

const built = buildXenLane();
if ('skip' in built) process.stderr.write(`\n*** Xen lane tests SKIPPED: ${built.skip} ***\n\n`);
const skip = 'skip' in built ? built.skip : false;
const XEND_PORT = 8006;

describe('Xen lane: Xen 4.17 booted in QEMU, xend in dom0', { skip }, () => {
  let lane: XenLane;
  before(async () => {
    lane = await XenLane.boot('dir' in built ? built.dir : '', { forward: [XEND_PORT] });
    process.stderr.write(`xen lane: dom0 ready ${lane.stages.readyMs} ms after QEMU started\n`);
  });
  after(async () => {
    await lane?.stop();
  });

  test('xl list in dom0 shows Domain-0', async () => {
    const r = await lane.dom0('xl list');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^Name\s+ID\s+Mem\s+VCPUs\s+State\s+Time\(s\)$/m);
    assert.match(r.out, /^Domain-0\s+0\s+\d+\s+\d+\s+r-----/m);
  });

  test('xend in dom0 (sim backend) answers bin/xm on the host over TCP and xm in dom0 over its Unix socket', async () => {
    const x = await Dom0Xend.start(lane, '/tmp/xend-sim', XEND_PORT);
    try {
      const host = await x.xm('list');
      assert.equal(host.code, 0, host.stderr);
      assert.match(host.stdout, /^Domain-0 +0 /m);
      const inDom0 = await x.xmInDom0('list');
      assert.equal(inDom0.code, 0, inDom0.out);
      assert.match(inDom0.out, /^Domain-0 +0 /m);
      // A Python client written for the real xend, against ours in dom0.
      const py = spawnSync('python3', ['-c', `import xmlrpc.client,sys; s=xmlrpc.client.ServerProxy(sys.argv[1]); print(s.xend.domains(0))`, x.uri], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(py.status, 0, py.stderr);
      assert.match(py.stdout, /'Domain-0'/);
    } finally {
      await x.xend('stop');
    }
  });
});
