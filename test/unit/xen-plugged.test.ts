import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPlugged, unplugged } from '../../src/hypervisor/xen/plugged.js';
import type { XenRunner } from '../../src/hypervisor/xen/runner.js';
import type { Sxp } from '../../src/sxp/types.js';

const vif = (mac: string): Sxp => ['device', ['vif', ['mac', mac], ['bridge', 'xenbr0']]];
const disk = (dev: string): Sxp => ['device', ['vbd', ['uname', 'phy:/dev/loop0'], ['dev', dev], ['mode', 'w']]];
/** A runner whose xenstore-ls prints `stdout` for /local/domain (and records what it was asked). */
function xenstore(stdout: string): XenRunner & { asked: string[][] } {
  const asked: string[][] = [];
  return { asked, run: async (cmd: string, args: string[]) => (asked.push([cmd, ...args]), { stdout, stderr: '' }) } as unknown as XenRunner & { asked: string[][] };
}

test("interfaces are matched by MAC, not by place: the second stays once the first is detached behind xend's back", async () => {
  const a = vif('00:16:3e:00:00:0a');
  const b = vif('00:16:3E:00:00:0B');
  // xl detached devid 0 (A); B keeps devid 1 for its life.
  const runner = xenstore('/local/domain/5/device = ""\n/local/domain/5/device/vif/1/mac = "00:16:3e:00:00:0b"\n/local/domain/5/device/vif/1/state = "4"\n/local/domain/5/device/vbd/51712/state = "4"\n');
  const plugged = (await readPlugged(runner))!.get(5)!;
  assert.deepEqual(runner.asked, [['xenstore-ls', '-f', '/local/domain']]);
  assert.deepEqual(unplugged([a, b, disk('xvda')], plugged), [a]);
  // The next poll: the record holds B alone, still plugged.
  assert.deepEqual(unplugged([b, disk('xvda')], plugged), []);
  assert.deepEqual(unplugged([disk('xvdb')], plugged), [disk('xvdb')]);
  // An interface whose MAC xend does not know is not taken for gone.
  assert.deepEqual(unplugged([['device', ['vif', ['bridge', 'xenbr0']]]], plugged), []);
});

test('one listing serves every domain; a domain xenstore does not list is not judged, one with an empty frontend directory is', async () => {
  const listing = [
    '/local/domain/0 = ""',
    '/local/domain/0/name = "Domain-0"',
    '/local/domain/0/backend/vbd/15/51712/state = "4"',
    '/local/domain/5 = ""',
    '/local/domain/5/device = ""',
    '/local/domain/15 = ""',
    '/local/domain/15/device = ""',
    '/local/domain/15/device/vbd/51712 = ""',
    '/local/domain/15/device/vbd/51712/state = "4"',
    '/local/domain/15/device/vif/0/mac = "00:16:3e:00:00:0f"',
    '',
  ].join('\n');
  const all = (await readPlugged(xenstore(listing)))!;
  assert.deepEqual([...all.keys()].sort((x, y) => x - y), [5, 15]);
  // Domain 5's frontends are all gone; domain 15's disk and interface are its own, not 5's (nor dom0's backends).
  assert.deepEqual(unplugged([disk('xvda')], all.get(5)!), [disk('xvda')]);
  assert.deepEqual(unplugged([disk('xvda'), vif('00:16:3e:00:00:0f')], all.get(15)!), []);
  assert.equal(all.get(7), undefined);
});

test('xenstore not answering is nothing known', async () => {
  const failing = { run: async () => Promise.reject(new Error('xenstore-ls: could not connect')) } as unknown as XenRunner;
  assert.equal(await readPlugged(failing), null);
});
