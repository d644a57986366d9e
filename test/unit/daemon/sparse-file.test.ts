import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sparseSink } from '../../../src/daemon/sparse-file.js';

test('a sparse sink writes the stream as it came, whole zero blocks left as holes (at its end too)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sparse-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A header that puts the zero blocks off the file's block boundaries, a zero run, data, and a zero tail.
  const stream = Buffer.concat([Buffer.from('header of 20 bytes..'), Buffer.alloc(4 << 20), Buffer.alloc(10_000, 7), Buffer.alloc(4 << 20)]);
  for (const chunk of [1000, 4096, 65_536, stream.length]) {
    const path = join(dir, `f${chunk}`);
    const file = await open(path, 'w');
    const sink = sparseSink(file);
    for (let at = 0; at < stream.length; at += chunk) await sink.write(stream.subarray(at, at + chunk));
    await sink.finish();
    await file.close();
    assert.ok(readFileSync(path).equals(stream), `chunks of ${chunk}`);
    assert.ok(statSync(path).blocks * 512 < 1 << 20, `chunks of ${chunk}: ${statSync(path).blocks} blocks for ${stream.length} bytes`);
  }
});
