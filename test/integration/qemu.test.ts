import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { TestXend, eventually } from '../helpers/xend.js';
import { freePort } from '../helpers/transports.js';
import { testGuest } from '../helpers/qemu-guest.js';


const guest = testGuest();
if ('skip' in guest) process.stderr.write(`\n*** QEMU backend tests SKIPPED: ${guest.skip} ***\n\n`);
const skip = 'skip' in guest ? guest.skip : false;

function config(name: string, memory = 128): string {
  const dir = 'dir' in guest ? guest.dir : '';
  return `kernel = "${dir}/vmlinuz"\nramdisk = "${dir}/initramfs.gz"\nmemory = ${memory}\nname = "${name}"\nextra = "quiet"\non_reboot = "restart"\n`;
}

/** Types a line at the guest's shell and returns what the console showed within a moment. */
async function shell(x: TestXend, dom: string, line: string, expect: RegExp): Promise<string> {
  let out = '';
  await eventually(async () => {
    const r = await x.xmWith({ input: `${line}\r`, timeoutMs: 20_000 }, 'console', dom);
    out = r.stdout;
    return expect.test(out);
  }, 30_000);
  return out;
}

async function booted(x: TestXend, dom: string): Promise<void> {
  await eventually(async () => {
    const r = await x.xmWith({ input: '\x1d' }, 'console', '--replay', '--read-only', dom);
    return /XMGUEST-BANNER/.test(r.stdout);
  }, 60_000);
}

