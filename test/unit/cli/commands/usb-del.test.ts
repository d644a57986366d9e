import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, xm } from '../xm.js';

test('xm usb-del DOM host:VENDOR:PRODUCT: one call, silent', async () => {
  const r = await xm(['usb-del', 'hvm', 'host:046d:c52b'], { 'xend.domain.usb_del': () => 0 });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend.domain.usb_del', ['hvm', 'host:046d:c52b']]]]);
});

test('xm usb-del of an unknown domain: exit 3', async () => {
  const r = await xm(['usb-del', 'ghost', 'host:1.2'], { 'xend.domain.usb_del': (d: string) => fault(3, d) });
  assert.deepEqual([r.code, r.stderr], [3, "Error: Domain 'ghost' does not exist.\n"]);
});
