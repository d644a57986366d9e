// printf-style helpers (src/cli/render/format.ts): Python's %-Ws, %Ws, %W.Pf and %Wd, padding from shared runs of spaces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixed, int, left, right } from '../../../../src/cli/render/format.js';

test('left and right pad as String#padEnd and padStart do, at any width, and never cut', () => {
  for (const w of [0, 1, 5, 40, 41, 80]) {
    for (const v of ['', 'x', 'bench0001', 'é日本', 'a'.repeat(60), 12, null]) {
      assert.equal(left(v, w), String(v).padEnd(w), `left ${JSON.stringify(v)} ${w}`);
      assert.equal(right(v, w), String(v).padStart(w), `right ${JSON.stringify(v)} ${w}`);
    }
  }
});

test('fixed and int: %W.Pf and Python int() of the value, right-aligned', () => {
  assert.equal(fixed(0.31222, 8, 1), '     0.3');
  assert.equal(fixed(123456789.06, 8, 1), '123456789.1');
  assert.equal(int(63.9, 5), '   63');
  assert.equal(int(-0.5, 5), '    0');
  assert.equal(int(-7.9, 5), '   -7');
});
