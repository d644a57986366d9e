import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { TestXend, eventually } from '../helpers/xend.js';
import { ok, state, domid } from '../helpers/xm-checks.js';

/** xend's scripts end to end: enable-dump, network-script and the vif hotplug scripts. */

describe('enable-dump and the network and vif scripts', () => {
  let x: TestXend;
  const script = (name: string, body: string) => {
    const p = x.writeFile(`etc/xen/scripts/${name}`, `#!/bin/sh\n${body}\n`);
    chmodSync(p, 0o755);
  };
  const lines = (file: string) => (existsSync(x.path(file)) ? readFileSync(x.path(file), 'utf8').split('\n').filter(Boolean) : []);
  before(async () => {
    x = new TestXend("(sim-host-memory 4096)\n(enable-dump yes)\n(network-script 'network-test dhcp=yes  bridge=xenbr9')\n(vif-script vif-test)\n");
    script('network-test', 'echo "$0 $*" >> "$XEND_ROOT/network.log"');
    script('vif-test', 'echo "$1 vif=$vif bridge=$bridge mac=$mac ip=$ip XENBUS_PATH=$XENBUS_PATH script=$script" >> "$XEND_ROOT/vif.log"');
    script('vif-broken', 'echo "cannot bring up $vif" >&2; exit 4');
    ok(await x.xend('start'));
  });
  after(() => x.dispose());

  test('network-script runs at start with its arguments (no shell)', async () => {
    assert.deepEqual(lines('network.log'), [`${x.path('etc/xen/scripts/network-test')} start dhcp=yes bridge=xenbr9`]);
  });

  test('vif-script: online when the domain is built, offline when it goes, the vif\'s settings in its environment', async () => {
    ok(await x.xm('create', '/dev/null', 'name=net1', 'memory=64', 'vif=mac=00:16:3e:00:00:01,bridge=xenbr1,ip=10.0.0.5'));
    const id = await domid(x, 'net1');
    await eventually(async () => lines('vif.log').length === 1);
    assert.deepEqual(lines('vif.log'), [`online vif=vif${id}.0 bridge=xenbr1 mac=00:16:3e:00:00:01 ip=10.0.0.5 XENBUS_PATH=backend/vif/${id}/0 script=${x.path('etc/xen/scripts/vif-test')}`]);
    ok(await x.xm('destroy', 'net1'));
    await eventually(async () => lines('vif.log').length === 2);
    assert.match(lines('vif.log')[1]!, new RegExp(`^offline vif=vif${id}\\.0 bridge=xenbr1 `));
  });

  test('a failing or missing hotplug script is a warning in the log, never a failure', async () => {
    const cfg = x.writeFile('two-vifs.cfg', "name = 'net2'\nmemory = 64\nvif = ['script=vif-broken', 'script=vif-missing']\n");
    ok(await x.xm('create', cfg));
    await eventually(async () => /vif-script \S+vif-missing not found/.test((await x.xm('log')).stdout));
    const log = (await x.xm('log')).stdout;
    assert.match(log, /WARNING \(XendScripts:\d+\) vif-script \S+\/vif-broken online exited with status 4: cannot bring up vif\d+\.0/);
    assert.equal(await state(x, 'net2'), '-b----');
    ok(await x.xm('destroy', 'net2'));
  });

  test('enable-dump: a crashed guest\'s core is written before on_crash runs', async () => {
    ok(await x.xm('create', '/dev/null', 'name=crash1', 'memory=64', 'on_crash=preserve'));
    const id = await domid(x, 'crash1');
    ok(await x.xm('sysrq', 'crash1', 'c'));
    await eventually(async () => (await state(x, 'crash1')) === '----c-');
    const dir = x.path('var/xen/dump');
    await eventually(async () => existsSync(dir) && readdirSync(dir).some((f) => f.endsWith(`-crash1.${id}.core`)));
    ok(await x.xm('dump-core', 'crash1', x.path('again.core')), 'a crashed domain can be dumped by hand too');
    ok(await x.xm('destroy', 'crash1'));

    ok(await x.xm('create', '/dev/null', 'name=crash2', 'memory=64', 'on_crash=destroy'));
    const id2 = await domid(x, 'crash2');
    ok(await x.xm('sysrq', 'crash2', 'c'));
    await eventually(async () => (await x.xm('list', 'crash2')).code === 3);
    assert.ok(readdirSync(dir).some((f) => f.endsWith(`-crash2.${id2}.core`)), 'dumped, then destroyed');
    assert.match((await x.xm('log')).stdout, /Domain has crashed: name=crash2 id=\d+\.[\s\S]*core dumped to [\s\S]*Domain has shutdown: name=crash2/);
  });

  test('network-script runs with stop when xend stops, and a missing one only warns', async () => {
    ok(await x.xend('stop'));
    assert.deepEqual(lines('network.log').slice(-1), [`${x.path('etc/xen/scripts/network-test')} stop dhcp=yes bridge=xenbr9`]);
    x.writeFile('etc/xen/xend-config.sxp', '(network-script network-nowhere)\n');
    ok(await x.xend('start'));
    assert.match((await x.xm('log')).stdout, /WARNING \(XendScripts:\d+\) network-script \S+\/network-nowhere not found: not running it \(start\)/);
    ok(await x.xm('list'));
  });
});