describe('QEMU backend: real guests', { skip }, () => {
  let a: TestXend;
  let b: TestXend;
  let port: number;
  before(async () => {
    port = await freePort();
    a = await TestXend.start('(xend-hypervisor qemu)\n');
    // A relocation peer is not root: the guest's kernel must lie where b lets such clients take images from.
    b = await TestXend.start(`(xend-hypervisor qemu)\n(xend-relocation-server yes)\n(xend-relocation-address 127.0.0.1)\n(xend-relocation-port ${port})\n(xend-domain-image-path ${'dir' in guest ? guest.dir : ''})\n`);
    a.writeFile('etc/xen/g1', config('g1'));
    a.writeFile('etc/xen/g2', config('g2'));
  });
  after(async () => {
    for (const x of [a, b]) {
      for (const line of (await x.xm('list')).stdout.split('\n').slice(2)) {
        const name = line.split(/\s+/)[0];
        if (name) await x.xm('destroy', name);
      }
      await x.dispose();
    }
  });

  test('xm info names the backend and its accelerator', async () => {
    assert.match((await a.xm('info')).stdout, /^xen_changeset +: qemu backend: qemu-system-x86_64 \d+\.\d+\.\d+, (tcg|kvm) /m);
  });

  test('create: the boot log on the console, a command answered by the guest shell', async () => {
    const r = await a.xm('create', 'g1');
    assert.equal(r.code, 0, r.stderr);
    await booted(a, 'g1');
    await shell(a, 'g1', 'echo hello-$((6*7))', /hello-42/);
  });

  test('pause and unpause (stop/cont); mem-set is seen inside the guest', async () => {
    assert.equal((await a.xm('pause', 'g1')).code, 0);
    assert.match((await a.xm('list', 'g1')).stdout, /--p---/);
    assert.equal((await a.xm('unpause', 'g1')).code, 0);
    assert.doesNotMatch((await a.xm('list', 'g1')).stdout, /--p---/);
    const before = Number(/MemTotal:\s+(\d+)/.exec(await shell(a, 'g1', 'grep MemTotal /proc/meminfo', /MemTotal:\s+\d+/))![1]);
    assert.equal((await a.xm('mem-set', 'g1', '96')).code, 0);
    const after = await eventually(async () => {
      const kb = Number(/MemTotal:\s+(\d+)/.exec(await shell(a, 'g1', 'grep MemTotal /proc/meminfo', /MemTotal:\s+\d+/))![1]);
      return kb < before - 16 * 1024 ? kb : undefined;
    }, 30_000);
    assert.ok(after < before);
    assert.match((await a.xm('list', 'g1')).stdout, /^g1 +\d+ +96 /m);
  });

  test('live migration between two xend instances carries a shell variable', async () => {
    await shell(a, 'g1', 'mark=moved-$((1+1))', /mark=moved/);
    const r = await a.xm('migrate', '--json', '-l', '-p', String(port), 'g1', '127.0.0.1');
    assert.equal(r.code, 0, r.stderr);
    const final = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    assert.ok(final.bytes > 1 << 20 && final.total_ms > 0);
    assert.equal((await a.xm('list', 'g1')).code, 3);
    await shell(b, 'g1', 'echo $mark', /moved-2/);
  });

  test('save and restore round trip keeps the guest state', async () => {
    const file = b.path('g1.chk');
    assert.equal((await b.xm('save', 'g1', file)).code, 0);
    assert.equal((await b.xm('list', 'g1')).code, 3);
    assert.equal(readFileSync(file).subarray(0, 16).toString(), 'LinuxGuestRecord');
    assert.equal((await b.xm('restore', file)).code, 0);
    await shell(b, 'g1', 'echo still-$mark', /still-moved-2/);
  });

  test('xend restart re-adopts running guests', async () => {
    const id = (await b.xm('domid', 'g1')).stdout.trim();
    assert.equal((await b.xend('restart')).code, 0);
    assert.equal((await b.xm('domid', 'g1')).stdout.trim(), id);
    await shell(b, 'g1', 'echo adopted', /adopted/);
  });

  test('sysrq reaches the guest kernel; dump-core writes an ELF core; unsupported triggers are refused', async () => {
    assert.equal((await b.xm('sysrq', 'g1', 'h')).code, 0);
    await eventually(async () => /sysrq: HELP/.test((await b.xmWith({ input: '\x1d' }, 'console', '--replay', '--read-only', 'g1')).stdout), 60_000);
    const core = b.path('g1.core');
    assert.equal((await b.xm('dump-core', 'g1', core)).code, 0);
    assert.deepEqual([...readFileSync(core).subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46]);
    assert.equal((await b.xm('trigger', 'g1', 'nmi')).code, 0);
    const init = await b.xm('trigger', 'g1', 'init');
    assert.equal(init.code, 1);
    assert.match(init.stderr, /^Error: the qemu backend cannot send the init trigger\n/);
  });

  test('reboot -w gives a new domid; shutdown -w goes through the ACPI power button', async () => {
    const id = (await b.xm('domid', 'g1')).stdout.trim();
    const reboot = await b.xmWith({ timeoutMs: 60_000 }, 'reboot', '-w', 'g1');
    assert.equal(reboot.code, 0, reboot.stderr);
    assert.notEqual((await b.xm('domid', 'g1')).stdout.trim(), id);
    await booted(b, 'g1');
    const down = await b.xmWith({ timeoutMs: 60_000 }, 'shutdown', '-w', '--timeout', '45', 'g1');
    assert.equal(down.code, 0, down.stderr);
    assert.equal(down.stdout, 'Domain g1 terminated\nAll domains terminated\n');
  });

  test('what the backend cannot do is refused at create, nothing left behind', async () => {
    const tiny = await a.xm('create', '/dev/null', 'name=tiny', 'memory=32', `kernel=${'dir' in guest ? guest.dir : ''}/vmlinuz`);
    assert.equal(tiny.code, 1);
    assert.match(tiny.stderr, /need at least 72 MiB/);
    const noKernel = await a.xm('create', '/dev/null', 'name=nok', 'memory=128', 'kernel=/nonexistent');
    assert.match(noKernel.stderr, /Cannot find kernel "\/nonexistent"/);
    assert.equal((await a.xm('list', 'tiny')).code, 3);
  });
});

