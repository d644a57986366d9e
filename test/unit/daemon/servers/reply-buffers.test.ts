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

test('a held buffer serves another reply only once every holder has let go', () => {
  const pool = new ReplyBuffers();
  const kept = pool.join(['k'.repeat(100)]);
  pool.hold(kept); // a write of it
  pool.hold(kept); // another
  pool.release(kept); // the listing retired
  pool.release(kept); // one write done
  assert.notEqual(pool.join(['a']).buffer, kept.buffer, 'still being written');
  pool.release(kept); // the last write done
  pool.release(kept); // once more: ignored
  assert.equal(pool.join(['b']).buffer, kept.buffer);
  assert.notEqual(pool.join(['c']).buffer, kept.buffer);
  const outside = Buffer.from('not lent');
  pool.hold(outside);
  pool.release(outside);
  assert.notEqual(pool.join(['d']).buffer, outside.buffer, 'a buffer not lent is never taken in');
});

test('a reply near the largest kept size is kept: its room to grow stops there', () => {
  const pool = new ReplyBuffers(8, 1 << 20);
  const near = pool.join([Buffer.alloc(900 << 10)]);
  assert.equal(near.buffer.byteLength, 1 << 20);
  pool.release(near);
  assert.equal(pool.join(['x']).buffer, near.buffer);
});
