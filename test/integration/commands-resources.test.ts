import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestXend } from '../helpers/xend.js';

const ABOVE_MAX = 'Invalid Configuration: memory_dynamic_max must be less than or equal to memory_static_max';
import { listRow, ok, refused, unknown, listLine, domid, consoleLog, json, validator, xendWithGuests } from '../helpers/xm-checks.js';

/** xm's resource and scheduler commands end to end: help texts, mem-max, vcpu-pin, sched-credit, console --log, the --json action documents, stale names. */

describe('xm: memory, VCPUs, the credit scheduler', () => {
  let x: TestXend;
  before(async () => {
    x = await xendWithGuests(['name=g1', 'memory=128', 'vcpus=2']);
  });
  after(() => x.dispose());

  test('console --log to a file that cannot be written: Error and exit 1 before attaching, no stack trace', async () => {
    const r = await x.xm('console', 'g1', '--log', x.path('no/such/dir/g1.log'));
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Error: Cannot open ${x.path('no/such/dir/g1.log')}: No such file or directory\n`);
  });

  test('help: usage strings and option tables as xm 4.4 had them', async () => {
    const cases: [string, string][] = [
      ['mem-max', 'Usage: xm mem-max <Domain> <Mem>\n\nSet the maximum amount reservation for a domain.\n'],
      ['vcpu-pin', 'Usage: xm vcpu-pin <Domain> <VCPU|all> <CPUs|all>\n\nSet which CPUs a VCPU can use.\n'],
      ['sysrq', 'Usage: xm sysrq <Domain> <letter>\n\nSend a sysrq to a domain.\n'],
      ['trigger', 'Usage: xm trigger <Domain> <nmi|reset|init|s3resume|power> [<VCPU>]\n\nSend a trigger to a domain.\n'],
      ['domstate', 'Usage: xm domstate <domain> \n\nget the state of a domain\n'],
      ['delete', 'Usage: xm delete <DomainName>\n\nRemove a domain from Xend domain management.\n'],
    ];
    for (const [cmd, text] of cases) {
      const r = await x.xm(cmd, '--help');
      assert.equal(r.code, 1);
      assert.equal(r.stdout, text);
    }
    const sched = await x.xm('sched-credit', '-h');
    assert.match(sched.stdout, /^Usage: xm sched-credit \[-d <Domain> \[-w\[=WEIGHT\]\|-c\[=CAP\]\]\]\n\nGet\/set credit scheduler parameters\.\n  -d DOMAIN, --domain=DOMAIN {5}Domain to modify {27}\n  -w WEIGHT, --weight=WEIGHT {5}Weight \(int\) {31}\n  -c CAP, --cap=CAP {14}Cap \(int\) {34}\n\n$/);
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
    refused(await x.xm('mem-set', 'g1', '1g'), `${ABOVE_MAX}\n1024 MiB is above the domain's maximum of 256 MiB (xm mem-max raises it)`, 'mem-set');
    refused(await x.xm('mem-max', 'g1', '100'), `${ABOVE_MAX}\n100 MiB is below the domain's current memory of 200 MiB (xm mem-set lowers it)`, 'mem-max');
    refused(await x.xm('mem-max', 'g1', 'x64'), 'Invalid argument.', 'mem-max');
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
    // xm listed every domain to show one and found none: its message with the usage, exit 1; setting one is xend's exit 3.
    refused(await x.xm('sched-credit', '-d', 'nosuch'), "Domain 'nosuch' does not exist.", 'sched-credit');
    unknown(await x.xm('sched-credit', '-d', 'nosuch', '-w', '5'), 'nosuch');
    refused(await x.xm('sched-credit', '-x'), 'option -x not recognized', 'sched-credit');
    const doc = await json(x, 'sched-credit', 'sched-credit', '-d', 'g1');
    assert.deepEqual(doc.domains, [{ name: 'g1', domid: Number(id), weight: 512, cap: 0 }]);
    await json(x, 'action', 'sched-credit', '-d', 'g1', '-w', '256');
  });

  test('stale names after destroy: every new command fails cleanly with exit 3', async () => {
    ok(await x.xm('create', '/dev/null', 'name=stale', 'memory=64'));
    ok(await x.xm('destroy', 'stale'));
    for (const args of [
      ['mem-max', 'stale', '64'],
      ['vcpu-pin', 'stale', '0', '0'],
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

describe('xm create with cpuid and cpuid_check (create.py preprocess_cpuid, XendConfig.parse_cpuid)', () => {
  let x: TestXend;
  before(async () => {
    x = await xendWithGuests([]);
  });
  after(() => x.dispose());

  test("the registers reach xend as xm's dicts, list --long shows them as xend's to_sxp did; a short register is xm's error", async () => {
    const c1 = x.writeFile('c1.cfg', 'name = "c1"\nmemory = 64\ncpuid = ["1:eax=0x00000001,ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1"]\ncpuid_check = ["1:eax=0x00000001"]\n');
    ok(await x.xm('create', c1));
    const long = (await x.xm('list', '--long', 'c1')).stdout;
    assert.match(long, /\(cpuid\n\s+\(\(1\n\s+\(\(eax 00000000000000000000000000000001\)\n\s+\(ecx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1\)/);
    assert.match(long, /\(cpuid_check \(\(1 \(\(eax 00000000000000000000000000000001\)\)\)\)\)/);
    const c2 = x.writeFile('c2.cfg', 'name = "c2"\nmemory = 64\ncpuid = ["1:eax=1"]\n');
    const bad = await x.xm('create', c2);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, 'Error: cpuid: We should specify all the bits of the register eax for input 1\n\n');
    unknown(await x.xm('list', 'c2'), 'c2');
  });
});
