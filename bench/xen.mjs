// The real Xen host: `xm list` against xend in dom0 next to `xl list` in the same dom0
// (Xen 4.17 on the lane scripts/build-xen-lane.sh builds, booted under QEMU TCG), each
// command a whole process, alternated in dom0 by a timer of its own. It boots the lane with
// the helper the tests use (compiled by `npx tsc -p tsconfig.test.json`), which says when
// it cannot (XEN_LANE=off, no QEMU, no lane).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchDir, log, median, onCleanup, ratioRow } from './lib.mjs';

export const name = 'xen';
export const title = 'xm list against xl list, in dom0 on the Xen lane';

const HELPER = join(benchDir, '..', 'build', 'test', 'helpers', 'xen-lane.js');
const XEND_TCP = 8006;

/** Run in dom0 by its node: each command a process, alternated, wall ms per run. */
const TIMER = `
const { spawnSync } = require('child_process');
const [runs, warmup, ...cmds] = process.argv.slice(2);
const times = cmds.map(() => []);
for (let i = 0; i < +runs + +warmup; i++) {
  cmds.forEach((c, j) => {
    const t = process.hrtime.bigint();
    const r = spawnSync('/bin/sh', ['-c', c + ' >/dev/null 2>&1']);
    if (r.status !== 0) throw new Error(c + ': exit ' + r.status);
    if (i >= +warmup) times[j].push(Number(process.hrtime.bigint() - t) / 1e6);
  });
}
console.log(JSON.stringify(times));
`;

export async function run(ctx) {
  const unavailable = (reason) => [{ id: 'xen.list', what: 'xm list in dom0 (xend, xen backend)', unavailable: reason }];
  if (!existsSync(HELPER)) return unavailable('the lane helper is not compiled: npx tsc -p tsconfig.test.json');
  const { buildXenLane, XenLane, Dom0Xend } = await import(pathToFileURL(HELPER).href);
  const built = buildXenLane();
  if ('skip' in built) return unavailable(built.skip);
  log('xen: booting the lane');
  const lane = await XenLane.boot(built.dir, { forward: [XEND_TCP] });
  let stopping;
  const stop = () => (stopping ??= lane.stop());
  const release = onCleanup(stop);
  try {
    await Dom0Xend.start(lane, '', XEND_TCP);
    await lane.writeFile('/run/bench-timer.js', TIMER);
    const runs = Math.max(3, Math.round(ctx.runs / 2)); // a dom0 under TCG runs a command in ~0.5 s
    const cmds = ['xl list', 'cd /opt/xend && bin/xm list', 'node -e 0'];
    log(`xen: ${cmds.length} commands × (1 warm-up + ${runs} rounds), alternated in dom0`);
    const r = await lane.dom0(`node /run/bench-timer.js ${runs} 1 ${cmds.map((c) => `'${c}'`).join(' ')}`, 900_000);
    if (r.code !== 0) throw new Error(`the timer in dom0 failed: ${r.out}`);
    const times = JSON.parse(r.out.trim().split('\n').pop());
    if (times.some((t) => t.length !== runs)) throw new Error(`the timer in dom0 measured ${times.map((t) => t.length)} runs, not ${runs}`);
    const [xl, xm, node0] = times.map(median);
    const row = (id, what, subject, baseline, base, note) => ratioRow({ id: `xen.${id}`, what, baseline, subject, base, n: runs, note });
    return [
      row('list', 'xm list in dom0 (xend, xen backend)', xm, 'xl list in dom0', xl, `node -e 0 in dom0 ${node0.toFixed(0)} ms`),
      row('node', 'node -e 0 in dom0', node0, 'xl list in dom0', xl, 'the runtime xm starts in'),
    ];
  } finally {
    await stop();
    release();
  }
}
