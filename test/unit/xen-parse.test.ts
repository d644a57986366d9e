import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cpuList,
  dmesgText,
  parseColonTable,
  parseDomainPools,
  parsePoolCpus,
  parsePoolList,
  poolIds,
  parseSchedTable,
  parseUptime,
  parseVcpuList,
  parseXenstoreLs,
  parseXlList,
  parseXlListLong,
  shutdownReasonOf,
  startTimeOf,
} from '../../src/hypervisor/xen/parse.js';
import { hostInfoOf } from '../../src/hypervisor/xen/host-info.js';
import { toolError } from '../../src/hypervisor/xen/runner.js';
import { XendError, XendInvalidDomain } from '../../src/protocol/faults.js';

const pad = (s: string, n: number) => s.padEnd(n);
const U1 = '11111111-2222-3333-4444-555555555555';

describe('xl list', () => {
  // The header separates its last columns with tabs, the rows with blanks.
  const header = `${pad('Name', 40)}ID   Mem VCPUs\tState\tTime(s)`;
  test('rows of the plain form', () => {
    const text = [header, `${pad('Domain-0', 40)}  0  1024     4     r-----      12.5`, `${pad('web one', 40)}  7   256     2     --p---       0.3`, ''].join('\n');
    const rows = parseXlList(text);
    assert.equal(rows.length, 2);
    assert.deepEqual(rows[1], {
      name: 'web one',
      domid: 7,
      memoryMiB: 256,
      vcpus: 2,
      flags: { running: false, blocked: false, paused: true, shutdown: false, crashed: false, dying: false },
      cpuTime: 0.3,
      uuid: '',
      reasonCode: null,
    });
  });
  test('-v adds the uuid and the shutdown code', () => {
    const text = [
      `${header}   UUID                            Reason-Code\tSecurity Label`,
      `${pad('Domain-0', 40)}  0  1024     4     r-----      12.5 00000000-0000-0000-0000-000000000000        -                -`,
      `${pad('g', 40)}  3   128     1     ---s--       2.0 ${U1}        1                -`,
      `${pad('c', 40)}  4   128     1     ----c-       2.0 ${U1}        -                -`,
    ].join('\n');
    const [dom0, g, c] = parseXlList(text);
    assert.equal(dom0!.uuid, '00000000-0000-0000-0000-000000000000');
    assert.equal(dom0!.reasonCode, null);
    assert.equal(g!.uuid, U1);
    assert.equal(g!.reasonCode, 1);
    assert.equal(g!.flags.shutdown, true);
    assert.equal(shutdownReasonOf(g!.reasonCode, g!.flags.crashed), 'reboot');
    assert.equal(shutdownReasonOf(c!.reasonCode, c!.flags.crashed), 'crash');
  });
  test('shutdown codes as xend names them', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, null].map((c) => shutdownReasonOf(c, false)), ['poweroff', 'reboot', 'suspend', 'crash', 'crash', 'reboot', 'poweroff']);
  });
  test('nothing from an error text', () => {
    assert.deepEqual(parseXlList('nosuch is an invalid domain identifier (rc=-6)\n'), []);
  });
});

describe('xl list -l', () => {
  test('the config fields xend records', () => {
    const json = JSON.stringify([
      {
        domid: 5,
        config: {
          c_info: { type: 'pvh', name: 'p1', domid: 4294967295, uuid: U1 },
          b_info: { max_vcpus: 2, avail_vcpus: [0], max_memkb: 262144, target_memkb: 131072, sched_params: { sched: 'credit2', weight: 512, cap: 50 }, kernel: '/k', cmdline: 'console=hvc0', ramdisk: '/r' },
          disks: [{ pdev_path: '/dev/loop0', vdev: 'xvda', format: 'raw', readwrite: 1 }, { pdev_path: '/srv/a.iso', vdev: 'hdc', format: 'raw', readwrite: 0, is_cdrom: 1 }],
          nics: [{ devid: 0, mac: '00:16:3e:00:00:02', bridge: 'xenbr0', script: 'vif-lane' }],
          on_reboot: 'restart',
        },
      },
    ]);
    assert.deepEqual(parseXlListLong(json), [
      {
        domid: 5, name: 'p1', uuid: U1, type: 'pvh', maxVcpus: 2, maxmemMiB: 256, memoryMiB: 128, kernel: '/k', ramdisk: '/r', cmdline: 'console=hvc0', weight: 512, cap: 50,
        disks: [
          { target: '/dev/loop0', vdev: 'xvda', format: 'raw', writable: true, cdrom: false },
          { target: '/srv/a.iso', vdev: 'hdc', format: 'raw', writable: false, cdrom: true },
        ],
        nics: [{ devid: 0, mac: '00:16:3e:00:00:02', bridge: 'xenbr0' }],
      },
    ]);
  });
  test('not JSON, or not a list: nothing', () => {
    assert.deepEqual(parseXlListLong('Parsing config'), []);
    assert.deepEqual(parseXlListLong('{"domid": 1}'), []);
  });
});

