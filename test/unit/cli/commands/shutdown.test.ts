import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOM0, domainSxp, usage, xm } from '../xm.js';

const WEB = domainSxp({ name: 'web', domid: 3 });
const ok = { 'xend.domain.shutdown': () => 0 };

test('xm shutdown DOM: one call, silent', async () => {
  const r = await xm(['shutdown', 'web'], ok);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.deepEqual(r.calls, [['xend.domain.shutdown', ['web', 'poweroff']]]);
  const halt = await xm(['shutdown', '-H', 'web'], ok);
  assert.deepEqual(halt.calls, [['xend.domain.shutdown', ['web', 'halt']]]);
});

test("xm shutdown's own rules, each with the usage", async () => {
  for (const [argv, message] of [
    [['-H', '-R', 'web'], "Can't specify halt and reboot"],
    [['-w'], 'No domain parameter given'],
    [[], "'xm shutdown' requires between 1 and 4 arguments.\n"],
    [['a', 'b'], 'No multiple domain parameters allowed'],
    [['--timeout', '5', 'web'], '--timeout needs -w'],
    [['-w', '--timeout', 'soon', 'web'], 'Invalid timeout: soon'],
    [['-w', '--timeout=-1', 'web'], 'Invalid timeout: -1'],
  ] as const) {
    const r = await xm(['shutdown', ...argv], ok);
    assert.deepEqual([r.code, r.stderr, r.stdout, r.calls], [1, `Error: ${message}\n`, usage('shutdown'), []], argv.join(' '));
  }
});

test('xm shutdown -w: waits until the domain is gone', async () => {
  let listed = 0;
  const r = await xm(['shutdown', '-w', 'web'], { ...ok, 'xend.domain': () => WEB, 'xend.domains_with_state': () => (listed++ ? [DOM0] : [DOM0, WEB]) });
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'Domain web terminated\nAll domains terminated\n');
});

test('xm shutdown -w of a paused domain: keeps waiting (xm returned at once) and says why once on stderr', async () => {
  const paused = domainSxp({ name: 'web', domid: 3, state: '--p---' });
  let listed = 0;
  const r = await xm(['shutdown', '-w', 'web'], { ...ok, 'xend.domain': () => paused, 'xend.domains_with_state': () => (listed++ < 3 ? [DOM0, paused] : [DOM0]) });
  assert.equal(r.code, 0);
  assert.equal(r.stderr, 'Domain web is paused; it will shut down when unpaused (--timeout SECONDS gives up waiting).\n');
  assert.equal(r.stdout, 'Domain web terminated\nAll domains terminated\n');
  const timed = await xm(['shutdown', '-w', '--timeout', '0', 'web'], { ...ok, 'xend.domain': () => paused, 'xend.domains_with_state': () => [DOM0, paused] });
  assert.deepEqual([timed.code, timed.stderr], [124, 'Domain web is paused; it will shut down when unpaused.\nError: Timed out after 0 seconds waiting for web\n']);
});

test('xm reboot -w: done when the name comes back under a new id', async () => {
  const r = await xm(['reboot', '-w', 'web'], { ...ok, 'xend.domain': () => WEB, 'xend.domains_with_state': () => [DOM0, domainSxp({ name: 'web', domid: 4 })] });
  assert.equal(r.code, 0);
  assert.deepEqual(r.calls[1], ['xend.domain.shutdown', ['web', 'reboot']]);
  assert.equal(r.stdout, 'Domain web rebooted\nAll domains rebooted\n');
});

test('xm shutdown -a: every running guest, not Domain-0 nor a stopped one', async () => {
  const stopped = domainSxp({ name: 'old', domid: 5, state: '---s--' });
  const r = await xm(['shutdown', '-a'], { ...ok, 'xend.domains_with_state': () => [DOM0, WEB, stopped] });
  assert.equal(r.code, 0);
  assert.deepEqual(r.calls.slice(1), [['xend.domain.shutdown', ['web', 'poweroff']]]);
});

test('xm shutdown -w --timeout 0: exit status 124 when it runs out', async () => {
  const r = await xm(['shutdown', '-w', '--timeout', '0', 'web'], { ...ok, 'xend.domain': () => WEB, 'xend.domains_with_state': () => [DOM0, WEB] });
  assert.deepEqual([r.code, r.stderr, r.stdout], [124, 'Error: Timed out after 0 seconds waiting for web\n', '']);
});

test('xm shutdown --json -w: the outcome of each domain', async () => {
  const r = await xm(['shutdown', '--json', '-w', 'web'], { ...ok, 'xend.domain': () => WEB, 'xend.domains_with_state': () => [DOM0] });
  assert.equal(
    r.stdout,
    '{"version":1,"event":{"domain":"web","outcome":"terminated"}}\n{"version":1,"mode":"poweroff","wait":true,"domains":[{"name":"web","outcome":"terminated"}]}\n',
  );
});
