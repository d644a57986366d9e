// A fake Xen host for the xen backend's tests: an `xl` (and xenstore's clients)
// that keep their domains in a JSON file beside them, print what Xen 4.17's xl
// prints (the outputs of the Xen lane, trimmed), and fail as it fails.
import { chmodSync, existsSync, mkdtempSync, openSync, readFileSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { createReadStream, createWriteStream } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One domain of the fake host, as its xl keeps it. */
export interface FakeDomain {
  domid: number;
  name: string;
  uuid: string;
  mem: number;
  vcpus: number;
  /** xl list's six state letters. */
  state: string;
  /** The shutdown code (xl list -v's Reason-Code), once it shut down. */
  reason: number | null;
  /** xl.cfg's type: pv, pvh or hvm. */
  type: string;
  /** Its disks and interfaces, as block-attach and network-attach gave them. */
  disks: { vdev: string; target: string; access: string; cdrom: boolean }[];
  nics: { devid: number; mac: string; settings: string[] }[];
  /** The CPU pool it runs in, by name. */
  pool: string;
}

/** A CPU pool of the fake host (2 CPUs, Pool-0 holds both at boot). */
export interface FakePool {
  id: number;
  name: string;
  sched: string;
  cpus: number[];
}

interface FakeState {
  nextDomid: number;
  domains: FakeDomain[];
  pools: FakePool[];
  nextPool: number;
  /** Every xl command line run, in order. */
  calls: string[][];
  /** What xl migrate-receive's stdin and stdout were: 'tcp' (the connection handed over) or 'pipe' (xend copies). */
  receiveStdio?: string[];
  /** Names a listing of every domain leaves out (FakeXen.unlist). */
  unlisted?: string[];
}

/** The device numbers of the disk names the tests use (xl block-list's Vdev, xenstore's vbd keys). */
const VDEVS = '{ xvda: 51712, xvdb: 51728, xvdc: 51744, hdc: 5632 }';

/**
 * The host's lock, in both scripts: one xl at a time changes the host. A signal
 * (xend's timeout sends SIGTERM, a cancel SIGINT) ends an xl once the change at
 * hand is written, so it lets go of the lock: one that died holding it would
 * leave every later xl waiting for ever.
 */
const HOST_LOCK = String.raw`
const hostLock = path.join(dir, 'lock');
function lockHost() {
  for (;;) {
    try { fs.mkdirSync(hostLock); break; } catch (err) {
      if (err.code !== 'EEXIST') process.exit(1); // the host's folder is gone: its test ended
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
  if (!process.listenerCount('SIGTERM')) for (const [sig, code] of [['SIGTERM', 143], ['SIGINT', 130]]) process.on(sig, () => process.exit(code));
}
const unlockHost = () => fs.rmdirSync(hostLock);
`;

/**
 * The fake xl, run by node. A command it is told to hold (`hold <verb>` in
 * its folder's `holds`) says so in the fifo `<verb>.started` and waits for a
 * line in the fifo `<verb>.gate`: a test sees it running, and decides when it ends.
 */
const XL = String.raw`
const fs = require('fs');
const path = require('path');
const dir = __dirname;
const stateFile = path.join(dir, 'state.json');
const args = process.argv.slice(2);
const holds = fs.existsSync(path.join(dir, 'holds')) ? fs.readFileSync(path.join(dir, 'holds'), 'utf8').split('\n') : [];
// A migration runs two xl at once (sender and receiver) for long: they take the lock only to change the host.
if (args[0] === 'migrate' || args[0] === 'migrate-receive') return require('./xl-migrate.js');
if (holds.includes(args[0])) {
  fs.writeFileSync(path.join(dir, args[0] + '.started'), 'started\n');
  fs.readFileSync(path.join(dir, args[0] + '.gate'));
}
${HOST_LOCK}
// One xl at a time changes the host (xend runs several at once).
lockHost();
process.on('exit', unlockHost);
const st = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
st.calls.push(args);
// Whole or not at all: a test reads the state while xl runs.
const save = () => (fs.writeFileSync(stateFile + '.tmp', JSON.stringify(st)), fs.renameSync(stateFile + '.tmp', stateFile));
const fail = (lines) => { save(); process.stderr.write(lines.join('\n') + '\n'); process.exit(1); };
const find = (id) => st.domains.find((d) => String(d.domid) === id || d.name === id);
// A verb a test made fail (FakeXen.failing) fails with the lines it gave.
const failing = path.join(dir, 'failing.json');
if (fs.existsSync(failing)) {
  const lines = JSON.parse(fs.readFileSync(failing, 'utf8'))[args[0]];
  if (lines) fail(lines);
}
const must = (id) => find(id) || fail([id + ' is an invalid domain identifier (rc=-6)']);
const cfgOf = (file) => {
  const text = fs.readFileSync(file, 'utf8');
  const get = (k) => (new RegExp('^' + k + ' = "?([^"\\n]*)"?$', 'm').exec(text) || [])[1];
  const disks = ((/^disk = \[(.*)\]$/m.exec(text) || [])[1] || '').split('"').filter((_, i) => i % 2).map((spec) => ({
    vdev: (/vdev=(\w+)/.exec(spec) || [])[1],
    target: spec.slice(spec.indexOf('target=') + 7),
    access: (/access=(\w+)/.exec(spec) || [])[1],
    cdrom: spec.includes('devtype=cdrom'),
  }));
  return { name: get('name'), uuid: get('uuid'), mem: Number(get('memory')), vcpus: Number(get('vcpus')), type: get('type') || 'pv', disks, pool: get('pool') || 'Pool-0' };
};
const build = (c, state) => {
  const taken = st.domains.find((d) => d.name === c.name);
  const id = st.nextDomid;
  if (taken) fail([
    'libxl: error: libxl_domain.c:81:libxl__domain_rename: Domain ' + id + ':Domain with name "' + c.name + '" already exists.',
    'libxl: error: libxl_create.c:1296:initiate_domain_create: Domain ' + id + ':cannot make domain: -6',
    'libxl: error: libxl_domain.c:1183:libxl__destroy_domid: Domain ' + id + ':Non-existant domain',
  ]);
  if (!st.pools.some((p) => p.name === c.pool)) fail(['cpupool ' + c.pool + ' does not exist']);
  st.nextDomid++;
  st.domains.push({ domid: id, name: c.name, uuid: c.uuid, mem: c.mem, vcpus: c.vcpus, state, reason: null, type: c.type, disks: c.disks, nics: [], pool: c.pool });
};
const pad = (s, n) => String(s).padStart(n);
const VDEVS = ${VDEVS};
const CANNED = {
  info: 'host                   : dom0\nnr_cpus                : 2\nnr_nodes               : 1\ncores_per_socket       : 2\nthreads_per_core       : 1\ntotal_memory           : 4096\nfree_memory            : 2048\nxen_major              : 4\nxen_minor              : 17\nxen_extra              : .7\nxen_scheduler          : credit2\nxen_pagesize           : 4096\n',
  uptime: 'Name                                ID Uptime\nDomain-0                             0  0:01:40\n',
  'sched-credit2': 'Cpupool Pool-0: ratelimit=1000us\nName                                ID Weight  Cap\nDomain-0                             0    256    0\n',
  'vcpu-list': 'Name                                ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)\n',
  dmesg: '(XEN) Xen version 4.17.7 (fake)\n',
};
switch (args[0] in CANNED ? 'canned' : args[0]) {
  case 'canned':
    process.stdout.write(CANNED[args[0]]);
    break;
  case 'list': {
    const all = [{ domid: 0, name: 'Domain-0', uuid: '00000000-0000-0000-0000-000000000000', mem: 1024, vcpus: 2, state: 'r-----', reason: null }, ...st.domains];
    // xl list [-v] DOMAIN: that one row, or xl's error for one it has not (by domid, Xen's answer).
    const one = args[1] === '-v' ? args[2] : args[1] && !args[1].startsWith('-') ? args[1] : undefined;
    const named = () => all.find((d) => String(d.domid) === one || d.name === one) || (/^\d+$/.test(one) ? fail(["Error: Domain '" + one + "' does not exist."]) : must(one));
    const rows = one === undefined ? all.filter((d) => !(st.unlisted || []).includes(d.name)) : [named()];
    let out = 'Name                                        ID   Mem VCPUs\tState\tTime(s)   UUID                            Reason-Code\tSecurity Label\n';
    for (const d of rows) out += d.name.padEnd(40) + pad(d.domid, 5) + pad(d.mem, 6) + pad(d.vcpus, 6) + '     ' + d.state + '       1.0 ' + d.uuid + pad(d.reason === null ? '-' : d.reason, 9) + '                -\n';
    if (args[1] === '-c') {
      out = 'Name                                        ID   Mem VCPUs\tState\tTime(s)         Cpupool\n';
      for (const d of rows) out += d.name.padEnd(40) + pad(d.domid, 5) + pad(d.mem, 6) + pad(d.vcpus, 6) + '     ' + d.state + '       1.0' + pad(d.pool || 'Pool-0', 16) + '\n';
    }
    if (args[1] === '-l') {
      // libxl's JSON of each domain asked for (Domain-0's is left out).
      const long = st.domains.filter((d) => !args[2] || String(d.domid) === args[2]).map((d) => ({
        domid: d.domid,
        config: {
          c_info: { type: d.type, name: d.name, uuid: d.uuid },
          b_info: { max_vcpus: d.vcpus, max_memkb: d.mem * 1024, target_memkb: d.mem * 1024 },
          disks: d.disks.map((x) => ({ pdev_path: x.target, vdev: x.vdev, format: 'raw', readwrite: x.access === 'rw' ? 1 : 0, ...(x.cdrom && { is_cdrom: 1 }) })),
          nics: d.nics.map((n) => ({ devid: n.devid, mac: n.mac })),
        },
      }));
      out = JSON.stringify(long, null, 4) + '\n';
    }
    process.stdout.write(out);
    break;
  }
  case 'cpupool-list': {
    let out = 'Name'.padEnd(19) + (args[1] === '-c' ? 'CPU list\n' : 'CPUs   Sched     Active   Domain count\n');
    for (const p of st.pools) {
      const count = st.domains.filter((d) => d.pool === p.name).length + (p.id === 0 ? 1 : 0);
      out += p.name.padEnd(19) + (args[1] === '-c' ? p.cpus.join(',') : pad(p.cpus.length, 3) + ' ' + pad(p.sched, 9) + '       y       ' + pad(count, 4)) + '\n';
    }
    process.stdout.write(out);
    break;
  }
  case 'cpupool-create': {
    const kv = Object.fromEntries(args.slice(1).map((a) => /^(\w+)="(.*)"$/.exec(a).slice(1)));
    if (st.pools.some((p) => p.name === kv.name)) fail(['Pool name "' + kv.name + '" already exists']);
    st.pools.push({ id: st.nextPool++, name: kv.name, sched: kv.sched, cpus: [] });
    break;
  }
  case 'cpupool-destroy':
  case 'cpupool-cpu-add':
  case 'cpupool-cpu-remove':
  case 'cpupool-migrate': {
    const name = args[0] === 'cpupool-migrate' ? args[2] : args[1];
    const p = st.pools.find((x) => x.name === name) || fail(["unknown cpupool '" + name + "'"]);
    const cpu = Number(args[2]);
    if (args[0] === 'cpupool-destroy') {
      if (st.domains.some((d) => d.pool === name)) fail(['libxl: error: libxl_cpupool.c:221:libxl_cpupool_destroy: Cpupool not empty']);
      st.pools = st.pools.filter((x) => x !== p);
    } else if (args[0] === 'cpupool-cpu-add') {
      // xl says so, and ends well (xl_cpupool.c).
      if (st.pools.some((x) => x.cpus.includes(cpu))) process.stderr.write('libxl: error: libxl_cpupool.c:385:libxl_cpupool_cpuadd_cpumap: Error moving cpu ' + cpu + ' to cpupool\nsome cpus may not have been added to ' + name + '\n');
      else p.cpus = [...p.cpus, cpu].sort();
    } else if (args[0] === 'cpupool-cpu-remove') {
      if (!p.cpus.includes(cpu)) process.stderr.write("Some cpus may have not or only partially been removed from '" + name + "'.\n");
      else p.cpus = p.cpus.filter((c) => c !== cpu);
    } else {
      if (!p.cpus.length) fail(['libxl: error: libxl_cpupool.c:537:libxl_cpupool_movedomain: Error moving domain to cpupool']);
      must(args[1]).pool = name;
    }
    break;
  }
  case 'create':
    build(cfgOf(args[args.length - 1]), '--p---');
    break;
  case 'destroy':
    st.domains = st.domains.filter((d) => d !== must(args[1]));
    break;
  case 'pause': must(args[1]).state = '--p---'; break;
  case 'unpause': must(args[1]).state = '-b----'; break;
  case 'shutdown': Object.assign(must(args[1]), { state: '---s--', reason: 0 }); break;
  case 'reboot': Object.assign(must(args[1]), { state: '---s--', reason: 1 }); break;
  case 'rename': must(args[1]).name = args[2]; break;
  case 'mem-set': must(args[1]).mem = parseInt(args[2], 10); break;
  case 'save': {
    // xl save -p DOMID FILE: xl writes its image through a temporary name; a path that is no file is an error.
    const d = must(args[2]);
    const file = args[3];
    if (file.startsWith('/proc/')) fail(['Failed to open temp file ' + file + '.tmp for writing: Permission denied']);
    fs.writeFileSync(file + '.tmp', 'XLIMAGE ' + JSON.stringify(d) + '\n' + 'x'.repeat(10000));
    fs.renameSync(file + '.tmp', file);
    d.state = '--p---';
    break;
  }
  case 'block-attach': {
    // One spec in one or more words; target= takes the rest of its word.
    const d = must(args[1]);
    const spec = {};
    for (const word of args.slice(2)) {
      const t = word.indexOf('target=');
      const head = t < 0 ? word : word.slice(0, t);
      for (const kv of head.split(',')) if (kv.trim()) spec[kv.trim().split('=')[0]] = kv.trim().split('=').slice(1).join('=');
      if (t >= 0) spec.target = word.slice(t + 7);
    }
    if (d.disks.some((x) => x.vdev === spec.vdev)) fail(['libxl: error: libxl_device.c:1156:libxl__wait_for_backend: Domain ' + d.domid + ':device ' + spec.vdev + ' already exists']);
    if (!fs.existsSync(spec.target)) fail(['libxl: error: libxl_exec.c:117:libxl_report_child_exitstatus: /etc/xen/scripts/block add [1234] exited with error status 1', 'libxl: error: libxl_device.c:1286:device_hotplug_child_death_cb: script: ' + spec.target + ' does not exist.']);
    d.disks.push({ vdev: spec.vdev, target: spec.target, access: spec.access, cdrom: spec.devtype === 'cdrom' });
    break;
  }
  case 'block-detach': {
    const [dom, vdev] = args.slice(1).filter((a) => a !== '-f');
    const d = must(dom);
    if (!d.disks.some((x) => x.vdev === vdev)) fail(['Error: Device ' + vdev + ' not connected.']);
    d.disks = d.disks.filter((x) => x.vdev !== vdev);
    break;
  }
  case 'network-attach': {
    const d = must(args[1]);
    const devid = d.nics.reduce((n, x) => Math.max(n, x.devid + 1), 0);
    const mac = (args.find((a) => a.startsWith('mac=')) || 'mac=00:16:3e:7f:00:' + String(devid).padStart(2, '0')).slice(4);
    d.nics.push({ devid, mac, settings: args.slice(2) });
    break;
  }
  case 'network-detach': {
    const d = must(args[1]);
    const nic = d.nics.find((x) => (args[2].includes(':') ? x.mac === args[2] : String(x.devid) === args[2]));
    if (!nic) fail(['Unknown device ' + args[2] + '.']);
    d.nics = d.nics.filter((x) => x !== nic);
    break;
  }
  case 'cd-insert':
  case 'cd-eject': {
    const d = must(args[1]);
    if (d.type !== 'hvm') fail(['libxl: error: libxl_disk.c:866:libxl__cdrom_insert: Domain ' + d.domid + ':cdrom-insert requires an HVM domain']);
    const disk = d.disks.find((x) => x.vdev === args[2] && x.cdrom);
    if (!disk) fail(['libxl: error: libxl_disk.c:887:cdrom_insert_ejected: Domain ' + d.domid + ':Virtual device not found']);
    disk.target = args[0] === 'cd-insert' ? args[3] : '';
    break;
  }
  case 'block-list': {
    const d = must(args[1]);
    let out = 'Vdev  BE  handle state evt-ch ring-ref BE-path                       \n';
    for (const x of d.disks) out += String(VDEVS[x.vdev] ?? 0).padEnd(6) + '0   ' + String(d.domid).padEnd(7) + '4     -1     -1       /local/domain/0/backend/vbd/' + d.domid + '/' + (VDEVS[x.vdev] ?? 0) + '\n';
    process.stdout.write(out);
    break;
  }
  case 'network-list': {
    const d = must(args[1]);
    let out = 'Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-ref BE-path                       \n';
    for (const x of d.nics) out += String(x.devid).padEnd(4) + '0  ' + x.mac + pad(x.devid, 6) + '     4     -1    -1/-1          /local/domain/0/backend/vif/' + d.domid + '/' + x.devid + '\n';
    process.stdout.write(out);
    break;
  }
  case 'restore': {
    // xl restore -p -e CFG FILE
    const image = fs.readFileSync(args[args.length - 1], 'utf8');
    if (!image.startsWith('XLIMAGE ')) fail(['xc: error: Restore failed: not an image']);
    build(cfgOf(args[args.length - 2]), '--p---');
    break;
  }
  default:
    fail(['fake xl: ' + args.join(' ') + ': not implemented']);
}
save();
`;

/**
 * xl migrate and migrate-receive as xl_migrate.c talks (its banner, ready, go
 * and report messages; the stream itself is the domain's JSON and an image).
 * A PV guest fails as Debian's Xen fails it: logdirty cannot be enabled.
 */
const XL_MIGRATE = String.raw`
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const dir = __dirname;
const stateFile = path.join(dir, 'state.json');
const args = process.argv.slice(2);
const BANNER = 'xl migration receiver ready, send binary domain data.\n';
const READY = 'domain received, ready to unpause';
const GO = 'domain is yours, you are cleared to unpause';
const REPORT = 'my copy unpause results are as follows';
const IMAGE_BYTES = 3 << 20;
const say = (line) => process.stderr.write(line + '\n');
${HOST_LOCK}
function locked(change) {
  lockHost();
  try {
    const st = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    const r = change(st);
    fs.writeFileSync(stateFile + '.tmp', JSON.stringify(st));
    fs.renameSync(stateFile + '.tmp', stateFile);
    return r;
  } finally {
    unlockHost();
  }
}
/** Exact reads from a stream: null once it ended short. */
function reader(stream) {
  let buf = Buffer.alloc(0);
  let ended = false;
  let wake = null;
  stream.on('data', (d) => { buf = Buffer.concat([buf, d]); if (wake) wake(); });
  stream.on('end', () => { ended = true; if (wake) wake(); });
  const until = async (ready) => {
    while (!ready()) {
      if (ended) return false;
      await new Promise((r) => (wake = r));
    }
    return true;
  };
  return {
    async exactly(n) {
      if (!(await until(() => buf.length >= n))) return null;
      const out = buf.subarray(0, n);
      buf = buf.subarray(n);
      return out;
    },
    async line() {
      if (!(await until(() => buf.includes(10)))) return null;
      const nl = buf.indexOf(10);
      const out = buf.subarray(0, nl).toString();
      buf = buf.subarray(nl + 1);
      return out;
    },
  };
}
async function send() {
  const [, , rune, id, host] = args;
  const d = locked((st) => (st.calls.push(args), st.domains.find((x) => String(x.domid) === id)));
  if (!d) { say(id + ' is an invalid domain identifier (rc=-6)'); process.exit(1); }
  const child = spawn('sh', ['-c', 'exec ' + rune + ' ' + host + ' xl migrate-receive'], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.on('error', () => {});
  const from = reader(child.stdout);
  const expect = async (msg, what) => {
    const got = await from.exactly(msg.length);
    if (got && got.toString() === msg) return true;
    say('migration receiver stream contained unexpected data instead of ' + what);
    return false;
  };
  if (!(await expect(BANNER, 'banner'))) { child.stdin.end(); process.exit(1); }
  child.stdin.write(JSON.stringify(d) + '\n');
  say('Saving to migration stream new xl format (info 0x3/0x0/856)');
  if (d.type === 'pv') {
    say('xc: info: Saving domain ' + d.domid + ', type x86 PV');
    say('xc: error: Failed to enable logdirty: 95,22,0 (22 = Invalid argument): Internal error');
    say('xc: error: Save failed (22 = Invalid argument): Internal error');
    say('libxl: error: libxl_stream_write.c:347:libxl__xc_domain_save_done: Domain ' + d.domid + ':saving domain: domain did not respond to suspend request: Invalid argument');
    say('migration sender: libxl_domain_suspend failed (rc=-8)');
    child.stdin.end();
    say('Migration failed, failed to suspend at sender.');
    process.exit(1);
  }
  child.stdin.write('IMAGE ' + IMAGE_BYTES + '\n');
  child.stdin.write(Buffer.alloc(IMAGE_BYTES, 7));
  if (!(await expect(READY, 'ready message'))) { say('Migration failed, resuming at sender.'); process.exit(1); }
  say('migration sender: Target has acknowledged transfer.');
  locked((st) => { st.domains.find((x) => x.domid === d.domid).name = d.name + '--migratedaway'; });
  say('migration sender: Giving target permission to start.');
  child.stdin.write(GO);
  if (!(await expect(REPORT, 'success/failure report message'))) process.exit(1);
  const rc = await from.exactly(1);
  if (!rc || rc[0]) { say('migration sender: Target reports startup failure (status code ' + (rc && rc[0]) + ').'); process.exit(1); }
  say('migration sender: Target reports successful startup.');
  locked((st) => { st.domains = st.domains.filter((x) => x.domid !== d.domid); });
  say('Migration successful.');
  process.exit(0);
}
async function receive() {
  // A TCP connection has a peer address; xend's pipes (socketpairs) do not.
  const kind = (stream) => (stream.remoteAddress ? 'tcp' : 'pipe');
  locked((st) => { st.calls.push(args); (st.receiveStdio ??= []).push(kind(process.stdin) + ' ' + kind(process.stdout)); });
  const from = reader(process.stdin);
  const failed = () => { say('migration target: Domain creation failed (code -3).'); process.exit(1); };
  say('migration target: Ready to receive domain.');
  process.stdout.write(BANNER);
  const config = await from.line();
  if (!config) return failed();
  const c = JSON.parse(config);
  const size = await from.line();
  if (!size || !(await from.exactly(Number(size.split(' ')[1])))) return failed();
  const domid = locked((st) => {
    const id = st.nextDomid++;
    st.domains.push({ ...c, domid: id, name: c.name + '--incoming', state: '--p---', reason: null });
    return id;
  });
  say('migration target: Transfer complete, requesting permission to start domain.');
  process.stdout.write(READY);
  const go = await from.exactly(GO.length);
  if (!go || go.toString() !== GO) { locked((st) => { st.domains = st.domains.filter((x) => x.domid !== domid); }); return failed(); }
  locked((st) => Object.assign(st.domains.find((x) => x.domid === domid), { name: c.name, state: '-b----' }));
  say('migration target: Domain started successsfully.');
  process.stdout.write(REPORT + '\0', () => process.exit(0));
}
(args[0] === 'migrate' ? send() : receive()).catch((err) => { say(String(err)); process.exit(1); });
`;

/**
 * xenstore-ls -f /local/pool: the names libxl wrote for the pools it created (none for Pool-0);
 * xenstore-ls -f /local/domain: each domain's name and the frontends of its disks and interfaces.
 */
const XENSTORE_LS = String.raw`
const st = JSON.parse(require('fs').readFileSync(require('path').join(__dirname, 'state.json'), 'utf8'));
const VDEVS = ${VDEVS};
const at = process.argv[3];
if (at === '/local/domain') {
  for (const d of st.domains) {
    const dom = at + '/' + d.domid;
    process.stdout.write(dom + ' = ""\n' + dom + '/name = "' + d.name + '"\n' + dom + '/device = ""\n');
    for (const x of d.disks) process.stdout.write(dom + '/device/vbd/' + (VDEVS[x.vdev] ?? 0) + '/state = "4"\n');
    for (const n of d.nics) process.stdout.write(dom + '/device/vif/' + n.devid + '/mac = "' + n.mac + '"\n');
  }
  process.exit(0);
}
if (at !== '/local/pool') process.exit(1);
for (const p of st.pools) if (p.id) process.stdout.write('/local/pool/' + p.id + '/name = "' + p.name + '"\n');
`;

/** A fake host: a folder holding xl, xenstore-read (which knows nothing), xenstore-ls (which knows the pools and the domains' frontends) and xenstore-watch (which never fires). */
export class FakeXen {
  readonly dir = mkdtempSync(join(tmpdir(), 'fake-xl-'));
  readonly xl = join(this.dir, 'xl');
  private readonly held = new Set<string>();

  constructor() {
    writeFileSync(this.xl, `#!${process.execPath}\n${XL}`);
    writeFileSync(join(this.dir, 'xenstore-read'), '#!/bin/sh\nexit 1\n');
    writeFileSync(join(this.dir, 'xenstore-watch'), '#!/bin/sh\nexec sleep 100000\n');
    writeFileSync(join(this.dir, 'xenstore-ls'), `#!${process.execPath}\n${XENSTORE_LS}`);
    writeFileSync(join(this.dir, 'xl-migrate.js'), XL_MIGRATE);
    for (const tool of ['xl', 'xenstore-read', 'xenstore-watch', 'xenstore-ls']) chmodSync(join(this.dir, tool), 0o755);
    this.write({ nextDomid: 1, domains: [], pools: [{ id: 0, name: 'Pool-0', sched: 'credit2', cpus: [0, 1] }], nextPool: 1, calls: [] });
  }

  get domains(): FakeDomain[] {
    return this.read().domains;
  }

  get pools(): FakePool[] {
    return this.read().pools;
  }

  /** Every xl command line run so far. */
  get calls(): string[][] {
    return this.read().calls;
  }

  get receiveStdio(): string[] {
    return this.read().receiveStdio ?? [];
  }

  /** Makes a listing of every domain leave NAME out (`xl list NAME` still shows it), until the function returned is called. */
  unlist(name: string): () => void {
    this.write({ ...this.read(), unlisted: [name] });
    return () => this.write({ ...this.read(), unlisted: [] });
  }

  /** Makes every `xl <verb>` fail, printing `lines`, until the function returned is called. */
  failing(verb: string, lines: string[]): () => void {
    const file = join(this.dir, 'failing.json');
    writeFileSync(file, JSON.stringify({ [verb]: lines }));
    return () => rmSync(file, { force: true });
  }

  /**
   * Makes the next `xl <verb>` wait: resolves once it runs, with the function
   * that lets it finish. Event-driven: both ends are fifos.
   */
  hold(verb: string): Promise<() => void> {
    const started = join(this.dir, `${verb}.started`);
    const gate = join(this.dir, `${verb}.gate`);
    for (const fifo of [started, gate]) {
      rmSync(fifo, { force: true });
      if (spawnSync('mkfifo', [fifo]).status !== 0) throw new Error(`mkfifo ${fifo} failed`);
    }
    writeFileSync(join(this.dir, 'holds'), `${verb}\n`);
    this.held.add(verb);
    return new Promise((resolve, reject) => {
      const seen = createReadStream(started);
      seen.on('error', reject);
      seen.once('data', () => {
        seen.destroy();
        writeFileSync(join(this.dir, 'holds'), '');
        resolve(() => createWriteStream(gate).end('go\n'));
      });
    });
  }

  close(): void {
    // A fifo nobody will open again must not hold a thread of ours or a fake xl.
    for (const verb of this.held) {
      for (const f of [`${verb}.started`, `${verb}.gate`]) if (existsSync(join(this.dir, f))) closeSync(openSync(join(this.dir, f), 'r+'));
    }
    // An xl xend started in the background may still be writing its state here (for seconds, on a loaded host).
    try {
      rmSync(this.dir, { recursive: true, force: true, maxRetries: 50 });
    } catch (err) {
      // Left in /tmp, said, not thrown: a hook's error would hide the test's own, which says why an xl still ran.
      const running = spawnSync('ps', ['-eo', 'pid,stat,etimes,wchan:24,args'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.includes(this.dir));
      process.stderr.write(`fake xl: ${this.dir} not removed (${(err as Error).message}); its processes:\n${running.join('\n')}\n`);
    }
  }

  private read(): FakeState {
    return JSON.parse(readFileSync(join(this.dir, 'state.json'), 'utf8')) as FakeState;
  }

  private write(st: FakeState): void {
    writeFileSync(join(this.dir, 'state.json'), JSON.stringify(st));
  }
}
