import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, usage, xm } from '../xm.js';

test('xm usb-add DOM host:BUS.ADDR: one call, silent', async () => {
  const r = await xm(['usb-add', 'hvm', 'host:1.2'], { 'xend.domain.usb_add': () => 0 });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend.domain.usb_add', ['hvm', 'host:1.2']]]]);
});

test("xm usb-add to a PV guest: xend's refusal", async () => {
  const r = await xm(['usb-add', 'pv', 'host:1.2'], { 'xend.domain.usb_add': () => fault(2, "Can't add usb device to a guest with usb disabled in configure file") });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, "Error: Can't add usb device to a guest with usb disabled in configure file\n", usage('usb-add')]);
});
