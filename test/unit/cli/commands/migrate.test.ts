import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainSxp, fault, usage, xm } from '../xm.js';

const WEB = domainSxp({ name: 'web', domid: 3, uuid: '11111111-2222-3333-4444-555555555555' });
const xend = { 'xend.domain': () => WEB, 'xend.domain.migrate': () => ({ totalMs: 40, downtimeMs: 5, bytes: 4096, pages: 1, rounds: 2, checksum: 'abc' }) };

test('xm migrate [-l] [-p port] [-n node] DOM HOST: the options in xend\'s order; silent', async () => {
  const r = await xm(['migrate', '-l', '-p', ' +8002 ', 'web', 'peer'], xend);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.deepEqual(r.calls.find(([m]) => m === 'xend.domain.migrate'), ['xend.domain.migrate', ['web', 'peer', true, 8002, -1, null, false]]);
});

test('xm migrate --json: the figures of the migration', async () => {
  const r = await xm(['migrate', '--json', '-s', '-c', '-n', '1', 'web', 'peer'], xend);
  assert.deepEqual(r.calls.find(([m]) => m === 'xend.domain.migrate'), ['xend.domain.migrate', ['web', 'peer', false, 0, 1, true, true]]);
  assert.equal(r.stdout, '{"version":1,"domain":"web","destination":"peer","total_ms":40,"downtime_ms":5,"bytes":4096,"pages":1,"rounds":2,"checksum":"abc"}\n');
});

test('xm migrate argument errors, each with the usage and no call', async () => {
  for (const [argv, message] of [
    [['web'], 'Invalid number of arguments'],
    [['web', 'peer', 'more'], 'Invalid number of arguments'],
    [['-p', 'http', 'web', 'peer'], 'Invalid argument.'],
    [['-n', '1.5', 'web', 'peer'], 'Invalid argument.'],
    [['--timeout', 'never', 'web', 'peer'], 'Invalid timeout: never'],
  ] as const) {
    const r = await xm(['migrate', ...argv], xend);
    assert.deepEqual([r.code, r.stderr, r.stdout, r.calls], [1, `Error: ${message}\n`, usage('migrate'), []], argv.join(' '));
  }
});

test('xm migrate: a destination that cannot be reached is a runtime failure, printed without the usage', async () => {
  const refused = "can't connect: Connection refused\nNo relocation server answered at peer:8002; the destination's xend-config.sxp needs (xend-relocation-server yes), port 8002 by default";
  const r = await xm(['migrate', 'web', 'peer'], { ...xend, 'xend.domain.migrate': () => fault(1, refused) });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, `Error: ${refused}\n`, '']);
});

test('xm migrate on a terminal ends with a summary on stderr; on a pipe or with --json it prints nothing more', async () => {
  const big = { ...xend, 'xend.domain.migrate': () => ({ totalMs: 3200, downtimeMs: 6, bytes: 1024 ** 3, pages: 262144, rounds: 3, checksum: 'abc' }) };
  const tty = await xm(['migrate', '-l', 'web', 'peer'], big, { interactiveStderr: true });
  assert.deepEqual([tty.code, tty.stdout, tty.stderr], [0, '', 'Migrated web to peer in 3.2 s, 1.0 GiB, downtime 6 ms\n']);
  const pipe = await xm(['migrate', '-l', 'web', 'peer'], big);
  assert.deepEqual([pipe.stdout, pipe.stderr], ['', '']);
  const json = await xm(['migrate', '--json', 'web', 'peer'], big, { interactiveStderr: true });
  assert.equal(json.stderr, '');
});
