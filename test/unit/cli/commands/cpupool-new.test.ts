import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fault, xm } from '../xm.js';

test('xm cpupool-new FILE: the same config, sent to xend.cpu_pool.new; silent but for the file used', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'xm-cpupool-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'm.cfg'), 'name = "m1"\nsched = "sedf"\n');
  const r = await xm(['pool-new', 'm.cfg'], { 'xend.cpu_pool.new': () => '6d0c5c1e-6c54-4c1c-9d3b-0b6a1c3c4e5f' }, { cwd: dir });
  assert.deepEqual([r.code, r.stdout], [0, 'Using config file "./m.cfg".\n']);
  assert.equal(r.stderr, 'Command pool-new is deprecated.  Please use xm cpupool-new instead.\n');
  assert.deepEqual(r.calls, [['xend.cpu_pool.new', [['pool', ['name_label', 'm1'], ['sched_policy', 'sedf'], ['ncpu', 1], ['proposed_CPUs'], ['other_config']]]]]);
  const dup = await xm(['cpupool-new', 'm.cfg'], { 'xend.cpu_pool.new': () => fault(2, `['PARAMETER_ERROR', 'Pool name "m1" already exists']`) }, { cwd: dir });
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /^Error: \['PARAMETER_ERROR', 'Pool name "m1" already exists'\]\n/);
});
