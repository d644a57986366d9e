import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, TestXend, eventually, type RunResult } from '../helpers/xend.js';
import { startXendOver } from '../helpers/transports.js';
import { Validator, type Schema } from '../helpers/json-schema.js';
import { Tmux, killTmuxServer } from '../helpers/tmux.js';

/**
 * The rest of xm's domain and host commands (issue 10): mem-max, vcpu-pin,
 * sched-credit, sysrq, trigger, reset, dump-core, domstate, top, and managed
 * domains (new, start, delete, suspend, resume, on_xend_start/stop), plus
 * enable-dump and the network/vif scripts, through the built binaries.
 */

const LIST_HEADER = 'Name                                        ID   Mem VCPUs      State   Time(s)\n';
const schema = JSON.parse(readFileSync(join(REPO, 'docs/xm-json.schema.json'), 'utf8')) as Schema;
const validator = new Validator(schema);

/** An `xm list` row as xm's format made it: `'%-40s %5s %5d %5d %10s %8.1f'`. */
function listRow(name: string, id: string, mem: number, vcpus: number, state: string, time: string): string {
  return `${name.padEnd(40)} ${id.padStart(5)} ${String(mem).padStart(5)} ${String(vcpus).padStart(5)} ${state.padStart(10)} ${time.padStart(8)}`;
}

