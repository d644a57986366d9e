// CheckpointService (src/daemon/checkpoint.ts), in-process on a sim host.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { quiet, SimDomains } from '../../helpers/sim-domains.js';
import { relocationHandler } from '../../../src/daemon/servers/relocation.js';

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

test('a migration cannot be cancelled once the destination has the whole domain: it says no, and the move completes', async () => {
  await running('mover');
  const y = SimDomains.open();
  let arrived!: () => void;
  const whole = new Promise<void>((resolve) => (arrived = resolve));
  let decide!: () => void;
  const decided = new Promise<void>((resolve) => (decide = resolve));
  // The destination holds its verdict until the source was asked to cancel.
  const server = createServer(relocationHandler({
    receiveRelocated: async (source) => {
      const received = await y.checkpoints.receiveRelocated(source);
      arrived();
      await decided;
      return received;
    },
    receiveByTool: () => Promise.reject(new Error('not this test')),
  }, quiet, 60_000));
  try {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const moved = x.checkpoints.migrate('mover', '127.0.0.1', false, port, false, false);
    await whole;
    assert.equal(x.checkpoints.cancel('mover'), false);
    decide();
    assert.equal((await moved).domain, 'mover');
    assert.equal(y.domains.lookup('mover').flags.paused, false);
    assert.throws(() => x.domains.lookup('mover'));
  } finally {
    server.close();
    y.close();
  }
});
