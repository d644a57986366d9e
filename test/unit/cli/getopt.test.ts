import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getopt } from '../../../src/cli/getopt.js';
import type { OptionSpec } from '../../../src/cli/spec.js';

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

test('values come back as their declared type; a bad one is refused after the syntax is checked', () => {
  const typed: OptionSpec[] = [
    { short: 'w', long: 'weight', arg: 'N', type: 'int', desc: '' },
    { long: 'timeout', arg: 'S', type: 'timeout', desc: '' },
    { long: 'state', arg: 'S', type: 'choice', choices: ['running', 'all'], desc: '' },
  ];
  const r = getopt(['-w', ' 12 ', '--timeout=0.5', '--state', 'ALL'], typed);
  assert.deepEqual([r.opts.number('weight'), r.opts.number('timeout'), r.opts.string('state')], [12, 0.5, 'ALL']);
  assert.throws(() => getopt(['-w', 'x'], typed), { message: 'Invalid argument.' });
  assert.throws(() => getopt(['-w', 'x', '-z'], typed), { message: 'option -z not recognized' });
  assert.throws(() => getopt(['--state=bogus'], typed), { message: 'invalid value for --state: bogus (expected one of running, all)' });
});

test('a negative number is an argument (xm passed mem-set -5 and domid -1 on), a clustered flag is not', () => {
  const options = [{ short: 'w', long: 'wait', desc: '' }];
  assert.deepEqual(getopt(['web', '-5'], options).args, ['web', '-5']);
  assert.throws(() => getopt(['-5x'], options), /option -5 not recognized/);
});
