// Configs accepted at an earlier start (src/daemon/accepted-configs.ts): checked again only when they changed.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AcceptedConfigs } from '../../../src/daemon/accepted-configs.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'accepted-'));
  path = join(dir, 'accepted-configs.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Each config's name as it is checked, across one start that accepts `configs`. */
function start(configs: object[], refuse: (c: object) => boolean = () => false): string[] {
  const checked: string[] = [];
  const accepted = new AcceptedConfigs(path);
  for (const c of configs) {
    try {
      accepted.accept(c, () => {
        checked.push((c as { name: string }).name);
        if (refuse(c)) throw new Error('refused');
      });
    } catch {
      // refused: set aside by the caller
    }
  }
  accepted.save();
  return checked;
}

test('a config accepted at one start is not checked at the next; a changed or new one is', () => {
  assert.deepEqual(start([{ name: 'a', memory: 64 }, { name: 'b', memory: 64 }]), ['a', 'b']);
  assert.deepEqual(start([{ name: 'a', memory: 64 }, { name: 'b', memory: 128 }, { name: 'c' }]), ['b', 'c']);
  assert.deepEqual(start([{ name: 'a', memory: 64 }, { name: 'b', memory: 128 }, { name: 'c' }]), []);
});

test('a refused config is checked at every start', () => {
  const bad = (c: object) => (c as { name: string }).name === 'bad';
  assert.deepEqual(start([{ name: 'bad' }], bad), ['bad']);
  assert.deepEqual(start([{ name: 'bad' }], bad), ['bad']);
});

test('the file keeps the configs of the last start only', () => {
  start([{ name: 'a' }, { name: 'b' }]);
  start([{ name: 'a' }]);
  assert.equal((JSON.parse(readFileSync(path, 'utf8')) as { digests: string[] }).digests.length, 1);
  assert.deepEqual(start([{ name: 'b' }]), ['b']);
});

test('a file that is not JSON, or of another version, accepts nothing', () => {
  start([{ name: 'a' }]);
  const kept = JSON.parse(readFileSync(path, 'utf8')) as { version: string };
  writeFileSync(path, JSON.stringify({ ...kept, version: `${kept.version}-other` }));
  assert.deepEqual(start([{ name: 'a' }]), ['a']);
  writeFileSync(path, '{"version":');
  assert.deepEqual(start([{ name: 'a' }]), ['a']);
  assert.deepEqual(start([{ name: 'a' }]), []);
});