describe('xl info', () => {
  const text = [
    'host                   : dom0',
    'release                : 6.1.0-1-amd64',
    'nr_cpus                : 4',
    'cpu_mhz                : 2400.123',
    'total_memory           : 4095',
    'free_memory            : 1200',
    'xen_major              : 4',
    'xen_minor              : 17',
    'xen_extra              : .3',
    'xen_caps               : xen-3.0-x86_64 hvm-3.0-x86_64 ',
    'xen_scheduler          : credit2',
    'xen_commandline        : dom0_mem=1G,max:1G console=com1',
    'xen_changeset          : ',
  ].join('\n');
  test('key : value lines, values with colons kept whole', () => {
    const t = parseColonTable('a_b : x:y:z\nnot a key line\n');
    assert.deepEqual(t, { a_b: 'x:y:z' });
  });
  test('as xend node info', () => {
    const h = hostInfoOf(text, 99, '/usr/sbin/xl');
    assert.equal(h.host, 'dom0');
    assert.equal(h.nr_cpus, 4);
    assert.equal(h.cpu_mhz, 2400);
    assert.equal(h.total_memory, 4095);
    assert.equal(h.free_memory, 1200);
    assert.equal(`${h.xen_major}.${h.xen_minor}${h.xen_extra}`, '4.17.3');
    assert.equal(h.xen_caps, 'xen-3.0-x86_64 hvm-3.0-x86_64');
    assert.equal(h.xen_scheduler, 'credit2');
    assert.equal(h.xen_commandline, 'dom0_mem=1G,max:1G console=com1');
    assert.equal(h.xen_changeset, 'xen backend: /usr/sbin/xl');
    assert.equal(h.uptime, 99);
  });
});

describe('xl vcpu-list', () => {
  test('rows, an offline VCPU, affinities', () => {
    const text = [
      `${pad('Name', 36)}ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)`,
      `${pad('Domain-0', 36)} 0     0    1   r--      65.6  all / all`,
      `${pad('g', 36)} 2     0    0   -b-       7.9  0-1,3 / all`,
      `${pad('g', 36)} 2     1    -   --p       0.9  all / all`,
    ].join('\n');
    const rows = parseVcpuList(text);
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[1], { domid: 2, number: 0, cpu: 0, running: false, blocked: true, paused: false, cpuTime: 7.9, affinity: '0-1,3' });
    assert.equal(rows[2]!.cpu, -1);
    assert.deepEqual(cpuList('0-1,3', 8), [0, 1, 3]);
    assert.deepEqual(cpuList('all', 3), [0, 1, 2]);
    assert.deepEqual(cpuList('2-9', 4), [2, 3]);
  });
});

describe('xl uptime, sched tables, dmesg', () => {
  test('uptime with and without days', () => {
    const text = [`${pad('Name', 36)}ID Uptime`, `${pad('Domain-0', 36)} 0  0:02:51`, `${pad('g', 36)} 1  2 days, 10:00:01`, `${pad('h', 36)} 2  1 day,  0:00:00`].join('\n');
    assert.deepEqual([...parseUptime(text)], [[0, 171], [1, 2 * 86400 + 36001], [2, 86400]]);
  });
  test('credit2 prints its table under a Cpupool line; credit prints nothing when not running', () => {
    const text = ['Cpupool Pool-0: ratelimit=1000us', `${pad('Name', 36)}ID Weight  Cap`, `${pad('Domain-0', 36)} 0    256    0`, `${pad('g', 36)} 1    512   25`].join('\n');
    assert.deepEqual([...parseSchedTable(text)], [[0, { weight: 256, cap: 0 }], [1, { weight: 512, cap: 25 }]]);
    assert.equal(parseSchedTable('').size, 0);
  });
  test('dmesg ends in a newline', () => {
    assert.equal(dmesgText('(XEN) a'), '(XEN) a\n');
    assert.equal(dmesgText(''), '');
  });
});

