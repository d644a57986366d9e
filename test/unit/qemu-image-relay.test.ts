import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendImage } from '../../src/hypervisor/qemu/image-relay.js';
import type { QmpClient } from '../../src/hypervisor/qemu/qmp.js';

test('a QEMU migration that fails before QEMU connects fails the save instead of leaving it waiting', { timeout: 30_000 }, async () => {
  const sent: string[] = [];
  const qmp = {
    execute: async (command: string) => {
      sent.push(command);
      return command === 'query-migrate' ? { status: 'failed', 'error-desc': 'Unable to connect' } : {};
    },
  } as unknown as QmpClient;
  const socket = join(mkdtempSync(join(tmpdir(), 'qemu-relay-')), 'out.mig');
  await assert.rejects(sendImage(qmp, socket, { write: async () => {} }, { live: true, suspend: async () => {} }), /^Error: QEMU migration failed: Unable to connect$/);
  assert.ok(sent.includes('migrate') && sent.includes('migrate_cancel'));
});
