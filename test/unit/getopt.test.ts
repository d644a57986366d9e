import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getopt } from '../../src/cli/getopt.js';
import type { OptionSpec } from '../../src/cli/spec.js';

const opts: OptionSpec[] = [
  { short: 'l', long: 'long', desc: '' },
  { long: 'state', arg: '<state>', desc: '' },
  { long: 'stamp', desc: '' },
  { short: 'p', long: 'path', arg: 'PATH', desc: '' },
  { short: 'w', long: 'wait', desc: '' },
  { short: 'a', long: 'all', desc: '' },
];

test('interleaved options and arguments, clusters, values', () => {
  const r = getopt(['dom', '-wa', '--state=running', '-p', '/x', 'more', '-p/y'], opts);
  assert.deepEqual(r.args, ['dom', 'more']);
  assert.equal(r.opts.get('wait'), true);
  assert.equal(r.opts.get('all'), true);
  assert.equal(r.opts.get('state'), 'running');
  assert.equal(r.opts.get('path'), '/y');
});

test('-- ends options; unique prefixes of long options', () => {
  const r = getopt(['--lo', '--', '-l'], opts);
  assert.deepEqual(r.args, ['-l']);
  assert.equal(r.opts.get('long'), true);
});

test("Python getopt's error texts", () => {
  assert.throws(() => getopt(['-x'], opts), { message: 'option -x not recognized' });
  assert.throws(() => getopt(['--nope'], opts), { message: 'option --nope not recognized' });
  assert.throws(() => getopt(['-p'], opts), { message: 'option -p requires argument' });
  assert.throws(() => getopt(['--path'], opts), { message: 'option --path requires argument' });
  assert.throws(() => getopt(['--wait=1'], opts), { message: 'option --wait must not have an argument' });
  assert.throws(() => getopt(['--sta'], opts), { message: 'option --sta not a unique prefix' });
});
