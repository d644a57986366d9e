// mkdir -p without Node's recursive mkdir (src/make-dirs.ts).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeDirs } from '../../src/make-dirs.js';

const dir = mkdtempSync(join(tmpdir(), 'xend-make-dirs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the missing parents are made with the mode, and the first one made is returned', () => {
  const deep = join(dir, 'a', 'b', 'c');
  assert.equal(makeDirs(deep, 0o700), join(dir, 'a'));
  for (const d of ['a', 'a/b', 'a/b/c']) assert.equal(statSync(join(dir, d)).mode & 0o777, 0o700 & ~process.umask());
  assert.equal(makeDirs(deep), undefined, 'there already');
  assert.equal(makeDirs(join(deep, 'd')), join(deep, 'd'));
});

test('a path through `.` or `..` of folders still missing, or a link to a folder, is made as mkdir -p makes it', () => {
  // Written out, not joined: join() would take the dots away.
  makeDirs(`${dir}/p/q/../r`);
  assert.ok(statSync(join(dir, 'p', 'q')).isDirectory());
  assert.ok(statSync(join(dir, 'p', 'r')).isDirectory());
  makeDirs(`${dir}/s/./t/.`);
  assert.ok(statSync(join(dir, 's', 't')).isDirectory());
  assert.equal(makeDirs(`${dir}/u/..`), `${dir}/u`, 'the folder made; `..` itself was there');
  symlinkSync(join(dir, 'p'), join(dir, 'link'));
  assert.equal(makeDirs(join(dir, 'link')), undefined);
  assert.equal(makeDirs(join(dir, 'link', 'v')), join(dir, 'link', 'v'));
});

test('a dangling link in the way is mkdir\'s error', () => {
  symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
  assert.throws(() => makeDirs(join(dir, 'dangling')), { code: 'EEXIST', syscall: 'mkdir' });
});

test('a file in the way is an error', () => {
  const file = join(dir, 'file');
  writeFileSync(file, '');
  assert.throws(() => makeDirs(file), { code: 'EEXIST' });
  assert.throws(() => makeDirs(join(file, 'below')), { code: 'ENOTDIR' });
});

test('under /proc, where Node\'s recursive mkdir never returns, it fails at once', () => {
  // In a child: a regression would spin, and a spin in this process could not be timed out.
  const module = pathToFileURL(join(import.meta.dirname, '../../src/make-dirs.js')).href;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import { makeDirs } from ${JSON.stringify(module)};
try { makeDirs('/proc/xend-make-dirs/run/xend'); } catch (err) { console.log(err.code); }`], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.signal, null, 'finished');
  assert.equal(r.stdout.trim(), 'ENOENT', r.stderr);
});
