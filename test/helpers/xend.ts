import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from the compiled test file (build/test/helpers/). */
export const REPO = resolve(fileURLToPath(import.meta.url), '../../../..');
const XM = join(REPO, 'bin/xm');
const XEND = join(REPO, 'bin/xend');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a binary with a bounded wait; a hang fails the test instead of blocking CI. */
export function runBin(bin: string, args: readonly string[], env: NodeJS.ProcessEnv, opts: { input?: string; timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], { env, cwd: opts.cwd ?? REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${bin} ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 60_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
    // A command that exits without reading its input (most do, and quickly) closes the pipe first.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * A private xend on a temporary root (XEND_ROOT), started and stopped through the
 * real `xend` binary. Each test file gets its own, so files run in parallel.
 */
export class TestXend {
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(config = '', extraEnv: NodeJS.ProcessEnv = {}) {
    this.root = mkdtempSync(join(tmpdir(), 'xend-test-'));
    mkdirSync(join(this.root, 'etc/xen'), { recursive: true });
    writeFileSync(join(this.root, 'etc/xen/xend-config.sxp'), config);
    const { XM_SERVER: _s, XEND_CONFIG: _c, ...base } = process.env;
    this.env = { ...base, XEND_ROOT: this.root, XEND_SIM_SHUTDOWN_MS: '200', ...extraEnv };
  }

  static async start(config = '', extraEnv: NodeJS.ProcessEnv = {}): Promise<TestXend> {
    const x = new TestXend(config, extraEnv);
    const r = await x.xend('start');
    if (r.code !== 0) throw new Error(`xend start failed (${r.code}): ${r.stderr}`);
    return x;
  }

  xm(...args: string[]): Promise<RunResult> {
    return runBin(XM, args, this.env);
  }

  xmWith(opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; timeoutMs?: number }, ...args: string[]): Promise<RunResult> {
    return runBin(XM, args, { ...this.env, ...opts.env }, opts);
  }

  xend(...args: string[]): Promise<RunResult> {
    return runBin(XEND, args, this.env, { timeoutMs: 90_000 });
  }

  path(p: string): string {
    return join(this.root, p);
  }

  writeFile(p: string, text: string): string {
    const full = this.path(p);
    mkdirSync(resolve(full, '..'), { recursive: true });
    writeFileSync(full, text);
    return full;
  }

  async stop(): Promise<void> {
    await this.xend('stop');
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Polls `check` until it holds; the bound is generous because a busy 2-core machine is slow, not wrong. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
