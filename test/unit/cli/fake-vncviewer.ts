import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../../helpers/xend.js';

/**
 * A vncviewer on PATH that records how a background viewer was started (its
 * arguments, and its input when given -autopass), for xm start and xm create.
 */
export class FakeViewer {
  readonly dir = mkdtempSync(join(tmpdir(), 'fake-vncviewer-'));
  readonly env = { PATH: `${this.dir}:/usr/bin:/bin` };

  constructor() {
    const d = this.dir;
    writeFileSync(join(d, 'vncviewer'), `#!/bin/sh\n[ "$1" != -autopass ] || cat > ${d}/stdin\necho "$@" > ${d}/args.tmp\nmv ${d}/args.tmp ${d}/args\n`);
    chmodSync(join(d, 'vncviewer'), 0o755);
  }

  /** The arguments and input of the viewer, once it ran (it is detached: xm does not wait for it). */
  async started(): Promise<{ args: string; stdin: string | null }> {
    await eventually(async () => existsSync(join(this.dir, 'args')), 60_000);
    const stdin = join(this.dir, 'stdin');
    return { args: readFileSync(join(this.dir, 'args'), 'utf8'), stdin: existsSync(stdin) ? readFileSync(stdin, 'utf8') : null };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A domain record whose vfb has a VNC location (and a password), as xend gives it with full=1. */
export const withVnc = (record: unknown[], location: string, password = 'pw') => [...record, ['device', ['vfb', ['vnc', '1'], ['vncpasswd', password], ['location', location]]]];
