// Reply buffers (src/daemon/servers/reply-buffers.ts): pieces joined into one buffer, its memory used again once written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyBuffers } from '../../../../src/daemon/servers/reply-buffers.js';

test('the pieces are joined in order, strings as UTF-8', () => {
  const out = new ReplyBuffers().join(['a', Buffer.from('bc'), 'é', Buffer.alloc(0), 'd']);
  assert.equal(out.toString('utf8'), 'abcéd');
  assert.equal(out.length, 6);
});

test('a released buffer serves the next reply that fits, once, and only what it wrote is sent', () => {
  const pool = new ReplyBuffers();
  const first = pool.join(['x'.repeat(1000)]);
  pool.release(first);
  pool.release(first); // twice released must not serve two replies
  const second = pool.join(['y'.repeat(10)]);
  assert.equal(second.buffer, first.buffer);
  assert.equal(second.toString(), 'y'.repeat(10));
  const third = pool.join(['z']);
  assert.notEqual(third.buffer, first.buffer);
});

test('no more than `keep` buffers, none larger than `largest`, are kept', () => {
  const pool = new ReplyBuffers(1, 100 << 10);
  const a = pool.join(['a']);
  const b = pool.join(['b']);
  pool.release(a);
  pool.release(b);
  assert.equal(pool.join(['c']).buffer, a.buffer);
  assert.notEqual(pool.join(['d']).buffer, b.buffer);
  const big = pool.join([Buffer.alloc(200 << 10)]);
  pool.release(big);
  assert.notEqual(pool.join(['e']).buffer, big.buffer);
});
