import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS, GLOBAL_OPTIONS, findCommand } from '../../../src/cli/registry.js';
import { arity } from '../../../src/cli/spec.js';
import { commandHelp, longHelp, shortHelp, wrap } from '../../../src/cli/help.js';

// virsh's self-test idea: walk the registry and check every entry is complete.
test('every command is complete: help, usage, a loadable handler with run and text', async () => {
  const names = new Set<string>();
  for (const c of COMMANDS) {
    assert.ok(!names.has(c.name), `duplicate ${c.name}`);
    names.add(c.name);
    assert.ok(c.help.length > 0, `${c.name} has help`);
    const m = await c.load();
    assert.equal(typeof m.run, 'function', `${c.name}.run`);
    assert.equal(typeof m.text, 'function', `${c.name}.text`);
    assert.ok(commandHelp(c).startsWith(`Usage: xm ${c.name} ${c.usage}\n\n${c.help}\n`));
    if (c.notes) assert.ok(commandHelp(c).replace(/\s+/g, ' ').includes(c.notes), `${c.name}: its notes in --help`);
    assert.ok(longHelp().includes(` ${c.name.padEnd(20)} `), `${c.name} in xm help`);
  }
});

test('xm console --help says how to leave: Ctrl-] detaches, Ctrl-C goes to the guest', () => {
  const help = commandHelp(COMMANDS.find((c) => c.name === 'console')!);
  assert.match(help.replace(/\s+/g, ' '), /Ctrl-\] detaches and leaves the domain running; every other key, Ctrl-C and Ctrl-D included, goes to the guest\./);
});

test('arguments: required ones first, only the last variadic, values typed by kind', () => {
  for (const c of COMMANDS) {
    c.args.forEach((a, k) => {
      const where = `${c.name} ${a.name}`;
      if (a.required) assert.ok(c.args.slice(0, k).every((b) => b.required), `${where}: no optional argument before a required one`);
      if (a.variadic) assert.equal(k, c.args.length - 1, `${where}: only the last is variadic`);
      if (a.type) assert.equal(a.kind, 'value', `${where}: a typed argument is a value`);
      if (a.choices) assert.equal(a.kind, 'value', `${where}: choices are for values`);
    });
    const { min, max } = arity(c);
    assert.ok(min <= max, `${c.name} arg bounds`);
    if (c.arityError) assert.ok(min !== 0 || max !== Infinity, `${c.name}: an arity message needs bounds`);
  }
});

test('options: a value has a type that fits what completion and the parser use', () => {
  for (const c of [...COMMANDS, { name: 'global', options: GLOBAL_OPTIONS }]) {
    for (const o of c.options) {
      const where = `${c.name} --${o.long}`;
      if (!o.arg) assert.equal(o.type, undefined, `${where}: a flag has no value type`);
      assert.equal(o.choices !== undefined, o.type === 'choice', `${where}: choices iff type choice`);
      assert.equal(o.domains !== undefined, o.type === 'domain', `${where}: a domain filter iff type domain`);
      if (o.optionalArg) assert.ok(o.arg, `${where}: an optional value still has a metavariable`);
    }
  }
});

test('one --timeout: every command that has one parses it the same way', () => {
  const timeouts = COMMANDS.flatMap((c) => c.options.filter((o) => o.long === 'timeout'));
  assert.ok(timeouts.length >= 3);
  for (const t of timeouts) assert.deepEqual([t.arg, t.type], ['SECONDS', 'timeout']);
});

test('every domain argument says which domains it accepts (for completion)', () => {
  for (const c of COMMANDS) {
    for (const a of c.args) {
      if (a.kind === 'domain') assert.ok(a.domains, `${c.name} ${a.name}`);
    }
  }
});

test('options: unique long and short names per command', () => {
  for (const c of COMMANDS) {
    const longs = c.options.map((o) => o.long);
    const shorts = c.options.flatMap((o) => (o.short ? [o.short] : []));
    assert.equal(new Set(longs).size, longs.length, c.name);
    assert.equal(new Set(shorts).size, shorts.length, c.name);
  }
});

test('lookup: exact, alias, unique prefix longer than one letter', () => {
  assert.equal(findCommand('list')?.spec.name, 'list');
  assert.equal(findCommand('li')?.spec.name, 'list');
  assert.equal(findCommand('l'), undefined);
  assert.equal(findCommand('balloon')?.deprecatedAlias, 'balloon');
  assert.equal(findCommand('d'), undefined);
  assert.equal(findCommand('dm')?.spec.name, 'dmesg');
  assert.equal(findCommand('do'), undefined, 'domid and domname share the prefix');
});

test('help rows use xm layout: " %-20s %-50s", wrapped descriptions indented 22', () => {
  const help = longHelp();
  assert.ok(help.startsWith('Usage: xm <subcommand> [args]\n\nControl, list, and manipulate Xen guest instances.\n\nxm full list of subcommands:\n\n'));
  assert.match(help, /^ vcpu-set {13}Set the number of active VCPUs allowed for the {4}\n {22}domain\.\n/m);
  assert.match(shortHelp(), /\n\nFor a complete list of subcommands run 'xm help'\.\n$/);
});

