import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultXendConfig } from '../../src/cli/gen/default-config.js';
import { optionTable } from '../../src/config/xend-options.js';
import { loadXendConfig, xendDefaults } from '../../src/config/xend-config.js';

const text = defaultXendConfig('test');

test('the shipped xend-config.sxp loads as every default, commented or not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'default-config-'));
  try {
    for (const [label, body] of [
      ['as shipped', text],
      ['every option uncommented', text.replace(/^#\(/gm, '(')],
    ] as const) {
      const path = join(dir, 'xend-config.sxp');
      writeFileSync(path, body);
      const warnings: string[] = [];
      const { options } = loadXendConfig(path, (w) => warnings.push(w));
      assert.deepEqual(warnings, [], label);
      assert.deepEqual(options, xendDefaults(), label);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the shipped xend-config.sxp shows every option of the table once, with what it does', () => {
  for (const o of optionTable) {
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith(`#(${o.name} `) || l === `#(${o.name})`);
    assert.ok(at > 0, `${o.name} is shown`);
    assert.equal(lines.filter((l) => l.startsWith(`#(${o.name} `) || l === `#(${o.name})`).length, 1, `${o.name} once`);
    assert.match(lines[at - 1]!, /^# \S/, `${o.name} has its description above it`);
  }
});
