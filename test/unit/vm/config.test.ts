// A domain's typed config (src/vm/config.ts): read from SXP once, made into SXP at the edges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVmConfig, storedVmConfig, vmConfigSxp } from '../../../src/vm/config.js';

const sxp = [
  'vm',
  ['name', 'w1'],
  ['memory', 64],
  ['maxmem', 128],
  ['vcpus', 4],
  ['vcpu_avail', 3],
  ['cpus', ['0-1', '', '2,3', '^1']],
  ['cpu_weight', 512],
  ['pool_name', 'p1'],
  ['bootloader', '/usr/bin/pygrub'],
  ['image', ['linux', ['kernel', '/k']]],
  ['device', ['vbd', ['uname', 'phy:sda1'], ['dev', 'xvda'], ['mode', 'w']]],
];

test('its SXP reads back as the same config', () => {
  const c = parseVmConfig(sxp);
  assert.deepEqual(parseVmConfig(vmConfigSxp(c)), c);
  assert.deepEqual(c.cpus, [[0, 1], [], [2, 3], []]);
  assert.equal(c.onlineVcpus, 2);
});

test('a stored config is the typed record, or the SXP an earlier xend kept', () => {
  const c = parseVmConfig(sxp);
  assert.equal(storedVmConfig(c), c);
  assert.deepEqual(storedVmConfig(vmConfigSxp(c)), c);
  assert.throws(() => storedVmConfig(['vm', ['name', 'x']]), /memory_dynamic_max must be greater than zero/);
});
