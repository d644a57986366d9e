import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainSxp, fault, usage, xm } from '../xm.js';
import { longHelp, shortHelp } from '../../../../src/cli/help.js';
import { completeLine } from '../../../../src/cli/shell-session.js';
import { shlexSplit } from '../../../../src/cli/shlex.js';

const INTRO = 'The Xen Master. Type "help" for a list of functions.\n';
const xend = { 'xend.domain': (d: string) => (d === 'web' ? domainSxp({ name: 'web', domid: 4 }) : fault(3, d)) };

test('xm shell: a prompt per line, every command in-process on one client, a failing one does not end it, end of input does', async () => {
  const r = await xm(['shell'], xend, { input: 'domid web\nxm domid ghost\nfrobnicate 1\n\n   \ndomid "web"\n' });
  assert.equal(r.stdout, `${INTRO}xm> 4\nxm> xm> *** Unknown command: frobnicate\nxm> xm> xm> 4\nxm> \n`);
  assert.equal(r.stderr, "Error: Domain 'ghost' does not exist.\n");
  assert.equal(r.code, 0);
  assert.deepEqual(r.calls.map(([m, p]) => [m, p[0]]), [['xend.domain', 'web'], ['xend.domain', 'ghost'], ['xend.domain', 'web']]);
});

test('xm shell: help, help COMMAND (a prefix will do), ?, xm help; a usage error prints the usage and goes on', async () => {
  const r = await xm(['shell'], xend, { input: 'help\nhelp domi\n? nosuchcommand\nxm help\ndomid\n' });
  assert.equal(r.stdout, `${INTRO}xm> ${shortHelp()}xm> ${usage('domid')}xm> ${shortHelp()}xm> ${longHelp()}xm> ${usage('domid')}xm> \n`);
  assert.equal(r.stderr, "Error: 'xm domid' requires 1 argument.\n\n");
  assert.equal(r.code, 0);
});

test('xm shell: quit and exit end it without reading further; a quote left open is reported', async () => {
  for (const word of ['quit', 'exit', ' quit ']) {
    const r = await xm(['shell'], xend, { input: `"domid web\n${word}\ndomid web\n` });
    assert.equal(r.stdout, `${INTRO}xm> *** No closing quotation\nxm> `);
    assert.deepEqual(r.calls, []);
  }
});

test('xm shell takes no arguments', async () => {
  const r = await xm(['shell', 'list'], {}, { input: '' });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, "Error: 'xm shell' requires 0 arguments.\n\n", usage('shell')]);
});

test("xm shell's Tab: command names for the first word and help's topic", () => {
  assert.deepEqual(completeLine('dom'), [['domid', 'domname', 'domstate'], 'dom']);
  assert.deepEqual(completeLine('help vncv'), [['vncviewer'], 'vncv']);
  assert.deepEqual(completeLine('qu'), [['quit'], 'qu']);
  assert.deepEqual(completeLine('list -l'), [[], 'list -l']);
});

test("lines are split as Python's shlex.split did", () => {
  assert.deepEqual(shlexSplit(`create cfg 'name=a b' "x=\\"y\\"" c\\ d ''`), ['create', 'cfg', 'name=a b', 'x="y"', 'c d', '']);
  assert.throws(() => shlexSplit('a "b'), /No closing quotation/);
});
