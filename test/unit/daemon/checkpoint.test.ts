// CheckpointService (src/daemon/checkpoint.ts), in-process on a sim host.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SimDomains } from '../../helpers/sim-domains.js';

let x: SimDomains;
beforeEach(() => (x = SimDomains.open()));
afterEach(() => x.close());

/** A running domain, as `xm create` leaves one (xend builds it paused; xm unpauses it). */
async function running(name: string): Promise<void> {
  await x.domains.create(['vm', ['name', name], ['memory', 16]]);
  await x.domains.unpause(name);
}

test('a cancel that said yes wins even once the image is written: the domain runs on, no file', async () => {
  await running('late');
  const d = x.domains.lookup('late');
  const file = join(x.dir, 'late.chk');
  // The cancel arrives between the guest's memory and the file's last bytes (console record, sync).
  const saveImage = x.sim.saveImage.bind(x.sim);
  let answered: boolean | undefined;
  x.sim.saveImage = async (...args) => {
    const stats = await saveImage(...args);
    answered = x.checkpoints.cancel(String(d.domid));
    return stats;
  };
  await assert.rejects(x.checkpoints.save('late', file, false), { message: 'Save cancelled' });
  assert.equal(answered, true);
  assert.equal(existsSync(file), false);
  assert.equal(x.domains.lookup('late').flags.paused, false);
  assert.equal(x.checkpoints.cancel('late'), false, 'nothing in flight after');
});

test('a cancel once the save is written whole finds nothing to cancel', async () => {
  await running('done');
  const file = join(x.dir, 'done.chk');
  // A checkpoint's unpause is the last step; a cancel then is too late and says so.
  const unpause = x.sim.unpause.bind(x.sim);
  let answered: boolean | undefined;
  x.sim.unpause = async (...args) => {
    answered = x.checkpoints.cancel('done');
    return unpause(...args);
  };
  await x.checkpoints.save('done', file, true);
  assert.equal(answered, false);
  assert.equal(existsSync(file), true);
  assert.equal(x.domains.lookup('done').flags.paused, false);
});
