import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOM0, domainSxp, fault, usage, xm } from '../xm.js';

const WEB = domainSxp({ name: 'web', domid: 3, memory: 512, vcpus: 2, state: '-b----', cpu_time: 7.2 });
const all = { 'xend.domains_with_state': () => [DOM0, WEB] };

test('xm list: the table of every domain, in xm 4.4 columns', async () => {
  const r = await xm(['list'], all);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, '');
  assert.equal(
    r.stdout,
    'Name                                        ID   Mem VCPUs      State   Time(s)\n' +
      'Domain-0                                     0  1024     2     r-----    120.4\n' +
      'web                                          3   512     2     -b----      7.2\n',
  );
  assert.deepEqual(r.calls, [['xend.domains_with_state', [true, 'all', 0]]]);
});

test('xm list --state=running asks xend for that state', async () => {
  const r = await xm(['list', '--state=Running'], all);
  assert.equal(r.code, 0);
  assert.deepEqual(r.calls, [['xend.domains_with_state', [true, 'Running', 0]]]);
});

test('xm list --state with a name is refused, as xm refused it', async () => {
  const r = await xm(['list', '--state=running', 'web'], all);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error: You may specify either a state or a particular VM, but not both\n');
  assert.equal(r.stdout, usage('list'));
  assert.deepEqual(r.calls, []);
});

test('xm list --state=bogus: the parser names the choices', async () => {
  const r = await xm(['list', '--state=bogus']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error: invalid value for --state: bogus (expected one of running, paused, halted, suspended, crashed, unknown, all)\n');
  assert.equal(r.stdout, usage('list'));
});

test('xm list DOM: an unknown domain is exit status 3', async () => {
  const r = await xm(['list', 'nosuch'], { 'xend.domain': (name: string) => fault(3, name) });
  assert.equal(r.code, 3);
  assert.equal(r.stderr, "Error: Domain 'nosuch' does not exist.\n");
  assert.equal(r.stdout, '');
});

test('xm list --long prints the records in SXP', async () => {
  const r = await xm(['list', '-l', 'web'], { 'xend.domain': () => WEB });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^\(domain\n    \(domid 3\)\n    \(name web\)\n/);
  assert.deepEqual(r.calls, [['xend.domain', ['web', 1]]]);
});

test('xm list --json: the documented records, in one envelope', async () => {
  const r = await xm(['list', '--json'], all);
  assert.equal(r.code, 0);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(doc), ['version', 'domains']);
  assert.equal(doc.version, 1);
  assert.deepEqual(
    doc.domains.map((d: { name: string; domid: number; state: string; power_state: string; memory_mib: number }) => [d.name, d.domid, d.state, d.power_state, d.memory_mib]),
    [
      ['Domain-0', 0, 'r-----', 'running', 1024],
      ['web', 3, '-b----', 'running', 512],
    ],
  );
});

test('xm --json list DOM for an unknown domain: the error as JSON on stdout', async () => {
  const r = await xm(['--json', 'list', 'nosuch'], { 'xend.domain': (name: string) => fault(3, name) });
  assert.equal(r.code, 3);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, `${JSON.stringify({ version: 1, error: { type: 'unknown-domain', message: "Domain 'nosuch' does not exist.", exit: 3 } })}\n`);
});

test('xm list --pool=NAME: only the domains whose pool_name is NAME; with a domain named, xm\'s refusal', async () => {
  const inPool = (name: string, pool: string) => [...domainSxp({ name, domid: 4 }), ['pool_name', pool]];
  const xend = { 'xend.domains_with_state': () => [[...DOM0, ['pool_name', 'Pool-0']], inPool('web', 'p1')] };
  const r = await xm(['list', '--pool=p1'], xend);
  assert.equal(r.code, 0);
  assert.deepEqual(r.stdout.split('\n').map((l) => l.split(/\s+/)[0]), ['Name', 'web', '']);
  const both = await xm(['list', '--pool', 'p1', 'web']);
  assert.deepEqual([both.code, both.stderr, both.stdout], [1, 'Error: You may specify either a pool or a particular VM, but not both\n', usage('list')]);
});
