import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainSxp, xm } from '../xm.js';

test("xm uptime DOM: xm's columns, the hour padded to two", async () => {
  const start = Date.now() / 1000 - (86400 + 3 * 3600 + 4 * 60 + 5);
  const r = await xm(['uptime', 'web'], { 'xend.domain': () => domainSxp({ name: 'web', domid: 3, start_time: start }) });
  assert.equal(r.code, 0);
  // The seconds may have moved on between the record and the clock xm reads.
  assert.match(r.stdout, /^Name {32}ID Uptime \nweb {34}3 1 day, {2}3:04:0[5-9]\n$/);
});

test('xm uptime --json: seconds per domain; a stopped one has 0', async () => {
  const r = await xm(['uptime', '--json'], { 'xend.domains_with_state': () => [domainSxp({ name: 'off', domid: null })] });
  assert.equal(r.stdout, '{"version":1,"short":false,"domains":[{"name":"off","domid":null,"uptime_s":0}]}\n');
});

test('xm uptime -s: one line per domain', async () => {
  const r = await xm(['uptime', '-s', 'web'], { 'xend.domain': () => domainSxp({ name: 'web', domid: 3, start_time: Date.now() / 1000 - 125 }) });
  assert.match(r.stdout, /^ \d\d:\d\d:\d\d up  0:02, web \(3\)\n$/);
});
