import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workerFlagsToAdd, workerV8Flags } from '../../../src/daemon/v8-flags.js';

const GiB = 2 ** 30;

test('on Node 24 and later the worker\'s semi-spaces are held to what Node 20 and 22 give on the same memory', () => {
  const semi = (major: number, memory: number) => workerV8Flags(major, memory).join(' ');
  assert.equal(semi(24, 24 * GiB), '--max-semi-space-size=16', 'a large host: 16 MiB, where Node 24 would take 64');
  assert.equal(semi(24, 4 * GiB), '--max-semi-space-size=16');
  assert.equal(semi(24, 3 * GiB), '--max-semi-space-size=8', 'rounded down to a power of two');
  assert.equal(semi(24, 2 * GiB), '--max-semi-space-size=8');
  assert.equal(semi(24, 1.5 * GiB), '--max-semi-space-size=4');
  assert.equal(semi(24, 1 * GiB), '--max-semi-space-size=4', 'a 1 GiB Dom0: 4 MiB, where Node 24 would take 16');
  assert.equal(semi(25, 4 * GiB), '--max-semi-space-size=16', 'and the lines after 24');
  assert.equal(semi(24, GiB - 1), '', 'below 1 GiB Node 24\'s own sizes are small already');
  assert.equal(semi(22, 24 * GiB), '', 'Node 22 sizes as intended');
  assert.equal(semi(20, 1 * GiB), '', 'and Node 20');
});

test('a size the administrator gives node wins over the worker\'s, however it is spelt', () => {
  const wanted = ['--max-semi-space-size=16'];
  assert.deepEqual(workerFlagsToAdd(wanted, [], ''), wanted, 'nothing given: the worker\'s own');
  assert.deepEqual(workerFlagsToAdd(wanted, [], '--max-old-space-size=512 --trace-warnings'), wanted, 'other options leave it');
  assert.deepEqual(workerFlagsToAdd(wanted, [], '--max-semi-space-size=8'), []);
  assert.deepEqual(workerFlagsToAdd(wanted, [], ' "--max_semi_space_size=8" '), [], 'quoted, with underscores');
  assert.deepEqual(workerFlagsToAdd(wanted, ['--max-semi-space-size=32'], ''), [], 'on node\'s own command line');
});
