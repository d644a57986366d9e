// blkif.blkdev_name_to_number (src/hypervisor/block-number.ts): xend's numbers for disk names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockDeviceNumber } from '../../src/hypervisor/block-number.js';

test("disk names get Linux's device numbers, as xend numbered its vbds", () => {
  const cases: [string, number][] = [
    ['xvda', 51712],
    ['xvdb', 51728],
    ['xvda1', 51713],
    ['/dev/xvdp15', 51967],
    ['xvdq', (1 << 28) + (16 << 8)],
    ['xvdaa', (1 << 28) + (26 << 8)],
    ['hda', 768],
    ['hdb', 832],
    ['hdc', 5632],
    ['hdc1', 5633],
    ['sda', 2048],
    ['sdb1', 2065],
    ['sdq', 65 * 256],
    ['sdaa', 65 * 256 + 160],
    ['51712', 51712],
    ['0xca00', 51712],
  ];
  for (const [name, n] of cases) assert.equal(blockDeviceNumber(name), n, name);
});

test('names that are no disk have no number', () => {
  for (const name of ['', 'xvd', 'eth0', 'hdu', 'sda16', 'xvda16', 'sdiz', 'cdrom', '12a', '-1']) assert.equal(blockDeviceNumber(name), null, name);
});