test('an option added here says so in its text, and only those are left out of xm\'s arg_check count', () => {
  for (const c of [...COMMANDS, { name: 'global', options: GLOBAL_OPTIONS }]) {
    for (const o of c.options) {
      if (o.hidden) assert.ok(o.added || !GLOBAL_OPTIONS.includes(o), `${c.name} --${o.long}`);
      else assert.equal(Boolean(o.added), /not in xm/.test(o.desc), `${c.name} --${o.long}: added iff its text says "not in xm"`);
    }
  }
});

test("xm <cmd> --help in cmdHelp's layout: continuation lines unpadded, a blank line only after an option table", () => {
  const help = (name: string) => commandHelp(COMMANDS.find((c) => c.name === name)!);
  assert.equal(help('pause'), 'Usage: xm pause <Domain>\n\nPause execution of a domain.\n');
  assert.equal(
    help('sched-credit'),
    'Usage: xm sched-credit [-d <Domain> [-w[=WEIGHT]|-c[=CAP]]]\n\nGet/set credit scheduler parameters.\n' +
      '  -d DOMAIN, --domain=DOMAIN     Domain to modify                           \n' +
      '  -w WEIGHT, --weight=WEIGHT     Weight (int)                               \n' +
      '  -c CAP, --cap=CAP              Cap (int)                                  \n\n',
  );
  assert.equal(
    help('save'),
    'Usage: xm save [-c] <Domain> <CheckpointFile>\n\nSave a domain state to restore later.\n  -c, --checkpoint               Leave domain running after creating        \n                                 snapshot\n\n',
  );
});

test('xm create/new/migrate --help: their module\'s Options list (opts.py), -h first, long keys on a line of their own', () => {
  const help = commandHelp(COMMANDS.find((c) => c.name === 'migrate')!);
  assert.ok(
    help.startsWith(
      'Usage: xm migrate <Domain> <Host>\n\nMigrate a domain to another machine.\n\nOptions:\n\n-h, --help           Print this help.\n-l, --live           Use live migration.\n' +
        '-p=portnum, --port=portnum\n                     Use specified port for migration.\n',
    ),
    help,
  );
  assert.ok(help.endsWith('\n\n'));
});

test("xm's wrap: a text under the width is one line; a first word too long leaves an empty line, as opts.py's did", () => {
  assert.deepEqual(wrap('short', 10), ['short']);
  assert.deepEqual(wrap('one two three four', 10), ['one two', 'three', 'four']);
  assert.deepEqual(wrap('abcdefghijkl x', 10), ['', 'abcdefghijkl', 'x']);
  assert.deepEqual(wrap('a b\nc d e f g h', 8), ['a b', 'c d e', 'f g h']);
});

/** xm 4.4's SUBCOMMAND_HELP keys (tools/python/xen/xm/main.py at RELEASE-4.4.0), in its order. */
const XM_44_COMMANDS = [
  'shell', 'console', 'vncviewer', 'create', 'destroy', 'help', 'list', 'mem-max', 'mem-set', 'migrate', 'pause', 'reboot', 'reset', 'restore', 'save',
  'shutdown', 'top', 'unpause', 'uptime', 'new', 'delete', 'start', 'resume', 'suspend', 'dmesg', 'domid', 'domname', 'dump-core', 'info', 'log', 'rename',
  'sched-sedf', 'sched-credit', 'sched-credit2', 'sysrq', 'debug-keys', 'trigger', 'vcpu-list', 'vcpu-pin', 'vcpu-set', 'usb-add', 'usb-del', 'domstate',
  'block-attach', 'block-configure', 'block-detach', 'block-list', 'network-attach', 'network-detach', 'network-list', 'network2-attach', 'network2-detach',
  'network2-list', 'vnet-create', 'vnet-delete', 'vnet-list', 'pci-attach', 'pci-detach', 'pci-list', 'pci-list-assignable-devices', 'scsi-attach',
  'scsi-detach', 'scsi-list', 'usb-attach', 'usb-detach', 'usb-list', 'usb-list-assignable-devices', 'usb-hc-create', 'usb-hc-destroy', 'tmem-list',
  'tmem-thaw', 'tmem-freeze', 'tmem-destroy', 'tmem-set', 'tmem-freeable', 'tmem-shared-auth', 'cpupool-create', 'cpupool-new', 'cpupool-start',
  'cpupool-list', 'cpupool-destroy', 'cpupool-delete', 'cpupool-cpu-add', 'cpupool-cpu-remove', 'cpupool-migrate', 'addlabel', 'rmlabel', 'getlabel',
  'dry-run', 'resources', 'dumppolicy', 'setpolicy', 'resetpolicy', 'getpolicy', 'labels', 'serve', 'getenforce', 'setenforce',
];

test("every command of xm 4.4's SUBCOMMAND_HELP is in the registry and in xm help", () => {
  assert.equal(XM_44_COMMANDS.length, 98);
  const help = longHelp();
  // `help` is main's own, listed by xm help as xm listed it.
  const missing = XM_44_COMMANDS.filter((name) => name !== 'help' && !COMMANDS.some((c) => c.name === name));
  assert.deepEqual(missing, []);
  for (const name of XM_44_COMMANDS.filter((n) => n !== 'help')) assert.match(help, new RegExp(`^ ${name.padEnd(20)} \\S`, 'm'), `${name} in xm help`);
  const extra = COMMANDS.filter((c) => !XM_44_COMMANDS.includes(c.name)).map((c) => c.name);
  assert.deepEqual(extra, [], 'no command xm 4.4 did not have');
});
