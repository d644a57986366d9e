import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './xend.js';

/** The QEMU test guest from Debian packages (scripts/build-test-guest.sh, cached), or why there is none. */
export function testGuest(): { dir: string } | { skip: string } {
  if (spawnSync('qemu-system-x86_64', ['--version']).status !== 0) return { skip: 'qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)' };
  const r = spawnSync(join(REPO, 'scripts/build-test-guest.sh'), { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) return { skip: `the test guest could not be built: ${r.stderr.trim()}` };
  return { dir: r.stdout.trim() };
}