describe('xenstore-ls -f', () => {
  test('paths and unescaped values', () => {
    const text = [
      '/local/domain/1/console/tty = "/dev/pts/3"',
      '/local/domain/1/name = "a\\"b\\\\c\\x41"',
      '/local/domain/1/control/shutdown = ""',
      `/vm/${U1}/start_time = "1796524612.41"`,
      'garbage line',
    ].join('\n');
    const m = parseXenstoreLs(text);
    assert.equal(m.get('/local/domain/1/console/tty'), '/dev/pts/3');
    assert.equal(m.get('/local/domain/1/name'), 'a"b\\cA');
    assert.equal(m.get('/local/domain/1/control/shutdown'), '');
    assert.equal(startTimeOf(m, U1), 1796524612.41);
    assert.equal(m.size, 4);
  });
});

describe("xl's errors as xend's faults", () => {
  test('an unknown domain is fault 3, named as xl named it', () => {
    const e = toolError('xl', ['pause', '9'], '9 is an invalid domain identifier (rc=-6)\n', new Error('exit status 1'));
    assert.ok(e instanceof XendInvalidDomain);
    assert.equal(e.faultCode, 3);
    assert.equal(e.message, '9');
  });
  test('a domid Xen has not (xl list DOMID) is fault 3 too', () => {
    const e = toolError('xl', ['list', '-v', '9'], "Error: Domain '9' does not exist.\n", new Error('exit status 1'));
    assert.ok(e instanceof XendInvalidDomain);
    assert.equal(e.message, '9');
  });
  test("anything else is fault 2 with xl's last words", () => {
    const stderr = 'libxl: error: libxl_mem.c:278:libxl_set_memory_target: Domain 1:memory_dynamic_max must be less than or equal to memory_static_max\n\ncannot set domid 1 dynamic max memory to : 512m\n';
    const e = toolError('xl', ['mem-set', '1', '512m'], stderr, new Error('exit status 1'));
    assert.ok(e instanceof XendError);
    assert.equal(e.faultCode, 2);
    assert.equal(e.message, 'xl mem-set failed: memory_dynamic_max must be less than or equal to memory_static_max; cannot set domid 1 dynamic max memory to : 512m');
  });
  test("libxl's cleanup after a failed build is not the reason: a name taken is", () => {
    // xl create of a name Xen has already (a reboot's new domain before the old one went), as Xen 4.17 says it.
    const stderr = [
      'Parsing config from /var/lib/xend/xen/run/g1.cfg',
      'libxl: error: libxl_domain.c:81:libxl__domain_rename: Domain 3:Domain with name "g1" already exists.',
      'libxl: error: libxl_create.c:1296:initiate_domain_create: Domain 3:cannot make domain: -6',
      'libxl: error: libxl_domain.c:1183:libxl__destroy_domid: Domain 3:Non-existant domain',
      'libxl: error: libxl_domain.c:1137:domain_destroy_callback: Domain 3:Unable to destroy guest',
      'libxl: error: libxl_domain.c:1064:domain_destroy_cb: Domain 3:Destruction of domain failed',
      '',
    ].join('\n');
    const e = toolError('xl', ['create', '-p', '-e', 'g1.cfg'], stderr, new Error('exit status 1'));
    assert.equal(e.message, 'xl create failed: Domain with name "g1" already exists.; cannot make domain: -6');
  });
  test('a timeout says so', () => {
    assert.equal(toolError('xl', ['save'], '', Object.assign(new Error('x'), { killed: true })).message, 'xl save did not finish in time');
  });
});

describe('xl cpupool-list and xl list -c', () => {
  test("the pools' names, schedulers and CPUs, as Xen 4.17's xl prints them", () => {
    // run2/xl-cpupool-list.out of the Xen lane's notes, and a second pool.
    const list = 'Name               CPUs   Sched     Active   Domain count\nPool-0               2   credit2       y          3\np1                   0    credit       y          0\n';
    assert.deepEqual(parsePoolList(list), [{ name: 'Pool-0', sched: 'credit2' }, { name: 'p1', sched: 'credit' }]);
    assert.deepEqual([...parsePoolCpus('Name               CPU list\nPool-0             0,1,3-4\np1                 \n', 8)], [['Pool-0', [0, 1, 3, 4]], ['p1', []]]);
  });

  test("a domain's pool is xl list -c's last column; the ids are xenstore's", () => {
    const text = `${pad('Name', 40)}ID   Mem VCPUs\tState\tTime(s)         Cpupool\n${pad('Domain-0', 40)}    0  1024     2     r-----      12.5          Pool-0\n${pad('web one', 40)}    7   256     2     -b----       0.3              p1\n`;
    assert.deepEqual([...parseDomainPools(text)], [[0, 'Pool-0'], [7, 'p1']]);
    assert.deepEqual([...poolIds(parseXenstoreLs('/local/pool/1/name = "p1"\n/local/pool/1/uuid = "x"\n'))], [['p1', 1]]);
  });
});
