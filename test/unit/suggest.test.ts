import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suggestCommand } from '../../src/cli/suggest.js';

test('a typo one or two edits from a command names it', () => {
  assert.equal(suggestCommand('lsit'), "Did you mean 'list'?");
  assert.equal(suggestCommand('destory'), "Did you mean 'destroy'?");
  assert.equal(suggestCommand('crate'), "Did you mean 'create'?");
  assert.equal(suggestCommand('unpase'), "Did you mean 'unpause'?");
});

test('a prefix of several commands lists them, in the registry order', () => {
  assert.equal(suggestCommand('tmem-'), "'tmem-' is ambiguous: tmem-list, tmem-thaw, tmem-freeze, tmem-destroy, tmem-set, tmem-freeable, tmem-shared-auth.");
  assert.equal(suggestCommand('dom'), "'dom' is ambiguous: domid, domname, domstate.");
  assert.equal(suggestCommand('mem-'), "'mem-' is ambiguous: mem-max, mem-set.");
  assert.match(suggestCommand('vcpu-')!, /^'vcpu-' is ambiguous: vcpu-list, vcpu-pin, vcpu-set\.$/);
});

test('nothing near: no line, and short words are not "corrected" into unrelated commands', () => {
  assert.equal(suggestCommand('xyzzy'), null);
  assert.equal(suggestCommand('ab'), null);
  assert.equal(suggestCommand(''), null);
});
