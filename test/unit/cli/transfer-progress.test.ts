import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressLine, restoreLine } from '../../../src/cli/transfer-progress.js';

test("the progress line: the round, its share sent, the rate and the time left at that rate", () => {
  const MiB = 1024 * 1024;
  assert.equal(
    progressLine({ round: 1, memoryPages: 262144, roundPages: 262144, dirtyPages: 131072, phase: 'copying' }, 512, 128),
    'round 1, 50% of the round, 512.0 MiB sent, 128.0 MiB/s, about 4.0 s left',
  );
  // Without the round's size, the first round is all of memory; a later one says no share.
  assert.equal(progressLine({ round: 1, memoryPages: 1000, dirtyPages: 250, phase: 'copying' }, 3, 1.5), `round 1, 75% of the round, 3.0 MiB sent, 1.5 MiB/s, about ${((250 * 4096) / MiB / 1.5).toFixed(1)} s left`);
  assert.equal(progressLine({ round: 3, memoryPages: 1000, dirtyPages: 0, phase: 'suspended' }, 3, 1.5), 'round 3, 3.0 MiB sent, 1.5 MiB/s, paused for the last pages');
});

test("a restore's line: the share of the file read, the rate and the time left at that rate", () => {
  assert.equal(restoreLine({ bytesRead: 256 << 20, totalBytes: 1 << 30 }, 256, 128), '25% of 1.0 GiB, 256.0 MiB read, 128.0 MiB/s, about 6.0 s left');
  // From a pipe, whose size is not known: what is read and the rate.
  assert.equal(restoreLine({ bytesRead: 3 << 20, totalBytes: 0 }, 3, 1.5), '3.0 MiB read, 1.5 MiB/s');
});
