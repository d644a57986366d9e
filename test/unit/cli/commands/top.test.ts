import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOM0, domainSxp, usage, xm } from '../xm.js';

const xend = {
  'xend.node.info': () => [['system', 'Linux'], ['nr_cpus', 4], ['cpu_mhz', 2000], ['total_memory', 4096], ['free_memory', 1024], ['xen_major', 4], ['xen_minor', 4], ['xen_extra', '.0']],
  'xend.domains_with_state': () => [DOM0, domainSxp({ name: 'web', domid: 3, memory: 1024 })],
};

test("xm top --once: one frame in xentop's layout", async () => {
  const r = await xm(['top', '--once'], xend);
  assert.equal(r.code, 0);
  const lines = r.stdout.split('\n');
  assert.match(lines[0]!, /^xentop - \d\d:\d\d:\d\d {3}Xen 4\.4\.0$/);
  assert.equal(lines[1], '2 domains: 1 running, 1 blocked, 0 paused, 0 crashed, 0 dying, 0 shutdown ');
  assert.equal(lines[2], 'Mem: 4194304k total, 3145728k used, 1048576k free    CPUs: 4 @ 2000MHz');
  assert.match(lines[3]!, /^ {6}NAME {2}STATE {3}CPU\(sec\) CPU\(%\)/);
  assert.match(lines[5]!, /^ {7}web --b--- {10}1 {4}0\.0 {4}1048576 {3}25\.0/);
});

test('xm top with a bad delay or count: Invalid argument.', async () => {
  for (const argv of [['-d', 'soon'], ['-d', '0'], ['-i', '0'], ['-i', 'x']]) {
    const r = await xm(['top', ...argv], xend);
    assert.deepEqual([r.code, r.stderr, r.stdout, r.calls], [1, 'Error: Invalid argument.\n', usage('top'), []], argv.join(' '));
  }
});

test("xm top: arg_check's 0 words, counting none of the options added here (--once, -d, -i)", async () => {
  const r = await xm(['top', '--once', '-d', '2', '-i1'], xend);
  assert.equal(r.code, 0);
  const extra = await xm(['top', 'web'], xend);
  assert.deepEqual([extra.code, extra.stderr, extra.stdout], [1, "Error: 'xm top' requires 0 arguments.\n\n", usage('top')]);
});
