import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOM0, domainSxp, xm } from '../xm.js';

const WEB = domainSxp({ name: 'web', domid: 3, memory: 512, vcpus: 2, state: '-b----', cpu_time: 7.2 });
const all = { 'xend.domains_with_state': () => [DOM0, WEB] };

test('xm list --label: a Label column from xend.security.get_domain_label, empty under the dummy module', async () => {
  const r = await xm(['list', '--label'], { ...all, 'xend.security.get_domain_label': () => '' });
  assert.equal(r.code, 0);
  assert.equal(
    r.stdout,
    'Name                                        ID   Mem VCPUs      State   Time(s) Label     \n' +
      'Domain-0                                     0  1024     2     r-----    120.4           \n' +
      'web                                          3   512     2     -b----      7.2           \n',
  );
  assert.deepEqual(r.calls.slice(1), [
    ['xend.security.get_domain_label', ['Domain-0']],
    ['xend.security.get_domain_label', ['web']],
  ]);
});

test('xm list --label sorts by label without case and drops a leading quote, as xm did', async () => {
  const labels: Record<string, string> = { 'Domain-0': "'ACM:p:system", web: 'ACM:p:Blue' };
  const r = await xm(['list', '--label', '--json'], { ...all, 'xend.security.get_domain_label': (d: string) => labels[d] });
  assert.deepEqual(
    JSON.parse(r.stdout).domains.map((d: { name: string; label: string }) => [d.name, d.label]),
    [
      ['Domain-0', 'ACM:p:system'],
      ['web', 'ACM:p:Blue'],
    ],
  );
  const text = await xm(['list', '--label'], { ...all, 'xend.security.get_domain_label': (d: string) => labels[d] });
  assert.deepEqual(
    text.stdout.split('\n').slice(1, 3).map((l) => l.split(' ')[0]),
    ['web', 'Domain-0'],
  );
});

test('xm list -l --label: the long form wins, as in xm', async () => {
  const r = await xm(['list', '-l', '--label'], { 'xend.domains_with_state': () => [WEB] });
  assert.match(r.stdout, /^\(domain\n/);
});

test('xm list -v: deprecated, runs vcpu-list (for the domains given)', async () => {
  const r = await xm(['list', '-v', 'web'], {
    'xend.node.info': () => [['nr_cpus', 2]],
    'xend.domain.getVCPUInfo': () => ['domain', ['domid', 3], ['name', 'web'], ['vcpu', ['number', 0], ['online', 1], ['blocked', 1], ['running', 0], ['cpu_time', 1.5], ['cpu', 1], ['cpumap', [0, 1]]]],
  });
  assert.equal(r.stderr, 'xm list -v is deprecated.  Please use xm vcpu-list.\n');
  assert.equal(r.stdout, 'Name                                ID  VCPU   CPU State   Time(s) CPU Affinity\nweb                                  3     0     1   -b-       1.5 any cpu\n');
});
