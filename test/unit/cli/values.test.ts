import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argValues, convert, InvalidValueError, type ValueType } from '../../../src/cli/values.js';

test('each value type: what it takes and what it makes of it', () => {
  const cases: [ValueType, string, string | number][] = [
    ['int', ' -3 ', -3],
    ['int', '+7', 7],
    ['count', '2', 2],
    ['memory', '512', 512],
    ['memory', '2g', 2048],
    ['memory', '1536K', 1],
    ['seconds', '0.5', 0.5],
    ['timeout', '0', 0],
    ['vcpu', 'ALL', 'all'],
    ['vcpu', '3', 3],
    ['cpus', '5,0-2,^1', '0,2,5'],
    ['cpus', 'all', Array.from({ length: 64 }, (_, i) => i).join(',')],
    ['string', ' as is ', ' as is '],
  ];
  for (const [type, text, want] of cases) assert.equal(convert(type, text), want, `${type} ${text}`);
});

test("what each type refuses: xm's Invalid argument., or the timeout's own message", () => {
  const cases: [ValueType, string][] = [
    ['int', '1.5'],
    ['int', '0x10'],
    ['count', '0'],
    ['memory', '1.5'],
    ['seconds', '0'],
    ['vcpu', 'some'],
    ['cpus', '1-2-3'],
    ['cpus', '^x'],
  ];
  for (const [type, text] of cases) assert.throws(() => convert(type, text), (e: unknown) => e instanceof InvalidValueError && e.message === 'Invalid argument.' && e.showUsage, `${type} ${text}`);
  assert.throws(() => convert('timeout', '-1'), { message: 'Invalid timeout: -1' });
});

test('positional arguments by name; a variadic one stays out', () => {
  const v = argValues([{ name: 'Domain' }, { name: 'Mem', type: 'memory' }], ['web', '1g']);
  assert.deepEqual([v.string('Domain'), v.number('Mem'), v.has('other')], ['web', 1024, false]);
  assert.equal(argValues([{ name: 'Domain', variadic: true }], ['a', 'b']).has('Domain'), false);
});