/** The pid of a domain's QEMU, from the pid file QEMU wrote in its run directory. */
async function qemuPid(x: TestXend, dom: string): Promise<number> {
  const id = (await x.xm('domid', dom)).stdout.trim();
  return Number(readFileSync(x.path(`var/lib/xend/state/qemu/run/${id}/qemu.pid`), 'utf8'));
}

/** A line of /proc/<pid>/status, e.g. `Uid`. */
function status(pid: number, field: string): string {
  return new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!;
}

/** Whether something on the host accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** The whole console history of a domain (xend's buffer). */
async function history(x: TestXend, dom: string): Promise<string> {
  return (await x.xmWith({ input: '\x1d' }, 'console', '--replay', '--read-only', dom)).stdout;
}

describe('QEMU backend: what guests and configs cannot do', { skip }, () => {
  let x: TestXend;
  let ports: Record<string, number>;
  const dir = 'dir' in guest ? guest.dir : '';
  before(async () => {
    ports = { xmlrpc: await freePort(), http: await freePort(), relocation: await freePort() };
    x = await TestXend.start(
      `(xend-hypervisor qemu)\n(xend-tcp-xmlrpc-server yes)\n(xend-tcp-xmlrpc-server-port ${ports.xmlrpc})\n(xend-http-server yes)\n(xend-port ${ports.http})\n(xend-relocation-server yes)\n(xend-relocation-port ${ports.relocation})\n`,
    );
  });
  after(async () => {
    for (const line of (await x.xm('list')).stdout.split('\n').slice(2)) {
      const name = line.split(/\s+/)[0];
      if (name) await x.xm('destroy', name);
    }
    await x.dispose();
  });

  test('a guest with a default vif cannot open a TCP connection to any xend port on the host (10.0.2.2)', async () => {
    for (const [what, port] of Object.entries(ports)) assert.ok(await listening(port), `xend's ${what} listener is not up on 127.0.0.1:${port}`);
    x.writeFile('etc/xen/net1', `${config('net1')}vif = ['']\n`);
    assert.equal((await x.xm('create', 'net1')).code, 0);
    await booted(x, 'net1');
    // In the background, so that its output lands in the console history whatever xm console is doing.
    const list = Object.values(ports).join(' ');
    await shell(
      x,
      'net1',
      `(ip link set eth0 up; ip addr add 10.0.2.15/24 dev eth0; ls /sys/class/net | grep -q eth0 && echo "nic-$((1+1))=eth0"; ` +
        `for p in ${list}; do if nc -w 5 10.0.2.2 $p </dev/null >/dev/null 2>&1; then echo "port-$p=open"; else echo "port-$p=shut"; fi; done; echo "probe-$((40+2))-done") &`,
      /xmguest# /,
    );
    const out = await eventually(async () => {
      const h = await history(x, 'net1');
      return /probe-42-done/.test(h) && h;
    }, 120_000);
    assert.match(out, /nic-2=eth0/, 'the guest has its NIC (else the probe proves nothing)');
    const seen = Object.fromEntries([...out.matchAll(/port-(\d+)=(open|shut)/g)].map((m) => [m[1], m[2]]));
    assert.deepEqual(seen, Object.fromEntries(Object.values(ports).map((p) => [String(p), 'shut'])));
  });

  test('a disk path with a comma boots: the guest reads the image', async () => {
    const image = x.path('d,isk.img');
    writeFileSync(image, Buffer.concat([Buffer.from('DISK-MARKER-OK\n'), Buffer.alloc(1 << 20)]));
    const sxp = x.writeFile(
      'etc/xen/disk1.sxp',
      `(vm (name disk1) (memory 128) (on_crash destroy) (image (linux (kernel "${dir}/vmlinuz") (ramdisk "${dir}/initramfs.gz") (args quiet))) (device (vbd (uname "file:${image}") (dev xvda) (mode r))))\n`,
    );
    const r = await x.xm('create', '-F', sxp);
    assert.equal(r.code, 0, r.stderr);
    await booted(x, 'disk1');
    await shell(x, 'disk1', 'head -c 14 /dev/vda; echo', /DISK-MARKER-OK/);
  });

  test('the console is not copied into an ever-growing log file under the run directory', async () => {
    const id = (await x.xm('domid', 'disk1')).stdout.trim();
    assert.ok(existsSync(x.path(`var/lib/xend/state/qemu/run/${id}/qmp.sock`)), 'the run directory is where this test looks');
    assert.ok(!existsSync(x.path(`var/lib/xend/state/qemu/run/${id}/console.log`)));
  });

  test('a QEMU killed while xend is down: at the next start the domain gets its on_crash action (restart), not dropped', async () => {
    x.writeFile('etc/xen/crash1', `${config('crash1')}on_crash = "restart"\n`);
    assert.equal((await x.xm('create', 'crash1')).code, 0);
    const id = (await x.xm('domid', 'crash1')).stdout.trim();
    const pid = await qemuPid(x, 'crash1');
    await x.stop();
    process.kill(pid, 'SIGKILL');
    await eventually(async () => !existsSync(`/proc/${pid}`), 30_000);
    const r = await x.xend('start');
    assert.equal(r.code, 0, r.stderr);
    const now = await eventually(async () => {
      const d = await x.xm('domid', 'crash1');
      return d.code === 0 && d.stdout.trim() !== id && d.stdout.trim();
    }, 60_000);
    assert.notEqual(now, id);
    await booted(x, 'crash1');
    assert.match(readFileSync(x.path('var/log/xen/xend.log'), 'utf8'), /crash1\) crashed: its QEMU \(pid \d+\) no longer runs/);
  });

  test('a QEMU that does not answer (SIGSTOP): xm pause and xm save fail with a timeout error, and the domain works after SIGCONT', async () => {
    const pid = await qemuPid(x, 'crash1');
    process.kill(pid, 'SIGSTOP');
    try {
      const r = await x.xmWith({ timeoutMs: 120_000 }, 'pause', 'crash1');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Error: .*QEMU did not answer stop within 10 s/m);
      const save = await x.xmWith({ timeoutMs: 120_000 }, 'save', 'crash1', x.path('stopped.chk'));
      assert.equal(save.code, 1);
      assert.match(save.stderr, /^Error: .*QEMU did not answer stop within 10 s/m);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    assert.equal((await x.xm('unpause', 'crash1')).code, 0);
    await shell(x, 'crash1', 'echo awake-$((2*3))', /awake-6/);
  });

  test('injections through vif values are refused at create: no helper runs, no host file becomes a ROM, nothing is left', async () => {
    const marker = x.path('helper-ran');
    const helper = x.writeFile('evil/evil.sh', `#!/bin/sh\ntouch ${marker}\n`);
    chmodSync(helper, 0o755);
    // SXP, as xend.domain.create and the relocation stream carry it: an xm vif string could not hold the comma.
    const create = (name: string, vif: string) =>
      x.xm('create', '-F', x.writeFile(`etc/xen/${name}.sxp`, `(vm (name ${name}) (memory 128) (image (linux (kernel "${dir}/vmlinuz") (ramdisk "${dir}/initramfs.gz"))) (device (vif ${vif})))\n`));
    const bridge = await create('inj1', `(bridge "../../..${x.path('evil')},helper=${helper}")`);
    assert.equal(bridge.code, 1);
    // xend refuses them at create, for every backend; the QEMU backend's own checks (unit/qemu-cmdline) stand behind.
    assert.match(bridge.stderr, /^Error: Invalid bridge: ".*" is not an interface name/m);
    const mac = await create('inj2', '(mac "52:54:00:12:34:56,romfile=/etc/shadow")');
    assert.equal(mac.code, 1);
    assert.match(mac.stderr, /^Error: Invalid MAC address: "52:54:00:12:34:56,romfile=\/etc\/shadow": six hex pairs/m);
    for (const name of ['inj1', 'inj2']) assert.equal((await x.xm('list', name)).code, 3);
    assert.ok(!existsSync(marker), 'the injected bridge helper ran');
  });

  test("a QEMU that fails to start: create fails with QEMU's own message, in the log too, and leaves no domain", async () => {
    x.writeFile('junk-kernel', 'not a kernel\n');
    const r = await x.xm('create', '/dev/null', 'name=junk', 'memory=128', `kernel=${x.path('junk-kernel')}`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: .*QEMU failed to start: qemu: invalid kernel header/m);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.equal((await x.xm('list', 'junk')).code, 3);
    assert.match(readFileSync(x.path('var/log/xen/xend.log'), 'utf8'), /QEMU failed to start: qemu: invalid kernel header/);
  });
});

