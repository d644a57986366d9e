import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xm } from '../xm.js';

const vcpu = (n: number, o: { cpu: number; online?: number; running?: number; cpumap: number[] }) => [
  'vcpu',
  ['number', n],
  ['online', o.online ?? 1],
  ['blocked', 0],
  ['running', o.running ?? 1],
  ['cpu_time', 2.5],
  ['cpu', o.cpu],
  ['cpumap', o.cpumap],
];
const xend = {
  'xend.node.info': () => [['system', 'Linux'], ['nr_cpus', 4]],
  'xend.domain.getVCPUInfo': () => ['domain', ['domid', 3], ['name', 'web'], vcpu(0, { cpu: 1, cpumap: [0, 1, 2, 3] }), vcpu(1, { cpu: 2, online: 0, cpumap: [0, 2, 3] })],
};

test("xm vcpu-list DOM: xm's columns and affinity words", async () => {
  const r = await xm(['vcpu-list', 'web'], xend);
  assert.equal(r.code, 0);
  assert.equal(
    r.stdout,
    'Name                                ID  VCPU   CPU State   Time(s) CPU Affinity\n' +
      'web                                  3     0     1   r--       2.5 any cpu\n' +
      'web                                  3     1     -   --p       2.5 0,2-3\n',
  );
});

test('xm vcpu-list --json', async () => {
  const doc = JSON.parse((await xm(['vcpu-list', '--json', 'web'], xend)).stdout);
  assert.deepEqual([doc.version, doc.host_cpus, doc.vcpus.length, doc.vcpus[1].online], [1, 4, 2, false]);
});
