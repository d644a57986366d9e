import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { domainSxp, fault, usage, xm } from '../xm.js';
import { FakeViewer, withVnc } from '../fake-vncviewer.js';
import { Validator, type Schema } from '../../../helpers/json-schema.js';

const schema = JSON.parse(readFileSync(new URL('../../../../../docs/xm-json.schema.json', import.meta.url), 'utf8')) as Schema;

function configDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'xm-create-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'g.cfg'), 'name = "g"\nmemory = 64\n');
  return dir;
}

const created = domainSxp({ name: 'g', domid: 5, memory: 64, state: '--p---', status: 1 });
const xend = (extra = {}) => ({
  'xend.domain.create': () => created,
  'xend.domain.waitForDevices': () => 0,
  'xend.domain.unpause': () => 0,
  ...extra,
});

test('xm create FILE: the config found on the path, created, unpaused', async (t) => {
  const dir = configDir(t);
  const r = await xm(['create', 'g.cfg'], xend(), { cwd: dir });
  assert.equal(r.code, 0);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'Using config file "./g.cfg".\nStarted domain g (id=5)\n');
  assert.deepEqual(
    r.calls.map(([m]) => m),
    ['xend.domain.create', 'xend.domain.waitForDevices', 'xend.domain.unpause'],
  );
  const quiet = await xm(['create', '-q', '-p', 'g.cfg', 'memory=32'], xend(), { cwd: dir });
  assert.deepEqual([quiet.code, quiet.stdout], [0, '']);
  assert.deepEqual(quiet.calls.map(([m]) => m), ['xend.domain.create', 'xend.domain.waitForDevices'], '-p leaves it paused');
  assert.match(JSON.stringify(quiet.calls[0]![1]), /\["memory",32\]/, 'VAR=VAL overrides the file');
});

test('xm create -n: the SXP it would send, nothing sent', async (t) => {
  const r = await xm(['create', '-n', 'g.cfg'], {}, { cwd: configDir(t) });
  assert.equal(r.code, 0);
  assert.deepEqual(r.calls, []);
  assert.match(r.stdout, /^Using config file "\.\/g\.cfg"\.\n\(vm\n {4}\(name g\)\n {4}\(memory 64\)\n/);
});

test("xm create (and -n) of a config whose kernel, ramdisk or loader is not here: configure_image's error, nothing sent", async (t) => {
  const dir = configDir(t);
  writeFileSync(join(dir, 'vmlinuz'), 'a kernel');
  for (const [vars, message] of [
    [['kernel=/boot/vmlinuz-2.6.10-xenU'], 'Cannot find kernel "/boot/vmlinuz-2.6.10-xenU"'],
    [['kernel=vmlinuz', 'ramdisk=/nonexistent/initrd'], 'Cannot find ramdisk "/nonexistent/initrd"'],
    [['builder=hvm', 'kernel=hvmloader', 'loader=/usr/lib/xen/boot/nowhere'], 'Cannot find loader "/usr/lib/xen/boot/nowhere"'],
  ] as const) {
    for (const dry of [[], ['-n']]) {
      const r = await xm(['create', ...dry, 'g.cfg', ...vars], xend(), { cwd: dir });
      assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [1, 'Using config file "./g.cfg".\n', `Error: ${message}\n`, []], `${dry} ${vars}`);
    }
  }
  // A kernel that exists (relative to here, made absolute), hvmloader by name, or one a bootloader fetches: no check.
  for (const vars of [['kernel=vmlinuz'], ['builder=hvm', 'kernel=hvmloader'], ['bootloader=/usr/bin/pygrub', 'kernel=/in/the/guest']]) {
    const r = await xm(['create', '-n', 'g.cfg', ...vars], {}, { cwd: dir });
    assert.equal(r.code, 0, `${vars}: ${r.stderr}`);
  }
});

test('xm create of a file that is not there: the usage follows', async (t) => {
  const r = await xm(['create', 'nosuch.cfg'], {}, { cwd: configDir(t) });
  const looked = 'Looked in: ., /nonexistent/xend-root/etc/xen (--path=DIR:DIR sets the directories)';
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, `Error: Unable to open config file: nosuch.cfg\n${looked}\n`, usage('create')]);
  const path = await xm(['create', '--path=/srv/xen:/etc/xen', 'nosuch.cfg'], {}, { cwd: configDir(t) });
  assert.equal(path.stderr, 'Error: Unable to open config file: nosuch.cfg\nLooked in: ., /srv/xen, /etc/xen (--path=DIR:DIR sets the directories)\n');
  // An absolute name is not searched for: xm's line alone.
  const absolute = await xm(['create', '/srv/nosuch.cfg'], {}, { cwd: configDir(t) });
  assert.equal(absolute.stderr, 'Error: Unable to open config file: /srv/nosuch.cfg\n');
});

test('xm create: a domain that cannot be unpaused is destroyed', async (t) => {
  const r = await xm(['create', 'g.cfg'], xend({ 'xend.domain.unpause': () => fault(1, 'no'), 'xend.domain.destroy': () => 0 }), { cwd: configDir(t) });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error: Failed to unpause domain g\n');
  assert.deepEqual(r.calls.at(-1), ['xend.domain.destroy', ['g']]);
});

test("xm create: xend's refusal is printed alone, without the usage, as xm's create did", async (t) => {
  const r = await xm(['create', '-q', 'g.cfg'], xend({ 'xend.domain.create': () => fault(1, "Domain 'g' already exists with ID '4'") }), { cwd: configDir(t) });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, "Error: Domain 'g' already exists with ID '4'\n", '']);
});

test('xm create --json: the config file and the record after unpause', async (t) => {
  const r = await xm(['create', '--json', 'g.cfg'], xend({ 'xend.domain': () => domainSxp({ name: 'g', domid: 5 }) }), { cwd: configDir(t) });
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(doc), ['version', 'config_file', 'domain']);
  assert.deepEqual([doc.config_file, doc.domain.name, doc.domain.power_state], ['./g.cfg', 'g', 'running']);
});

test("xm create --help_config: create.py's list of config variables, nothing else done", async () => {
  const r = await xm(['create', '--help_config']);
  assert.equal(r.code, 0);
  assert.deepEqual(r.calls, []);
  assert.ok(r.stdout.startsWith('\nValues:\n\n'));
  assert.match(r.stdout, /^memory=MEMORY {8}The initial memory of the domain, in MiB\.$/m);
  assert.match(r.stdout, /^vncconsole=VNCCONSOLE\n {21}\S/m, 'a long NAME=VAL puts its text on the next line');
  const doc = JSON.parse((await xm(['create', '--json', '--help_config'])).stdout);
  assert.deepEqual(new Validator(schema).validate(doc, '#/$defs/create-help-config'), []);
  assert.deepEqual(doc.config_variables.find((v: { name: string }) => v.name === 'memory'), { name: 'memory', metavar: 'MEMORY', help: 'The initial memory of the domain, in MiB.' });
});

test('xm create with vncconsole=yes, or --vncviewer: a viewer of the VNC server in the background once xend reports it', async () => {
  for (const how of [['vncconsole=yes'], ['--vncviewer']]) {
    const viewer = new FakeViewer();
    try {
      const r = await xm(['create', '-q', '/dev/null', 'name=g', 'vfb=vnc=1', ...how], xend({ 'xend.domain': () => withVnc(created, '127.0.0.1:5900') }), { env: viewer.env });
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
      assert.deepEqual(await viewer.started(), { args: '127.0.0.1:0\n', stdin: null });
    } finally {
      viewer.dispose();
    }
  }
});