describe('QEMU backend: (qemu-user NAME)', { skip }, () => {
  let x: TestXend;
  before(async () => {
    x = new TestXend('(xend-hypervisor qemu)\n(qemu-user nobody)\n');
    // QEMU, once nobody, reaches its migration sockets by path: the state directory must be searchable.
    const refused = await x.xend('start');
    assert.match(refused.stderr, /qemu-user nobody cannot reach .*: .* is not searchable by it \(chmod o\+x\)/);
    for (let d = x.path('var/lib/xend/state'); d.startsWith(x.root); d = dirname(d)) chmodSync(d, 0o711);
    const r = await x.xend('start');
    assert.equal(r.code, 0, r.stderr);
    x.writeFile('etc/xen/u1', config('u1'));
  });
  after(async () => {
    await x.xm('destroy', 'u1');
    await x.dispose();
  });

  test('QEMU runs as that user, under seccomp; the guest boots, survives a save and restore, and dump-core writes its core', async () => {
    assert.equal((await x.xm('create', 'u1')).code, 0);
    const pid = await qemuPid(x, 'u1');
    assert.match(status(pid, 'Uid'), /^65534\s+65534\s+65534\s+65534$/);
    assert.equal(status(pid, 'Seccomp'), '2');
    await booted(x, 'u1');
    await shell(x, 'u1', 'kept=yes-$((3+4))', /kept=yes/);
    const file = x.path('u1.chk');
    const save = await x.xm('save', 'u1', file);
    assert.equal(save.code, 0, save.stderr);
    const restore = await x.xm('restore', file);
    assert.equal(restore.code, 0, restore.stderr);
    assert.match(status(await qemuPid(x, 'u1'), 'Uid'), /^65534\s/);
    await shell(x, 'u1', 'echo $kept', /yes-7/);
    const core = x.path('u1.core');
    const dump = await x.xm('dump-core', 'u1', core);
    assert.equal(dump.code, 0, dump.stderr);
    assert.deepEqual([...readFileSync(core).subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46]);
  });
});

