import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SafeTerminal } from '../../src/cli/safe-terminal.js';

/** What the terminal gets of `chunks`, fed one after another to one filter. */
function shown(...chunks: string[]): string {
  const f = new SafeTerminal();
  return chunks.map((c) => f.push(Buffer.from(c, 'latin1')).toString('latin1')).join('');
}

test('colours, cursor movement, erasing and plain text pass untouched', () => {
  const screen = 'root@vm:~# \x1b[1;32mok\x1b[0m \x1b[2J\x1b[H\x1b[10;5H\x1b[K\x1b7\x1b8\r\nline\n';
  assert.equal(shown(screen), screen);
});

test('OSC strings go whole: a clipboard write, a window title, ended by BEL or ST', () => {
  assert.equal(shown('a\x1b]52;c;cm0gLXJmIC8K\x07b'), 'ab');
  assert.equal(shown('a\x1b]0;owned\x1b\\b'), 'ab');
  assert.equal(shown('a\x1bP+q544e\x1b\\b\x1b_apc\x1b\\c'), 'abc', 'DCS and APC too');
});

test('queries the terminal would answer by typing into the guest are dropped', () => {
  assert.equal(shown('a\x1b[6nb'), 'ab', 'cursor position report');
  assert.equal(shown('a\x1b[cb\x1b[>0cc'), 'abc', 'device attributes');
  assert.equal(shown('a\x1b[21tb'), 'ab', 'window title report');
});

test('a sequence split across chunks is recognised; an overlong one is dropped', () => {
  assert.equal(shown('a\x1b', ']52;c;', 'Zm9v\x07', 'b'), 'ab');
  assert.equal(shown('a\x1b[', '6', 'n', 'b'), 'ab');
  assert.equal(shown('a\x1b[1;3', '1m', 'b'), 'a\x1b[1;31mb');
  assert.equal(shown(`a\x1b[${'1;'.repeat(100)}mb`), 'ab');
});
