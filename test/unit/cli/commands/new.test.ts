import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xm } from '../xm.js';

test('xm new FILE: the config built as create builds it, handed to xend; silent but for the file line', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'xm-new-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'g.cfg'), 'name = "g"\nmemory = 64\n');
  const r = await xm(['new', 'g.cfg'], { 'xend.domain.new': () => 0 }, { cwd: dir });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'Using config file "./g.cfg".\n', '']);
  assert.equal(r.calls[0]![0], 'xend.domain.new');
  const dry = await xm(['new', '-n', '-q', 'g.cfg'], {}, { cwd: dir });
  assert.match(dry.stdout, /^\(vm\n {4}\(name g\)\n/);
  assert.deepEqual(dry.calls, []);
});

test('xm new --help_config prints what create prints', async () => {
  const [n, c] = await Promise.all([xm(['new', '--help_config']), xm(['create', '--help_config'])]);
  assert.equal(n.code, 0);
  assert.equal(n.stdout, c.stdout);
});
