import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPlugged, unplugged } from '../../src/hypervisor/xen/plugged.js';
import type { XenRunner } from '../../src/hypervisor/xen/runner.js';
import type { Sxp } from '../../src/sxp/types.js';

const vif = (mac: string): Sxp => ['device', ['vif', ['mac', mac], ['bridge', 'xenbr0']]];
const disk = (dev: string): Sxp => ['device', ['vbd', ['uname', 'phy:/dev/loop0'], ['dev', dev], ['mode', 'w']]];
/** xenstore-ls -f of a domain's frontends, as the runner returns it. */
const xenstore = (stdout: string) => ({ run: async () => ({ stdout, stderr: '' }) }) as unknown as XenRunner;

test("interfaces are matched by MAC, not by place: the second stays once the first is detached behind xend's back", async () => {
  const a = vif('00:16:3e:00:00:0a');
  const b = vif('00:16:3E:00:00:0B');
  // xl detached devid 0 (A); B keeps devid 1 for its life.
  const plugged = (await readPlugged(
    xenstore('/local/domain/5/device/vif/1/mac = "00:16:3e:00:00:0b"\n/local/domain/5/device/vif/1/state = "4"\n/local/domain/5/device/vbd/51712/state = "4"\n'),
    5,
  ))!;
  assert.deepEqual(unplugged([a, b, disk('xvda')], plugged), [a]);
  // The next poll: the record holds B alone, still plugged.
  assert.deepEqual(unplugged([b, disk('xvda')], plugged), []);
  assert.deepEqual(unplugged([disk('xvdb')], plugged), [disk('xvdb')]);
  // An interface whose MAC xend does not know is not taken for gone.
  assert.deepEqual(unplugged([['device', ['vif', ['bridge', 'xenbr0']]]], plugged), []);
});
