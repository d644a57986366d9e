// xend with (xend-hypervisor xen) over a fake xl (test/helpers/fake-xl.ts): the real
// binaries, a held `xl create`, and xm answered meanwhile.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeXen } from '../helpers/fake-xl.js';
import { TestXend } from '../helpers/xend.js';
import { ok } from '../helpers/xm-checks.js';

describe('xend on the xen backend while xl builds a domain', () => {
  let fake: FakeXen;
  let x: TestXend;
  before(async () => {
    fake = new FakeXen();
    x = await TestXend.start(`(xend-hypervisor xen)\n(xen-xl-binary ${fake.xl})\n`);
  });
  after(async () => {
    await x.dispose();
    fake.close();
  });

  test('xm list is answered while xl create runs; xm create returns once xl is done', async () => {
    // xm checks that the kernel exists where it runs, as xm 4.4 did.
    const kernel = x.writeFile('vmlinuz', 'a kernel');
    const cfg = x.writeFile('g1.cfg', `name = 'g1'\nkernel = '${kernel}'\nmemory = 64\n`);
    const xlRunning = fake.hold('create');
    const creating = x.xm('create', cfg);
    const finish = await xlRunning;
    const meanwhile = await x.xm('list');
    ok(meanwhile);
    assert.match(meanwhile.stdout, /^Domain-0 +0 /m);
    assert.doesNotMatch(meanwhile.stdout, /^g1 /m);
    finish();
    ok(await creating);
    const [g1] = fake.domains;
    assert.match((await x.xm('list', 'g1')).stdout, new RegExp(`^g1 +${g1!.domid} +64 `, 'm'));
  });
});