describe('QEMU backend: a QEMU without seccomp', { skip }, () => {
  let x: TestXend;
  before(async () => {
    x = new TestXend();
    // A QEMU built without seccomp refuses -sandbox and otherwise works.
    const wrapper = x.writeFile('no-seccomp-qemu', `#!/bin/sh\nfor a in "$@"; do [ "$a" = -sandbox ] && { echo "qemu-system-x86_64: -sandbox on: There is no option group 'sandbox'" >&2; exit 1; }; done\nexec qemu-system-x86_64 "$@"\n`);
    chmodSync(wrapper, 0o755);
    x.writeFile('etc/xen/xend-config.sxp', `(xend-hypervisor qemu)\n(qemu-binary ${wrapper})\n`);
    const r = await x.xend('start');
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await x.xm('destroy', 's1');
    await x.dispose();
  });

  test('guests still start, without -sandbox, and xend.log says so', async () => {
    assert.match(readFileSync(x.path('var/log/xen/xend.log'), 'utf8'), /WARNING .*has no seccomp sandbox \(-sandbox on is refused\): guests' QEMUs run without it/);
    x.writeFile('etc/xen/s1', config('s1'));
    const r = await x.xm('create', 's1');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(status(await qemuPid(x, 's1'), 'Seccomp'), '0');
  });
});

describe('QEMU backend: block and network hot-plug (xm block-attach, network-attach)', { skip }, () => {
  let x: TestXend;
  before(async () => {
    x = await TestXend.start('(xend-hypervisor qemu)\n');
    const iso = x.writeFile('one.iso', 'ISO-ONE');
    x.writeFile('etc/xen/hot1', `${config('hot1')}disk = ['file:${iso},hdc:cdrom,r']\n`);
    const r = await x.xm('create', 'hot1');
    assert.equal(r.code, 0, r.stderr);
    await booted(x, 'hot1');
  });
  after(async () => {
    await x.xm('destroy', 'hot1');
    await x.dispose();
  });

  test('a disk attached is seen by the guest in /proc/partitions and read; detached, it is gone', async () => {
    const image = x.path('hot.img');
    writeFileSync(image, Buffer.concat([Buffer.from('HOTPLUG-DISK-OK\n'), Buffer.alloc(1 << 20)]));
    const r = await x.xm('block-attach', 'hot1', `file:${image}`, 'xvdb', 'w');
    assert.equal(r.code, 0, r.stderr);
    await shell(x, 'hot1', 'echo "parts=$(grep -c vda /proc/partitions)"', /parts=1/);
    await shell(x, 'hot1', 'head -c 15 /dev/vda; echo', /HOTPLUG-DISK-OK/);
    assert.match((await x.xm('block-list', 'hot1')).stdout, /^51728 +0 +0 +4 /m);
    const d = await x.xm('block-detach', 'hot1', 'xvdb');
    assert.equal(d.code, 0, d.stderr);
    await shell(x, 'hot1', 'echo "parts=$(grep -c vda /proc/partitions)"', /parts=0/);
    assert.doesNotMatch((await x.xm('block-list', 'hot1')).stdout, /^51728 /m);
  });

  test('a NIC attached appears in /sys/class/net; detached, it is gone', async () => {
    const r = await x.xm('network-attach', 'hot1', 'mac=00:16:3e:00:00:61');
    assert.equal(r.code, 0, r.stderr);
    await shell(x, 'hot1', 'echo "mac=$(cat /sys/class/net/eth0/address)"', /mac=00:16:3e:00:00:61/);
    const d = await x.xm('network-detach', 'hot1', '0');
    assert.equal(d.code, 0, d.stderr);
    await shell(x, 'hot1', 'echo "nics=$(ls /sys/class/net | grep -c eth)"', /nics=0/);
  });

  test("block-configure changes the media of the config's CD-ROM drive; a CD-ROM drive cannot be hot-plugged", async () => {
    const two = x.writeFile('two.iso', 'ISO-TWO');
    const r = await x.xm('block-configure', 'hot1', `file:${two}`, 'hdc:cdrom', 'r');
    assert.equal(r.code, 0, r.stderr);
    assert.match((await x.xm('list', '-l', 'hot1')).stdout, /\(uname file:.*two\.iso\)/);
    const hot = await x.xm('block-attach', 'hot1', `file:${x.writeFile('three.iso', 'ISO-THREE')}`, 'hdd:cdrom', 'r');
    assert.equal(hot.stderr, 'Error: the qemu backend cannot hot-plug a CD-ROM drive: give the drive in the domain config, and change its media with block-configure\n');
    assert.doesNotMatch((await x.xm('block-list', 'hot1')).stdout, /^5696 /m);
  });
});
