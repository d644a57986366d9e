// Runs the compiled test files of the named suites (build/test/<suite>/) with Node's
// test runner. The files are listed here, not passed as folders: Node 20 expands a
// folder, Node 22+ takes globs instead, and a list means the same on every line.
// Subfolders count (unit/cli/commands/list.test.js): a prefix matches the path inside
// the suite, so `unit/cli` runs that folder and `integration/commands` its files so named.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const suites = process.argv.slice(2);
if (!suites.length) {
  console.error('usage: node scripts/test.mjs <suite>[/<prefix>]... (unit, integration, reliability, xen; integration/commands for its files named commands*, unit/cli for a folder)');
  process.exit(2);
}
const files = suites.flatMap((arg) => {
  const [suite, ...rest] = arg.split('/');
  const prefix = rest.join('/');
  return readdirSync(join(root, 'build/test', suite), { recursive: true })
    .map((f) => f.split(sep).join('/'))
    .filter((f) => f.startsWith(prefix) && f.endsWith('.test.js'))
    .sort()
    .map((f) => join('build/test', suite, f));
});
// The Xen lane runs alone, after the rest: its guests' clocks are the host's, and what
// runs beside it starves the emulator (libxl's minute for a guest to suspend ran out).
const lane = (f) => f.startsWith(join('build/test', 'xen') + sep);
const phases = [files.filter((f) => !lane(f)), files.filter(lane)].filter((p) => p.length);
let status = 0;
for (const phase of phases) {
  // A test stuck for 10 minutes fails instead of holding the run forever. On Node 20 the bound
  // is a whole file's: the lane's one file (a boot, 19 tests, a migration that may try six
  // guests) gets 45.
  const timeout = phase.some(lane) ? 2_700_000 : 600_000;
  const run = spawnSync(process.execPath, ['--test', '--test-concurrency=2', `--test-timeout=${timeout}`, ...phase], { cwd: root, stdio: 'inherit' });
  status ||= run.status ?? 1;
}
process.exit(status);
