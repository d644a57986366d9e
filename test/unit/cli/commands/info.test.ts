import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xm } from '../xm.js';

const NODE = [
  ['system', 'Linux'],
  ['host', 'box'],
  ['nr_cpus', 4],
  ['total_memory', 8192],
  ['xen_caps', null],
];

test('xm info: the pairs after the first, the key padded to 23', async () => {
  const r = await xm(['info'], { 'xend.node.info': () => NODE });
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'host                   : box\nnr_cpus                : 4\ntotal_memory           : 8192\nxen_caps               : (none)\n');
  assert.deepEqual(r.calls, [['xend.node.info', [0]]]);
});

test('xm info -n asks for NUMA figures; --json names the object host', async () => {
  const r = await xm(['info', '-n', '--json'], { 'xend.node.info': () => NODE });
  assert.deepEqual(r.calls, [['xend.node.info', [1]]]);
  assert.equal(r.stdout, '{"version":1,"host":{"host":"box","nr_cpus":4,"total_memory":8192,"xen_caps":null}}\n');
});

test('xm info -c: xend-config.sxp read here, without xend; padded to 38', async () => {
  const r = await xm(['info', '-c']);
  assert.equal(r.code, 0);
  assert.deepEqual(r.calls, []);
  assert.match(r.stdout, /^logfile {31}: /m);
});

test("xm info: arg_check's 0 to 1 words as typed (an option counts, a word beyond is ignored); an unknown option is getopt's", async () => {
  const node = { 'xend.node.info': () => [['host', 'h'], ['release', 'r']] };
  const extra = await xm(['info', 'x'], node);
  assert.deepEqual([extra.code, extra.stdout, extra.stderr], [0, 'release                : r\n', '']);
  const two = await xm(['info', '-c', '-n']);
  assert.equal(two.stderr, "Error: 'xm info' requires between 0 and 1 arguments.\n\n");
  assert.match(two.stdout, /^Usage: xm info /);
  const bad = await xm(['info', '-z']);
  assert.equal(bad.stderr, 'Error: option -z not recognized\n');
  assert.match(bad.stdout, /^Usage: xm info \[-c\|--config\] \[-n\|--numa\]\n/);
});
