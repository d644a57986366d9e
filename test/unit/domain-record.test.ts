import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDomain, RECORD_KEYS } from '../../src/protocol/domain.js';
import type { Sxp } from '../../src/sxp/types.js';

describe('decodeDomain and RECORD_KEYS', () => {
  const whole: Sxp = [
    'domain',
    ['domid', '3'],
    ['uuid', 'u-1'],
    ['vcpus', 2],
    ['name', 'web'],
    ['device', ['vbd', ['name', 'not the domain']]],
    ['memory', 256],
    ['maxmem', 512],
    ['online_vcpus', 1],
    ['state', '-b----'],
    ['status', 2],
    ['cpu_time', 12.5],
    ['start_time', 1700000000.5],
    ['name', 'a second name'],
    ['image', ['linux', ['kernel', '/k']]],
  ];

  test('the record needs only the children RECORD_KEYS names (what a listing may send)', () => {
    const pruned = (whole as Sxp[]).filter((c) => !Array.isArray(c) || RECORD_KEYS.has(c[0] as string));
    assert.deepEqual(decodeDomain(pruned), decodeDomain(whole));
    assert.deepEqual(decodeDomain(whole), {
      domid: 3,
      name: 'web',
      uuid: 'u-1',
      memory: 256,
      maxmem: 512,
      vcpus: 2,
      onlineVcpus: 1,
      state: '-b----',
      status: 2,
      cpuTime: 12.5,
      startTime: 1700000000.5,
    });
  });

  test('a domain without an id, a start time or a status: their defaults', () => {
    assert.deepEqual(decodeDomain(['domain', ['name', 'off'], ['domid']]), {
      domid: null,
      name: 'off',
      uuid: '',
      memory: 0,
      maxmem: 0,
      vcpus: 0,
      onlineVcpus: null,
      state: '',
      status: 6,
      cpuTime: 0,
      startTime: null,
    });
    assert.throws(() => decodeDomain('domain'), TypeError);
  });
});
