import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { TestXend, eventually } from '../helpers/xend.js';
import { startXendOver, type TransportName } from '../helpers/transports.js';
import { testGuest } from '../helpers/qemu-guest.js';
import { json, ok } from '../helpers/xm-checks.js';

/** xm vncviewer: a sim guest has no VNC server; a QEMU guest with vfb=['vnc=1'] has one that speaks RFB. */

for (const transport of ['xmlrpc-unix', 'xmlrpc-tcp'] as TransportName[]) {
  describe(`xm vncviewer on the sim over ${transport}`, () => {
    let x: TestXend;
    before(async () => {
      x = await startXendOver(transport);
      ok(await x.xm('create', '/dev/null', 'name=v1', 'memory=64', 'vfb=vnc=1'));
    });
    after(() => x.dispose());

    test('the simulated host gives no VNC server: said, exit 1; an unknown domain is exit 3', async () => {
      const r = await x.xm('vncviewer', 'v1');
      assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', "Error: Domain 'v1' has no VNC server (no vfb device with vnc=1, or its backend gives none)\n"]);
      assert.equal((await x.xm('vncviewer', 'nosuch')).code, 3);
    });
  });
}

const guest = testGuest();
if ('skip' in guest) process.stderr.write(`\n*** QEMU VNC test SKIPPED: ${guest.skip} ***\n\n`);

describe('xm vncviewer on a QEMU guest', { skip: 'skip' in guest ? guest.skip : false }, () => {
  let x: TestXend;
  before(async () => {
    x = await TestXend.start('(xend-hypervisor qemu)\n');
    const dir = 'dir' in guest ? guest.dir : '';
    x.writeFile('etc/xen/vnc1', `kernel = "${dir}/vmlinuz"\nramdisk = "${dir}/initramfs.gz"\nmemory = 128\nname = "vnc1"\nvfb = ['vnc=1']\n`);
  });
  after(async () => {
    await x.xm('destroy', 'vnc1');
    await x.dispose();
  });

  test("the vfb's location in list -l, and the VNC server there answers with RFB's banner", async () => {
    ok(await x.xm('create', 'vnc1'));
    // The location is known once QMP has said where QEMU listens (the backend asks as soon as QMP connects).
    await eventually(async () => (await x.xm('vncviewer', '--json', 'vnc1')).code === 0, 60_000);
    const doc = await json(x, 'vncviewer', 'vncviewer', 'vnc1');
    assert.equal(doc.host, '127.0.0.1');
    assert.equal(doc.display, `127.0.0.1:${doc.port - 5900}`);
    assert.match((await x.xm('list', '-l', 'vnc1')).stdout, new RegExp(`\\(vfb \\(vnc 1\\)[^\\n]*\\(location 127\\.0\\.0\\.1:${doc.port}\\)\\)`));
    const banner = await new Promise<string>((resolve, reject) => {
      const s = connect(doc.port, '127.0.0.1');
      s.once('data', (d: Buffer) => {
        resolve(d.toString('latin1'));
        s.destroy();
      });
      s.once('error', reject);
    });
    assert.equal(banner, 'RFB 003.008\n');
  });
});
