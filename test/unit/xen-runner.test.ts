import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { exitOf } from '../../src/hypervisor/xen/runner.js';
import { XendError } from '../../src/protocol/faults.js';

/** A stand-in for a long-running xl: sh with its stderr piped, as XenRunner.spawn gives it. */
const tool = (script: string) => spawn('sh', ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });

test("a long-running tool's end: exit 0 resolves, a failure is xend's fault in xl's last words", async () => {
  await exitOf(tool('echo progress >&2; exit 0'), 'xl', ['save']);
  await assert.rejects(
    exitOf(tool("printf 'Saving to /x\\nlibxl: error: libxl_dom.c:12:f: Domain 3:cannot map\\nxl: save failed' >&2; exit 1"), 'xl', ['save', '-p', '3', '/x']),
    (err: Error) => err instanceof XendError && err.message === 'xl save failed: Saving to /x; cannot map; xl: save failed',
  );
});

test("the caller hears every line, keeps those it wants, and makes the fault's words from them", async () => {
  const heard: string[] = [];
  const run = exitOf(tool("printf 'a\\nkeep 1\\nb\\nkeep 2' >&2; exit 1"), 'xl', ['migrate'], {
    onLine: (line) => (heard.push(line), line.startsWith('keep')),
    reason: (lines) => lines.join(' + '),
  });
  await assert.rejects(run, { message: 'xl migrate failed: keep 1 + keep 2' });
  assert.deepEqual(heard, ['a', 'keep 1', 'b', 'keep 2']);
});

test('a tool stopped by xend did not finish in time; one that crashed says its signal', async () => {
  const stopped = tool('sleep 30');
  const run = exitOf(stopped, 'xl', ['restore']);
  stopped.kill('SIGTERM');
  await assert.rejects(run, { message: 'xl restore did not finish in time' });
  await assert.rejects(exitOf(tool('kill -SEGV $$'), 'xl', ['save']), { message: 'xl save failed: killed by SIGSEGV' });
});
