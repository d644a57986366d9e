import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, xm } from './xm.js';

describe('main: errors', () => {
  const missing = { 'xend.domain.pause': (d: string) => fault(3, d) };

  test("on a pipe, xm's exact text", async () => {
    const r = await xm(['pause', 'nosuch'], missing);
    assert.equal(r.code, 3);
    assert.equal(r.stderr, "Error: Domain 'nosuch' does not exist.\n");
  });

  test('on a terminal, Error: in bold red; plain with NO_COLOR or TERM=dumb', async () => {
    const tty = await xm(['pause', 'nosuch'], missing, { interactiveStderr: true, env: {} });
    assert.equal(tty.code, 3);
    assert.equal(tty.stderr, "\x1b[1m\x1b[31mError:\x1b[39m\x1b[22m Domain 'nosuch' does not exist.\n");
    for (const env of [{ NO_COLOR: '1' }, { TERM: 'dumb' }]) {
      const plain = await xm(['pause', 'nosuch'], missing, { interactiveStderr: true, env });
      assert.equal(plain.stderr, "Error: Domain 'nosuch' does not exist.\n", JSON.stringify(env));
    }
  });
});
