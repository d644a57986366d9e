// xend's cpuid / cpuid_check (src/vm/cpuid.ts): XendConfig.parse_cpuid of what xm sent, and of what to_sxp wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCpuid } from '../../../src/vm/cpuid.js';
import { cpuidSxp, parseVmConfig, refuseCpuid, vmConfigSxp } from '../../../src/vm/config.js';
import { XendError } from '../../../src/protocol/faults.js';
import type { Sxp } from '../../../src/sxp/types.js';

const BITS = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1';
/** xm's dict as the XML-RPC decoder gives it: a plain object inside the config. */
const struct = (o: object) => o as unknown as Sxp;

test("xm's dict: hex inputs made decimal, hex values made 32 bits, bit strings kept", () => {
  const policy = parseCpuid({ '0x80000001': { ecx: '0x5' }, '4,0x1': { eax: BITS } }, 'cpuid')!;
  const byInput = new Map(policy.map(([input, regs]) => [input, new Map(regs)]));
  assert.deepEqual([...byInput.keys()].sort(), ['2147483649', '4,1']);
  assert.equal(byInput.get('2147483649')!.get('ecx'), '00000000000000000000000000000101');
  assert.equal(byInput.get('4,1')!.get('eax'), BITS);
});

test('the form to_sxp wrote reads back the same; an input given twice takes the later registers', () => {
  const policy = parseCpuid({ '1': { eax: '0x1', edx: BITS } }, 'cpuid')!;
  assert.deepEqual(parseCpuid(policy, 'cpuid'), policy);
  assert.deepEqual(parseCpuid([['1', [['eax', BITS]]], ['1', [['ebx', BITS]]]], 'cpuid'), [['1', [['ebx', BITS]]]]);
  assert.equal(parseCpuid([['0x1', [['eax', BITS]]], ['1', [['ebx', BITS]]]], 'cpuid')!.length, 1);
});

test("what xend's dict() could not take is dropped, as xend dropped it; a bad hex value is refused", () => {
  // xm's quirk: cpuid_check without cpuid arrives as its list of strings.
  assert.equal(parseCpuid(['1:eax=0x1'], 'cpuid_check'), undefined);
  assert.equal(parseCpuid(5, 'cpuid'), undefined);
  assert.deepEqual(parseCpuid('', 'cpuid'), []);
  assert.throws(() => parseCpuid({ '1': { eax: '0xzz' } }, 'cpuid'), (e: Error) => e instanceof XendError && e.message === "invalid literal for int() with base 16: '0xzz'");
});

test('a domain config keeps them, shows them after its devices, and a backend that cannot set them says so', () => {
  const c = parseVmConfig(['vm', ['name', 'c'], ['memory', 16], ['cpuid', struct({ '1': { eax: BITS } })], ['cpuid_check', struct({ '1': { ecx: BITS } })]]);
  assert.deepEqual(cpuidSxp(c), [['cpuid', [['1', [['eax', BITS]]]]], ['cpuid_check', [['1', [['ecx', BITS]]]]]]);
  assert.deepEqual(parseVmConfig(vmConfigSxp(c)), c);
  assert.throws(() => refuseCpuid(c, 'qemu', XendError), /^Error: cpuid and cpuid_check are not supported by the qemu backend$/);
  assert.doesNotThrow(() => refuseCpuid(parseVmConfig(['vm', ['name', 'c'], ['memory', 16]]), 'qemu', XendError));
  assert.throws(() => parseVmConfig(['vm', ['name', 'c'], ['memory', 16], ['cpuid', struct({ '1': { eax: 'a\u0001' } })]]), /Invalid configuration: the value of "eax"/);
});
