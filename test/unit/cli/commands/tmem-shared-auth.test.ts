import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

const UUID = '01234567-89ab-cdef-0123-456789abcdef';

test("xm tmem-shared-auth: xend's number is the exit status, as xm returned it from the command", async () => {
  const done = await xm(['tmem-shared-auth', '1', `--uuid=${UUID}`, '--auth=1'], { 'xend.node.tmem_shared_auth': () => 1 });
  assert.deepEqual([done.code, done.stdout, done.stderr, done.calls], [1, '', '', [['xend.node.tmem_shared_auth', [1, UUID, 1]]]]);
  const nothing = await xm(['tmem-shared-auth', '-a', '-u', UUID], { 'xend.node.tmem_shared_auth': () => 0 });
  assert.deepEqual([nothing.code, nothing.calls[0]![1]], [0, [-1, UUID, 0]]);
  const json = await xm(['tmem-shared-auth', '1', '-u', UUID, '--json'], { 'xend.node.tmem_shared_auth': () => 1 });
  assert.deepEqual([json.code, json.stdout], [0, '{"version":1,"result":1}\n']);
});

test('xm tmem-shared-auth needs a target and a uuid', async () => {
  const none = await xm(['tmem-shared-auth', '-u', UUID]);
  assert.deepEqual([none.code, none.stderr, none.stdout], [1, 'Error: You must specify -a or --all or a domain id.\n', usage('tmem-shared-auth')]);
  const noUuid = await xm(['tmem-shared-auth', '-a']);
  assert.deepEqual([noUuid.code, noUuid.stderr], [1, 'Error: You must specify --uuid.\n']);
});