function ok(r: RunResult, what = ''): void {
  assert.equal(r.code, 0, `${what} exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
}

/** A refusal as xm printed it: `Error: <message>` on stderr, the command's usage on stdout, exit 1. */
function refused(r: RunResult, message: string, command: string): void {
  assert.equal(r.stderr, `Error: ${message}\n`, `stderr of xm ${command}`);
  assert.equal(r.code, 1, `exit of xm ${command}`);
  assert.ok(r.stdout.startsWith(`Usage: xm ${command} `), `usage of xm ${command} follows: ${r.stdout}`);
}

function unknown(r: RunResult, dom: string): void {
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stderr, `Error: Domain '${dom}' does not exist.\n`);
  assert.equal(r.stdout, '');
}

async function listLine(x: TestXend, dom: string): Promise<string> {
  const r = await x.xm('list', dom);
  ok(r, `list ${dom}`);
  assert.ok(r.stdout.startsWith(LIST_HEADER));
  return r.stdout.slice(LIST_HEADER.length).replace(/\n$/, '');
}

async function state(x: TestXend, dom: string): Promise<string> {
  const line = await listLine(x, dom);
  return line.slice(40 + 1 + 5 + 1 + 5 + 1 + 5 + 1, 40 + 1 + 5 + 1 + 5 + 1 + 5 + 1 + 10).trim();
}

async function domid(x: TestXend, dom: string): Promise<string> {
  const r = await x.xm('domid', dom);
  ok(r, `domid ${dom}`);
  return r.stdout.trim();
}

/** The guest's console history so far (a read-only attach that ends with its input). */
async function consoleLog(x: TestXend, dom: string): Promise<string> {
  const r = await x.xmWith({ input: '' }, 'console', '--read-only', '--replay', dom);
  ok(r, `console ${dom}`);
  return r.stdout;
}

/** Runs xm --json and checks the document against the schema's definition. */
async function json(x: TestXend, def: string, ...args: string[]): Promise<Record<string, any>> {
  const r = await x.xm('--json', ...args);
  ok(r, `--json ${args.join(' ')}`);
  const doc = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, any>;
  assert.deepEqual([...validator.validate(doc), ...validator.validate(doc, `#/$defs/${def}`)], [], `xm ${args.join(' ')}: ${r.stdout}`);
  return doc;
}

describe('xm: resources, scheduler, sysrq, triggers, core dumps, top', () => {
  let x: TestXend;
  before(async () => {
    x = await TestXend.start('(sim-host-memory 4096)\n(sim-host-cpus 4)\n');
    for (const args of [['name=g1', 'memory=128', 'vcpus=2'], ['name=g2', 'memory=64', 'on_poweroff=preserve'], ['name=g3', 'memory=64']]) {
      ok(await x.xm('create', '/dev/null', ...args), args[0]);
    }
  });
  after(() => x.dispose());

  test('console --log to a file that cannot be written: Error and exit 1 before attaching, no stack trace', async () => {
    const r = await x.xm('console', 'g1', '--log', x.path('no/such/dir/g1.log'));
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Error: Cannot open ${x.path('no/such/dir/g1.log')}: No such file or directory\n`);
  });

  test('help: usage strings and option tables as xm 4.4 had them', async () => {
    const cases: [string, string][] = [
      ['mem-max', 'Usage: xm mem-max <Domain> <Mem>\n\nSet the maximum amount reservation for a domain.\n\n'],
      ['vcpu-pin', 'Usage: xm vcpu-pin <Domain> <VCPU|all> <CPUs|all>\n\nSet which CPUs a VCPU can use.\n\n'],
      ['sysrq', 'Usage: xm sysrq <Domain> <letter>\n\nSend a sysrq to a domain.\n\n'],
      ['trigger', 'Usage: xm trigger <Domain> <nmi|reset|init|s3resume|power> [<VCPU>]\n\nSend a trigger to a domain.\n\n'],
      ['domstate', 'Usage: xm domstate <domain> \n\nget the state of a domain\n\n'],
      ['delete', 'Usage: xm delete <DomainName>\n\nRemove a domain from Xend domain management.\n\n'],
    ];
    for (const [cmd, text] of cases) {
      const r = await x.xm(cmd, '--help');
      assert.equal(r.code, 1);
      assert.equal(r.stdout, text);
    }
    const sched = await x.xm('sched-credit', '-h');
    assert.match(sched.stdout, /^Usage: xm sched-credit \[-d <Domain> \[-w\[=WEIGHT\]\|-c\[=CAP\]\]\]\n\nGet\/set credit scheduler parameters\.\n  -d, --domain=DOMAIN {12}Domain to modify {27}\n  -w, --weight=WEIGHT {12}Weight \(int\) {31}\n  -c, --cap=CAP {18}Cap \(int\) {34}\n\n$/);
    const dump = await x.xm('dump-core', '--help');
    assert.match(dump.stdout, /^Usage: xm dump-core \[-L\|--live\] \[-C\|--crash\] \[-R\|--reset\] <Domain> \[Filename\]\n\nDump core for a specific domain\.\n  -L, --live {21}Dump core without pausing the domain/);
    const help = (await x.xm('help')).stdout;
    for (const cmd of ['new', 'delete', 'dump-core', 'mem-max', 'reset', 'resume', 'start', 'suspend', 'sysrq', 'trigger', 'top', 'domstate', 'vcpu-pin', 'sched-credit']) {
      assert.match(help, new RegExp(`^ ${cmd.padEnd(20)} \\S`, 'm'), `${cmd} in xm help`);
    }
  });

  test('mem-max: units, never below the target; mem-set follows the maximum and the list row follows the target', async () => {
    ok(await x.xm('mem-max', 'g1', '256m'));
    assert.match((await x.xm('list', '-l', 'g1')).stdout, /\n {4}\(maxmem 256\)\n {4}\(memory 128\)\n/);
    ok(await x.xm('mem-set', 'g1', '200'));
    assert.match(await listLine(x, 'g1'), new RegExp(`^${listRow('g1', await domid(x, 'g1'), 200, 2, '-b----', '').trimEnd()} +\\d+\\.\\d$`));
    refused(await x.xm('mem-set', 'g1', '1g'), 'Invalid Configuration: memory_dynamic_max must be less than or equal to memory_static_max', 'mem-set');
    refused(await x.xm('mem-max', 'g1', '100'), 'Invalid Configuration: memory_dynamic_max must be less than or equal to memory_static_max', 'mem-max');
    refused(await x.xm('mem-max', 'g1', 'lots'), 'Invalid argument.', 'mem-max');
    ok(await x.xm('mem-max', 'g1', '1g'));
    assert.match((await x.xm('list', '-l', 'g1')).stdout, /\n {4}\(maxmem 1024\)\n {4}\(memory 200\)\n/);
    ok(await x.xm('mem-set', 'g1', '128'));
    const guest = await consoleLog(x, 'g1');
    assert.match(guest, /g1 login: root/);
    unknown(await x.xm('mem-max', 'nosuch', '64'), 'nosuch');
    const r = await x.xm('mem-max', 'g1');
    assert.equal(r.stderr, "Error: 'xm mem-max' requires 2 arguments.\n\n");
  });

  test('vcpu-pin: ranges, ^exclusions and all, shown by vcpu-list and list -l; refusals', async () => {
    ok(await x.xm('vcpu-pin', 'g1', '0', '0-3,^1'));
    ok(await x.xm('vcpu-pin', 'g1', '1', '2'));
    const v = (await x.xm('vcpu-list', 'g1')).stdout.split('\n');
    assert.match(v[1]!, /^g1 +\d+ +0 +[023] +-b- +\d+\.\d 0,2-3$/);
    assert.match(v[2]!, /^g1 +\d+ +1 +2 +-b- +\d+\.\d 2$/);
    assert.match((await x.xm('list', '-l', 'g1')).stdout, /\n {4}\(cpus \(\(0 2 3\) \(2\)\)\)\n/);
    ok(await x.xm('vcpu-pin', 'g1', 'all', 'all'));
    assert.match((await x.xm('vcpu-list', 'g1')).stdout, /^g1 .* any cpu\ng1 .* any cpu\n$/m);
    refused(await x.xm('vcpu-pin', 'g1', '5', '1'), 'Cannot pin vcpu: 5 to cpu: [1] - list assignment index out of range', 'vcpu-pin');
    refused(await x.xm('vcpu-pin', 'g1', '0', '9'), "Cannot pin vcpu: 0 to cpu: [9] - (22, 'Invalid argument')", 'vcpu-pin');
    refused(await x.xm('vcpu-pin', 'g1', 'x', '1'), 'Invalid argument.', 'vcpu-pin');
    refused(await x.xm('vcpu-pin', 'g1', '0', '1-x'), 'Invalid argument.', 'vcpu-pin');
    unknown(await x.xm('vcpu-pin', 'nosuch', '0', '1'), 'nosuch');
    ok(await x.xm('vcpu-pin', 'Domain-0', '0', '0'), 'Domain-0 may be pinned');
    ok(await x.xm('vcpu-pin', 'Domain-0', 'all', 'all'));
  });

  test('sched-credit: the table byte for byte, setting weight and cap, xend\'s range checks', async () => {
    const id = await domid(x, 'g1');
    ok(await x.xm('sched-credit', '-d', 'g1', '-w', '512', '-c', '150'));
    const one = await x.xm('sched-credit', '-d', 'g1');
    ok(one);
    assert.equal(one.stdout, `Name                                ID Weight  Cap\n${'g1'.padEnd(32)} ${id.padStart(5)}    512  150\n`);
    const all = (await x.xm('sched-credit')).stdout.split('\n');
    assert.equal(all[0], 'Name                                ID Weight  Cap');
    assert.equal(all[1], `${'Domain-0'.padEnd(32)}     0    256    0`);
    assert.ok(all.includes(`${'g1'.padEnd(32)} ${id.padStart(5)}    512  150`));
    ok(await x.xm('sched-credit', '--domain=g1', '--cap=0'));
    assert.match((await x.xm('sched-credit', '-d', 'g1')).stdout, /\n\S+ +\d+ +512 +0\n$/, 'the weight stays when only the cap is set');
    assert.match((await x.xm('list', '-l', 'g1')).stdout, /\n {4}\(cpu_weight 512\)\n {4}\(cpu_cap 0\)\n/);
    refused(await x.xm('sched-credit', '-d', 'g1', '-w', '0'), 'Cpu weight out of range, valid values are within range from 1 to 65535', 'sched-credit');
    refused(await x.xm('sched-credit', '-d', 'g1', '-w', '65536'), 'Cpu weight out of range, valid values are within range from 1 to 65535', 'sched-credit');
    refused(await x.xm('sched-credit', '-d', 'g1', '-c', '201'), 'Cpu cap out of range, valid range is from 0 to 200 for specified number of vcpus', 'sched-credit');
    refused(await x.xm('sched-credit', '-d', 'g1', '-w', 'heavy'), 'Invalid argument.', 'sched-credit');
    refused(await x.xm('sched-credit', '-w', '300'), 'No domain given.', 'sched-credit');
    unknown(await x.xm('sched-credit', '-d', 'nosuch'), 'nosuch');
    unknown(await x.xm('sched-credit', '-d', 'nosuch', '-w', '5'), 'nosuch');
    refused(await x.xm('sched-credit', '-x'), 'option -x not recognized', 'sched-credit');
    const doc = await json(x, 'sched-credit', 'sched-credit', '-d', 'g1');
    assert.deepEqual(doc.domains, [{ name: 'g1', domid: Number(id), weight: 512, cap: 0 }]);
    await json(x, 'action', 'sched-credit', '-d', 'g1', '-w', '256');
  });

  test('sysrq: the key shows in the guest\'s console log; paused guests get it when they run; b reboots', async () => {
    ok(await x.xm('sysrq', 'g1', 's'));
    await eventually(async () => /\] SysRq : Emergency Sync\r\n\[ *\d+\.\d{6}\] Emergency Sync complete\r\n/.test(await consoleLog(x, 'g1')));
    ok(await x.xm('pause', 'g1'));
    ok(await x.xm('sysrq', 'g1', 'u'));
    assert.doesNotMatch(await consoleLog(x, 'g1'), /Emergency Remount/, 'a paused kernel does nothing yet');
    ok(await x.xm('unpause', 'g1'));
    await eventually(async () => /SysRq : Emergency Remount R\/O\r\n.*Emergency Remount complete/.test(await consoleLog(x, 'g1')));
    const r = await x.xm('sysrq', 'g1', 'ab');
    refused(r, 'ab is not convertible to a character', 'sysrq');
    unknown(await x.xm('sysrq', 'nosuch', 's'), 'nosuch');
    ok(await x.xm('create', '/dev/null', 'name=rq', 'memory=64'));
    const before = await domid(x, 'rq');
    ok(await x.xm('sysrq', 'rq', 'b'));
    await eventually(async () => (await domid(x, 'rq')) !== before);
    ok(await x.xm('sysrq', 'rq', 'o'));
    await eventually(async () => (await x.xm('list', 'rq')).code === 3);
  });

  test('trigger: power shuts down through on_poweroff, nmi is logged, reset rebuilds; refusals', async () => {
    // Paused, the guest cannot act on the button yet: it does once it runs.
    ok(await x.xm('pause', 'g2'));
    ok(await x.xm('trigger', 'g2', 'power'));
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await state(x, 'g2'), '--p---');
    ok(await x.xm('unpause', 'g2'));
    await eventually(async () => (await state(x, 'g2')) === '---s--');
    assert.match((await x.xm('log')).stdout, /Domain g2 \(\d+\): trigger power on vcpu 0\n[\s\S]*Domain has shutdown: name=g2 id=\d+ reason=poweroff\./);
    ok(await x.xm('destroy', 'g2'));
    ok(await x.xm('trigger', 'g3', 'nmi', '0'));
    await eventually(async () => /Uhhuh\. NMI received for unknown reason 3d on CPU 0\./.test(await consoleLog(x, 'g3')));
    ok(await x.xm('trigger', 'g3', 'init'));
    ok(await x.xm('trigger', 'g3', 's3resume'));
    const before = await domid(x, 'g3');
    ok(await x.xm('trigger', 'g3', 'reset'));
    await eventually(async () => (await domid(x, 'g3')) !== before);
    refused(await x.xm('trigger', 'g3', 'poke'), 'Invalid trigger: poke', 'trigger');
    refused(await x.xm('trigger', 'g3', 'nmi', '7'), "(22, 'Invalid argument')", 'trigger');
    refused(await x.xm('trigger', 'g3', 'nmi', 'one'), 'Invalid argument.', 'trigger');
    refused(await x.xm('trigger', 'Domain-0', 'power'), "(22, 'Invalid argument')", 'trigger');
    assert.equal(await state(x, 'Domain-0'), 'r-----');
    unknown(await x.xm('trigger', 'nosuch', 'nmi'), 'nosuch');
    const few = await x.xm('trigger', 'g3');
    assert.equal(few.stderr, "Error: 'xm trigger' requires between 2 and 3 arguments.\n\n");
    ok(await x.xm('create', '/dev/null', 'name=tp', 'memory=64'));
    ok(await x.xm('trigger', 'tp', 'power'));
    await eventually(async () => (await x.xm('list', 'tp')).code === 3);
  });

  test('reset: a new domain from the same config; Domain-0 refused', async () => {
    const before = await domid(x, 'g3');
    ok(await x.xm('reset', 'g3'));
    assert.notEqual(await domid(x, 'g3'), before);
    assert.equal(await state(x, 'g3'), '-b----');
    refused(await x.xm('reset', '0'), 'Cannot reset privileged domain 0', 'reset');
    unknown(await x.xm('reset', 'nosuch'), 'nosuch');
  });

  test('dump-core: an ELF core in the dump directory or where named; -L, -C, -R; refusals', async () => {
    const r = await x.xm('dump-core', 'g1');
    ok(r);
    assert.equal(r.stdout, 'Dumping core of domain: g1 ...\n');
    const dir = x.path('var/xen/dump');
    const id = await domid(x, 'g1');
    const cores = readdirSync(dir).filter((f) => new RegExp(`^\\d{4}-\\d{4}-\\d{4}\\.\\d\\d-g1\\.${id}\\.core$`).test(f));
    assert.equal(cores.length, 1, readdirSync(dir).join(' '));
    const core = readFileSync(join(dir, cores[0]!));
    assert.deepEqual([...core.subarray(0, 5)], [0x7f, 0x45, 0x4c, 0x46, 2], 'ELF64');
    assert.equal(core.readUInt16LE(16), 4, 'ET_CORE');
    assert.equal(statSync(join(dir, cores[0]!)).size, 4096 + 1024 * 1024 * 1024, 'the whole of its memory (maxmem 1g)');
    assert.equal(await state(x, 'g1'), '-b----', 'unpaused again');

    ok(await x.xm('pause', 'g1'));
    ok(await x.xmWith({ cwd: x.root }, 'dump-core', '-L', 'g1', 'named.core'));
    assert.ok(existsSync(x.path('named.core')), 'a relative name is made absolute against xm\'s directory');
    assert.equal(await state(x, 'g1'), '--p---', 'a paused domain stays paused');
    ok(await x.xm('unpause', 'g1'));

    ok(await x.xm('create', '/dev/null', 'name=dc', 'memory=64'));
    const rid = await domid(x, 'dc');
    ok(await x.xm('dump-core', '-R', 'dc', x.path('dc-reset.core')));
    assert.notEqual(await domid(x, 'dc'), rid, '-R resets');
    ok(await x.xm('dump-core', '--crash', 'dc', x.path('dc-crash.core')));
    unknown(await x.xm('list', 'dc'), 'dc');
    assert.ok(existsSync(x.path('dc-crash.core')));

    refused(await x.xm('dump-core', '-C', '-R', 'g1'), "You may not specify more than one '-CR' option", 'dump-core');
    refused(await x.xm('dump-core'), 'Expects 1 or 2 argument(s)', 'dump-core');
    const dom0 = await x.xm('dump-core', '0');
    assert.equal(dom0.stdout.split('\n')[0], 'Dumping core of domain: 0 ...');
    assert.equal(dom0.stderr, 'Error: Cannot dump core for privileged domain 0\n');
    const inDir = await x.xm('dump-core', 'g1', x.root);
    assert.equal(inDir.stderr, `Error: Cannot dump core in a directory: ${x.root}\n`);
    const nowhere = await x.xm('dump-core', 'g1', '/nonexistent/dir/g1.core');
    assert.equal(nowhere.stderr, "Error: Failed to dump core: [Errno 2] No such file or directory: '/nonexistent/dir/g1.core'\n");
    assert.equal(await state(x, 'g1'), '-b----');
    const missing = await x.xm('dump-core', 'nosuch');
    assert.equal(missing.code, 3);
    const doc = await json(x, 'dump-core', 'dump-core', '-L', 'g1', x.path('j.core'));
    assert.equal(doc.file, x.path('j.core'));
  });

  test('domstate: one word per state', async () => {
    assert.equal((await x.xm('domstate', 'Domain-0')).stdout, 'running\n');
    assert.equal((await x.xm('domstate', 'g1')).stdout, 'idle\n');
    ok(await x.xm('pause', 'g1'));
    assert.equal((await x.xm('domstate', 'g1')).stdout, 'paused by admin\n', 'xm pause sets the pause flag (issue 15)');
    ok(await x.xm('unpause', 'g1'));
    ok(await x.xm('create', '/dev/null', 'name=ds', 'memory=64', 'on_poweroff=preserve'));
    ok(await x.xm('shutdown', '-w', 'ds'));
    assert.equal((await x.xm('domstate', 'ds')).stdout, 'shutdown\n');
    const doc = await json(x, 'domstate', 'domstate', 'ds');
    assert.equal(doc.state, 'shutdown');
    ok(await x.xm('destroy', 'ds'));
    unknown(await x.xm('domstate', 'ds'), 'ds');
  });

  test('top: a snapshot when not on a terminal, in xentop\'s layout; --json; -i N frames', async () => {
    const r = await x.xm('top');
    ok(r);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^xentop - \d\d:\d\d:\d\d {3}Xen 4\.4\.4$/);
    assert.match(lines[1]!, /^\d+ domains: \d+ running, \d+ blocked, 0 paused, 0 crashed, 0 dying, 0 shutdown $/);
    assert.match(lines[2]!, /^Mem: 4194304k total, \d+k used, \d+k free {4}CPUs: 4 @ 2400MHz$/);
    assert.equal(lines[3], '      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID');
    assert.match(lines[4]!, /^ {2}Domain-0 -----r +\d+ +\d+\.\d +\d+ +\d+\.\d +\d+ +\d+\.\d +4 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0$/);
    assert.equal(lines[4]!.length, lines[3]!.length);
    assert.ok(lines.some((l) => /^ {8}g1 --b--- /.test(l)));
    const once = await x.xm('top', '--once');
    assert.equal(once.stdout.split('\n').length, lines.length);
    const two = await x.xm('top', '-i', '2', '-d', '0.2');
    assert.equal(two.stdout.match(/^xentop - /gm)?.length, 2);
    const doc = await json(x, 'top', 'top');
    assert.ok(doc.domains.some((d: { name: string; state: string }) => d.name === 'Domain-0' && d.state === '-----r'));
    refused(await x.xm('top', '-d', 'soon'), 'Invalid argument.', 'top');
    assert.equal((await x.xm('top', 'g1')).stderr, "Error: 'xm top' requires 0 arguments.\n\n");
  });

  test('shutdown -w on a terminal: the spinner is erased before each line, none of its frames is left', async () => {
    const socket = x.path('tmux-spin.sock');
    const xm = `node ${join(REPO, 'bin/xm')}`;
    const t = new Tmux(socket, `${xm} create -q /dev/null name=spin memory=64 && ${xm} shutdown -w spin; echo EXITED $?; sleep 30`, x.env);
    try {
      const screen = await t.waitFor(/EXITED \d/);
      assert.match(screen, /^Domain spin terminated\nAll domains terminated\nEXITED 0$/m);
      assert.doesNotMatch(screen, /Waiting for/, 'the spinner left nothing on the screen');
    } finally {
      t.kill();
      killTmuxServer(socket);
    }
  });

  test('top on a terminal: redrawn every DELAY seconds until q', async () => {
    const socket = x.path('tmux.sock');
    const t = new Tmux(socket, `node ${join(REPO, 'bin/xm')} top -d 0.3; echo EXITED $?; sleep 30`, x.env);
    try {
      const first = await t.waitFor(/Delay 0\.3 secs; q quits/);
      assert.match(first, /^xentop - \d\d:\d\d:\d\d {3}Xen 4\.4\.4$/m);
      assert.match(first, /^ {2}Domain-0 -----r /m);
      const stamp = /xentop - (\S+)/.exec(first)![1];
      await t.waitFor(new RegExp(`xentop - (?!${stamp})\\d`));
      t.send('q');
      await t.waitFor(/EXITED 0/);
    } finally {
      t.kill();
      killTmuxServer(socket);
    }
  });

  test('stale names after destroy: every new command fails cleanly with exit 3', async () => {
    ok(await x.xm('create', '/dev/null', 'name=stale', 'memory=64'));
    ok(await x.xm('destroy', 'stale'));
    for (const args of [
      ['mem-max', 'stale', '64'],
      ['vcpu-pin', 'stale', '0', '0'],
      ['sched-credit', '-d', 'stale'],
      ['sched-credit', '-d', 'stale', '-w', '5'],
      ['sysrq', 'stale', 's'],
      ['trigger', 'stale', 'nmi'],
      ['reset', 'stale'],
      ['dump-core', 'stale'],
      ['domstate', 'stale'],
      ['start', 'stale'],
      ['delete', 'stale'],
      ['suspend', 'stale'],
      ['resume', 'stale'],
    ]) {
      const r = await x.xm(...args);
      assert.equal(r.code, 3, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr, "Error: Domain 'stale' does not exist.\n", args.join(' '));
    }
  });

  test('--json: action documents for the silent commands', async () => {
    for (const args of [
      ['mem-max', 'g1', '1024'],
      ['vcpu-pin', 'g1', '0', 'all'],
      ['sysrq', 'g1', 'h'],
      ['trigger', 'g1', 'nmi'],
    ]) {
      const doc = await json(x, 'action', ...args);
      assert.deepEqual(doc, { version: 1, ok: true, command: args[0], domain: 'g1' });
    }
    const err = await x.xm('--json', 'sysrq', 'nosuch', 's');
    assert.equal(err.code, 3);
    assert.deepEqual(validator.validate(JSON.parse(err.stdout), '#/$defs/error'), []);
  });
});

describe('managed domains: new, start, delete, suspend, resume; persistence across xend restarts', () => {
  let x: TestXend;
  before(async () => {
    x = await TestXend.start('(sim-host-memory 4096)\n');
  });
  after(() => x.dispose());

  test('new: defined, not started; list shows it with blank ID and State; domid prints None', async () => {
    const r = await x.xm('new', '/dev/null', 'name=m1', 'memory=96', 'vcpus=2');
    ok(r);
    assert.equal(r.stdout, 'Using config file "/dev/null".\n');
    assert.equal(await listLine(x, 'm1'), listRow('m1', '', 96, 2, '', '0.0'));
    assert.ok((await x.xm('list')).stdout.includes(`\n${listRow('m1', '', 96, 2, '', '0.0')}\n`));
    assert.equal((await x.xm('domid', 'm1')).stdout, 'None\n');
    assert.equal((await x.xm('domstate', 'm1')).stdout, 'shutoff\n');
    assert.deepEqual((await x.xm('list', '--state=halted')).stdout.split('\n').filter(Boolean).slice(1).map((l) => l.split(' ')[0]), ['m1']);
    assert.doesNotMatch((await x.xm('list', '-l', 'm1')).stdout, /\(domid|\(state /);
    assert.match((await x.xm('list', '-l', 'm1')).stdout, /\n {4}\(status 0\)\n/);
    const store = x.path('var/lib/xend/domains');
    const [uuid] = readdirSync(store);
    assert.match(uuid!, /^[0-9a-f-]{36}$/);
    assert.match(readFileSync(join(store, uuid!, 'config.sxp'), 'utf8'), /^\(vm\n {4}\(name m1\)\n {4}\(uuid [0-9a-f-]{36}\)\n {4}\(memory 96\)\n/);
    const doc = await json(x, 'create', 'new', '/dev/null', 'name=m2', 'memory=64');
    assert.equal(doc.domain.domid, null);
    assert.equal(doc.domain.power_state, 'halted');
    assert.equal(doc.domain.state, '');
    const dry = await x.xm('new', '-n', '/dev/null', 'name=m3');
    assert.match(dry.stdout, /^Using config file "\/dev\/null"\.\n\(vm\n {4}\(name m3\)\n/);
    assert.equal((await x.xm('list', 'm3')).code, 3, '-n defines nothing');
  });

  test('refusals: a name is taken, a managed domain that is not running is "not started"', async () => {
    const dup = await x.xm('new', '/dev/null', 'name=m1', 'memory=64');
    assert.equal(dup.stderr, "Error: VM name 'm1' already exists\n");
    assert.match(dup.stdout, /^Using config file "\/dev\/null"\.\nUsage: xm new /);
    const create = await x.xm('create', '/dev/null', 'name=m1', 'memory=64');
    assert.equal(create.stderr, "Error: VM name 'm1' already exists\n");
    ok(await x.xm('create', '/dev/null', 'name=live1', 'memory=64'));
    const live = await x.xm('new', '/dev/null', 'name=live1', 'memory=64');
    assert.match(live.stderr, /^Error: VM name 'live1' already exists as domain \d+\n$/);
    refused(await x.xm('pause', 'm1'), "Domain 'm1' is not started", 'pause');
    refused(await x.xm('sysrq', 'm1', 's'), "Domain 'm1' is not started", 'sysrq');
    const dump = await x.xm('dump-core', 'm1');
    assert.equal(dump.stderr, "Error: Domain 'm1' is not started\n");
    assert.match(dump.stdout, /^Dumping core of domain: m1 \.\.\.\nUsage: xm dump-core /);
    refused(await x.xm('shutdown', 'm1'), 'Domain cannot be shutdown', 'shutdown');
    refused(await x.xm('save', 'm1', x.path('m1.save')), 'Domain is not running', 'save');
    refused(await x.xm('suspend', 'm1'), 'Domain is not running', 'suspend');
    refused(await x.xm('resume', 'm1'), 'Cannot resume domain that is not suspended.', 'resume');
    const console = await x.xm('console', 'm1');
    assert.equal(console.stderr, "Error: Domain 'm1' is not started\n");
    ok(await x.xm('destroy', 'm1'), 'nothing to destroy: it stays defined');
    assert.equal(await listLine(x, 'm1'), listRow('m1', '', 96, 2, '', '0.0'));
    refused(await x.xm('suspend', 'live1'), 'Domain is not managed by Xend lifecycle support.', 'suspend');
    refused(await x.xm('delete', 'live1'), 'Domain is not halted.', 'delete');
    refused(await x.xm('start', 'live1'), 'Domain is already running', 'start');
    refused(await x.xm('suspend', '0'), 'Cannot suspend privileged domain 0', 'suspend');
  });

  test('config changes while halted: mem-set, vcpu-set, sched-credit, rename', async () => {
    ok(await x.xm('mem-set', 'm2', '48'));
    ok(await x.xm('vcpu-set', 'm2', '2'));
    ok(await x.xm('sched-credit', '-d', 'm2', '-w', '128'));
    ok(await x.xm('rename', 'm2', 'm2b'));
    assert.equal(await listLine(x, 'm2b'), listRow('m2b', '', 48, 2, '', '0.0'));
    assert.equal((await x.xm('sched-credit', '-d', 'm2b')).stdout, `Name                                ID Weight  Cap\n${'m2b'.padEnd(32)} ${''.padStart(5)}    128    0\n`);
    refused(await x.xm('mem-set', 'm2b', '100'), 'Invalid Configuration: memory_dynamic_max must be less than or equal to memory_static_max', 'mem-set');
  });

  test('start, start -p, delete: the lifecycle of a managed domain', async () => {
    ok(await x.xm('start', 'm1'));
    const id = await domid(x, 'm1');
    assert.match(id, /^\d+$/);
    assert.equal(await state(x, 'm1'), '-b----');
    refused(await x.xm('start', 'm1'), 'Domain is already running', 'start');
    refused(await x.xm('delete', 'm1'), 'Domain is not halted.', 'delete');
    ok(await x.xm('shutdown', '-w', 'm1'));
    assert.equal(await listLine(x, 'm1'), listRow('m1', '', 96, 2, '', '0.0'), 'on_poweroff destroy: back to halted, still defined');
    const doc = await json(x, 'start', 'start', '-p', 'm2b');
    assert.equal(doc.domain.state, '--p---');
    assert.equal(doc.domain.memory_mib, 48);
    ok(await x.xm('destroy', 'm2b'));
    const del = await json(x, 'action', 'delete', 'm2b');
    assert.equal(del.command, 'delete');
    unknown(await x.xm('list', 'm2b'), 'm2b');
    assert.equal(readdirSync(x.path('var/lib/xend/domains')).length, 1, 'its directory is gone from the store');
    const r = await x.xm('start');
    assert.equal(r.stderr, "Error: 'xm start' requires 1 argument.\n\n");
  });

  test('suspend and resume: the state goes to the store and comes back, console and memory intact', async () => {
    ok(await x.xm('start', 'm1'));
    ok(await x.xm('sysrq', 'm1', 's'));
    await eventually(async () => /Emergency Sync complete/.test(await consoleLog(x, 'm1')));
    const uuid = readdirSync(x.path('var/lib/xend/domains'))[0]!;
    ok(await x.xm('suspend', 'm1'));
    assert.ok(existsSync(x.path(`var/lib/xend/domains/${uuid}/checkpoint.chk`)));
    assert.equal(await listLine(x, 'm1'), listRow('m1', '', 96, 2, '', '0.0'));
    assert.match((await x.xm('list', '--state=suspended')).stdout, /\nm1 /);
    assert.equal((await x.xm('domstate', 'm1')).stdout, 'shutoff\n');
    refused(await x.xm('start', 'm1'), 'Domain is already running', 'start');
    refused(await x.xm('delete', 'm1'), 'Domain is not halted.', 'delete');
    const doc = await json(x, 'start', 'resume', 'm1');
    assert.equal(doc.command, 'resume');
    assert.equal(doc.domain.power_state, 'running');
    assert.ok(!existsSync(x.path(`var/lib/xend/domains/${uuid}/checkpoint.chk`)));
    assert.match(await consoleLog(x, 'm1'), /Emergency Sync complete/, 'the console history came back with it');
    ok(await x.xm('suspend', 'm1'));
    ok(await x.xm('resume', '-p', 'm1'));
    assert.equal(await state(x, 'm1'), '--p---');
    ok(await x.xm('unpause', 'm1'));
  });

  test('xend restart: managed domains and their config survive; on_xend_start start brings one up', async () => {
    ok(await x.xm('new', '/dev/null', 'name=auto1', 'memory=64', 'on_xend_start=start'));
    ok(await x.xm('new', '/dev/null', 'name=idle1', 'memory=64'));
    assert.equal((await x.xm('domid', 'auto1')).stdout, 'None\n');
    ok(await x.xend('restart'));
    assert.match(await domid(x, 'auto1'), /^\d+$/, 'started by xend');
    assert.equal(await listLine(x, 'idle1'), listRow('idle1', '', 64, 1, '', '0.0'));
    assert.match(await domid(x, 'm1'), /^\d+$/, 'a running managed domain keeps running');
    assert.match((await x.xm('list', '-l', 'auto1')).stdout, /\(on_xend_start start\)/);
  });

  test('kill -9 of the worker: the monitor restarts it, nothing managed is lost, on_xend_start applies again', async () => {
    ok(await x.xm('destroy', 'auto1'));
    assert.equal((await x.xm('domid', 'auto1')).stdout, 'None\n');
    const pid = Number(readFileSync(x.path('var/run/xend.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    await eventually(async () => {
      const p = Number(readFileSync(x.path('var/run/xend.pid'), 'utf8'));
      return p !== pid && (await x.xm('domid', 'auto1')).code === 0;
    });
    await eventually(async () => /^\d+$/.test((await x.xm('domid', 'auto1')).stdout.trim()));
    assert.equal(await listLine(x, 'idle1'), listRow('idle1', '', 64, 1, '', '0.0'));
    assert.match(await domid(x, 'm1'), /^\d+$/);
  });

  test('on_xend_stop: shutdown and suspend when xend stops', async () => {
    ok(await x.xm('new', '/dev/null', 'name=stopper', 'memory=64', 'on_xend_stop=shutdown'));
    ok(await x.xm('new', '/dev/null', 'name=sleeper', 'memory=64', 'on_xend_stop=suspend'));
    ok(await x.xm('start', 'stopper'));
    ok(await x.xm('start', 'sleeper'));
    ok(await x.xm('sysrq', 'sleeper', 's'));
    ok(await x.xend('stop'));
    ok(await x.xend('start'));
    assert.equal(await listLine(x, 'stopper'), listRow('stopper', '', 64, 1, '', '0.0'), 'shut down, still defined');
    assert.match((await x.xm('list', '--state=suspended')).stdout, /\nsleeper /);
    ok(await x.xm('resume', 'sleeper'));
    assert.equal(await state(x, 'sleeper'), '-b----');
    assert.match(await consoleLog(x, 'sleeper'), /Emergency Sync complete/);
    assert.match((await x.xm('log')).stdout, /Shutting down domain: stopper/);
  });
});

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

describe('the new calls over the legacy HTTP API', () => {
  let x: TestXend;
  before(async () => {
    x = await startXendOver('http-unix', '(sim-host-memory 4096)\n');
  });
  after(() => x.dispose());

  test('managed lifecycle, scheduler, pinning, sysrq, trigger, dump-core, mem-max', async () => {
    ok(await x.xm('new', '/dev/null', 'name=h1', 'memory=64', 'vcpus=2'));
    assert.equal(await listLine(x, 'h1'), listRow('h1', '', 64, 2, '', '0.0'));
    ok(await x.xm('start', 'h1'));
    assert.match(await domid(x, 'h1'), /^\d+$/);
    ok(await x.xm('sched-credit', '-d', 'h1', '-w', '300'));
    assert.match((await x.xm('sched-credit', '-d', 'h1')).stdout, / 300 +0\n$/);
    ok(await x.xm('vcpu-pin', 'h1', '1', '3'));
    assert.match((await x.xm('vcpu-list', 'h1')).stdout, / 3\n$/);
    ok(await x.xm('mem-max', 'h1', '128'));
    ok(await x.xm('sysrq', 'h1', 's'));
    await eventually(async () => /Emergency Sync/.test(await consoleLog(x, 'h1')));
    ok(await x.xm('trigger', 'h1', 'nmi'));
    const dump = await json(x, 'dump-core', 'dump-core', 'h1');
    assert.ok(dump.file && existsSync(dump.file), `core at ${dump.file}`);
    ok(await x.xm('suspend', 'h1'));
    assert.match((await x.xm('list', '--state=suspended')).stdout, /\nh1 /);
    ok(await x.xm('resume', 'h1'));
    refused(await x.xm('delete', 'h1'), 'Domain is not halted.', 'delete');
    ok(await x.xm('destroy', 'h1'));
    ok(await x.xm('delete', 'h1'));
    unknown(await x.xm('list', 'h1'), 'h1');
    unknown(await x.xm('sysrq', 'h1', 's'), 'h1');
    refused(await x.xm('sched-credit', '-d', 'Domain-0', '-c', '1000'), 'Cpu cap out of range, valid range is from 0 to 400 for specified number of vcpus', 'sched-credit');
  });
});
