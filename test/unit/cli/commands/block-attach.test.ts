import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, usage, xm } from '../xm.js';

const create = 'xend.domain.device_create';

test('xm block-attach sends parse_block_configuration\'s device, its class from the uname', async () => {
  const r = await xm(['block-attach', 'web', 'file:/img/a.img', 'xvdb', 'w'], { [create]: () => ['vbd', ['dom', 1, 'id', 51728]] });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.deepEqual(r.calls, [[create, ['web', ['vbd', ['uname', 'file:/img/a.img'], ['dev', 'xvdb'], ['mode', 'w']]]]]);
  const tap = await xm(['block-attach', 'web', 'tap:aio:/img/a.img', 'xvdc', 'r', '0'], { [create]: () => null });
  assert.deepEqual(tap.calls[0]![1][1], ['tap', ['uname', 'tap:aio:/img/a.img'], ['dev', 'xvdc'], ['mode', 'r'], ['backend', '0']]);
  const tap2 = await xm(['block-attach', 'web', 'tap2:vhd:/img/a.vhd', 'xvdd', 'r'], { [create]: () => null });
  assert.equal((tap2.calls[0]![1][1] as unknown[])[0], 'tap2');
});

test("xm block-attach: xend's refusal, then the usage; arg_check's count", async () => {
  const r = await xm(['block-attach', 'web', 'file:/a', 'xvdb', 'w'], { [create]: () => fault(2, 'The device "xvdb" is already defined') });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: The device "xvdb" is already defined\n', usage('block-attach')]);
  const few = await xm(['block-attach', 'web', 'file:/a', 'xvdb']);
  assert.deepEqual([few.code, few.stderr, few.stdout, few.calls], [1, "Error: 'xm block-attach' requires between 4 and 5 arguments.\n\n", usage('block-attach'), []]);
  const gone = await xm(['block-attach', 'nope', 'file:/a', 'xvdb', 'w'], { [create]: () => fault(3, 'nope') });
  assert.deepEqual([gone.code, gone.stderr], [3, "Error: Domain 'nope' does not exist.\n"]);
});
