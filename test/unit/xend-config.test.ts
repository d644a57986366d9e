import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeOptions, loadXendConfig, XendConfigError, xendDefaults } from '../../src/config/xend-config.js';
import { OPTION_DEFAULTS, optionTable } from '../../src/config/xend-options.js';
import type { XendOptions } from '../../src/config/xend-options.js';
import { NEEDS_EXAMPLES, XEN_EXAMPLES, exampleFiles } from '../helpers/examples.js';

const scratch = mkdtempSync(join(tmpdir(), 'xend-config-test-'));
let files = 0;
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Loads `text` as <scratch>/<n>/cfg.sxp, collecting warnings. */
function load(text: string): { options: XendOptions; warnings: string[] } {
  const dir = join(scratch, String(files++));
  mkdirSync(dir);
  const path = join(dir, 'cfg.sxp');
  writeFileSync(path, text);
  const warnings: string[] = [];
  const { options } = loadXendConfig(path, (w) => warnings.push(w));
  return { options, warnings };
}

function rejects(text: string, message: string): void {
  assert.throws(() => load(text), (err: unknown) => err instanceof XendConfigError && err.message === message, message);
}

const SHIPPED_4X = {
  'xend-relocation-server': true,
  'xend-relocation-hosts-allow': '^localhost$ ^localhost\\.localdomain$',
  'network-script': 'network-bridge',
  'vif-script': 'vif-bridge',
  'dom0-min-mem': 196,
  'enable-dom0-ballooning': true,
  total_available_memory: 0,
  'dom0-cpus': 0,
  vncpasswd: '',
  'xend-port': 8000,
  'xend-http-server': false,
  'xen-api-server': [['unix']],
} as const;

const EXPECTED: Record<string, Partial<Record<keyof XendOptions, unknown>>> = {
  'xend-config.sxp.4.1-4.4': SHIPPED_4X,
  'xend-config.sxp.4.0.0': SHIPPED_4X,
  'xend-config.sxp.3.1.0': SHIPPED_4X,
  'xend-config-xenapi.sxp.3.1.0': { ...SHIPPED_4X, 'xen-api-server': [['9363', 'none']] },
  'xend-config.sxp.3.0.0': {
    'xend-http-server': true,
    'xend-relocation-server': true,
    'xend-address': 'localhost',
    'xend-relocation-address': 'localhost',
    'xend-relocation-hosts-allow': '',
    'network-script': 'network-bridge',
    'dom0-min-mem': 196,
    'enable-dom0-ballooning': true,
    'dom0-cpus': 0,
    vncpasswd: null,
  },
};

test('every shipped xend-config example loads with the values it sets', { skip: NEEDS_EXAMPLES }, () => {
  const dir = XEN_EXAMPLES!;
  const names = exampleFiles((f) => /^xend-config.*\.sxp/.test(f));
  assert.deepEqual(names, Object.keys(EXPECTED).sort());
  for (const file of names) {
    const warnings: string[] = [];
    const loaded = loadXendConfig(join(dir, file), (w) => warnings.push(w));
    assert.equal(loaded.exists, true);
    assert.deepEqual(warnings, [], file);
    for (const [key, value] of Object.entries(EXPECTED[file] ?? {})) {
      assert.deepEqual(loaded.options[key as keyof XendOptions], value, `${file}: ${key}`);
    }
  }
});

test('a missing file gives every default', () => {
  const path = join(scratch, 'absent.sxp');
  const loaded = loadXendConfig(path, () => assert.fail('no warning expected'));
  assert.equal(loaded.exists, false);
  assert.equal(loaded.path, path);
  assert.deepEqual(loaded.options, xendDefaults());
  for (const { name } of optionTable) {
    if (name !== 'enable-dom0-ballooning') assert.deepEqual(loaded.options[name], OPTION_DEFAULTS[name], name);
  }
  assert.equal(loaded.options['enable-dom0-ballooning'], false, 'dom0-min-mem 0 ⇒ no ballooning');
  assert.equal(loaded.options['xend-unix-xmlrpc-server'], true);
  assert.equal(loaded.options.loglevel, 'DEBUG');
  assert.equal(loaded.options['xend-hypervisor'], 'sim');
  assert.equal(loaded.options['vnc-x509-cert-dir'], '/etc/xen/vnc');
  assert.deepEqual(loaded.options['pscsi-device-mask'], ['*']);
  assert.deepEqual(load('').options, xendDefaults(), 'an empty file too');
});

test('lookup: first occurrence, first value, (name) is the default, atoms ignored', () => {
  assert.equal(load('(xend-port 1)\n(xend-port 2)').options['xend-port'], 1);
  assert.equal(load('(xend-port 1 2 3)').options['xend-port'], 1);
  assert.equal(load('(xend-port)').options['xend-port'], 8000);
  assert.equal(load('(xend-port)\n(xend-port 9)').options['xend-port'], 8000, 'the first, valueless, one wins');
  assert.equal(load('(xend-port 9)\n(xend-port bad)').options['xend-port'], 9, 'later duplicates are not read');
  rejects('(xend-port bad)\n(xend-port 9)', 'invalid xend config xend-port: expected int: bad (cfg.sxp:1)');
  const { options, warnings } = load('xend-port 7 (dom0-cpus 2) stray');
  assert.equal(options['xend-port'], 8000);
  assert.equal(options['dom0-cpus'], 2);
  assert.deepEqual(warnings, []);
  assert.equal(load('(@ (a b)) (xend-port 5)').warnings.length, 0, 'a leading (@ …) is attributes');
  assert.equal(load('(xend-port 5) # (xend-port 6)').options['xend-port'], 5);
});

test('bool and int values follow Python', () => {
  const bool = (v: string): boolean => load(`(xend-http-server ${v})`).options['xend-http-server'];
  for (const v of ['yes', 'Y', '1', 'ON', 'true', 'T']) assert.equal(bool(v), true, v);
  for (const v of ['no', 'N', '0', 'Off', 'FALSE', 'f']) assert.equal(bool(v), false, v);
  const int = (v: string): number => load(`(xend-port ${v})`).options['xend-port'];
  assert.equal(int('8080'), 8080);
  assert.equal(int("' +8080 '"), 8080);
  assert.equal(int('-5'), -5);
  assert.equal(int("'- 5'"), -5);
  assert.equal(int('007'), 7);
  assert.equal(int('-0'), 0);
});

test('bad values name the option, the value and file:line', () => {
  rejects('\n(xend-port 0x10)', 'invalid xend config xend-port: expected int: 0x10 (cfg.sxp:2)');
  rejects('(xend-port 1.5)', 'invalid xend config xend-port: expected int: 1.5 (cfg.sxp:1)');
  rejects("(xend-port '')", 'invalid xend config xend-port: expected int:  (cfg.sxp:1)');
  rejects('(dom0-min-mem (196))', 'invalid xend config dom0-min-mem: expected int: (196) (cfg.sxp:1)');
  rejects('#\n#\n(xend-http-server maybe)', 'invalid xend config xend-http-server: expected bool: maybe (cfg.sxp:3)');
  rejects(
    '(enable-dom0-ballooning "yes please")',
    'invalid xend config enable-dom0-ballooning: expected bool: yes please (cfg.sxp:1)',
  );
  rejects(
    '(loglevel info)',
    'invalid xend config loglevel: expected one of DEBUG INFO WARNING ERROR CRITICAL TRACE: info (cfg.sxp:1)',
  );
  rejects('(xend-hypervisor kvm)', 'invalid xend config xend-hypervisor: expected one of sim qemu xen: kvm (cfg.sxp:1)');
  rejects('(vif-script (a b))', 'invalid xend config vif-script: expected str: (a b) (cfg.sxp:1)');
  rejects("(pscsi-device-mask '*')", 'invalid xend config pscsi-device-mask: expected list: * (cfg.sxp:1)');
});

test('unknown options warn with file:line; known ones are validated even if unused', () => {
  const { options, warnings } = load('(xend-port 9)\n\n(frobnicate 1)\n(frobnicate 2) (() x) ((a) b)');
  assert.equal(options['xend-port'], 9);
  assert.deepEqual(warnings, [
    'unknown xend config option frobnicate (cfg.sxp:3)',
    'unknown xend config option frobnicate (cfg.sxp:4)',
  ]);
});

test('a misspelt option names the one it is near', () => {
  assert.deepEqual(load('(xend-relocaton-port 8002)\n(loglvel DEBUG)').warnings, [
    'unknown xend config option xend-relocaton-port (cfg.sxp:1); did you mean xend-relocation-port?',
    'unknown xend config option loglvel (cfg.sxp:2); did you mean loglevel?',
  ]);
});

test('typed options: levels, paths, lists, our additions', () => {
  assert.equal(load('(loglevel TRACE)').options.loglevel, 'TRACE');
  const paths = load(
    '(xend-relocation-server-ssl-key-file xmlrpc.key)\n(xend-relocation-server-ssl-cert-file /abs/x.crt)\n' +
      "(xend-tcp-xmlrpc-server-ssl-key-file sub/k.pem) (vnc-x509-cert-dir vnc) (xend-tcp-xmlrpc-server-ssl-cert-file '')",
  ).options;
  assert.equal(paths['xend-relocation-server-ssl-key-file'], '/etc/xen/xmlrpc.key');
  assert.equal(paths['xend-relocation-server-ssl-cert-file'], '/abs/x.crt');
  assert.equal(paths['xend-tcp-xmlrpc-server-ssl-key-file'], 'sub/k.pem');
  assert.equal(paths['xend-tcp-xmlrpc-server-ssl-cert-file'], '');
  assert.equal(paths['vnc-x509-cert-dir'], '/etc/xen/vnc');
  assert.deepEqual(load("(pscsi-device-mask ('16:0:0:0' '15:0'))").options['pscsi-device-mask'], ['16:0:0:0', '15:0']);
  assert.deepEqual(
    load("(xen-api-server ((9363 pam '^localhost$ example\\\\.com$') (unix none)))").options['xen-api-server'],
    [['9363', 'pam', '^localhost$ example\\.com$'], ['unix', 'none']],
  );
  const ours = load('(xend-hypervisor qemu) (sim-host-cpus 16) (sim-host-memory 65536)').options;
  assert.equal(ours['xend-hypervisor'], 'qemu');
  assert.equal(ours['sim-host-cpus'], 16);
  assert.equal(ours['sim-host-memory'], 65536);
  for (const o of optionTable) {
    if (o.name.startsWith('sim-') || o.name === 'xend-hypervisor') assert.equal(o.since, 'not in xend');
  }
});

test('enable-dom0-ballooning defaults to dom0-min-mem ≠ 0', () => {
  assert.equal(load('(dom0-min-mem 0)').options['enable-dom0-ballooning'], false);
  assert.equal(load('(dom0-min-mem 256)').options['enable-dom0-ballooning'], true);
  assert.equal(load('(dom0-min-mem 256) (enable-dom0-ballooning no)').options['enable-dom0-ballooning'], false);
  assert.equal(load('(enable-dom0-ballooning yes)').options['enable-dom0-ballooning'], true);
});

test('parse errors and unreadable files are XendConfigErrors', () => {
  const fails = (text: string, message: RegExp): void =>
    assert.throws(() => load(text), (err: unknown) => err instanceof XendConfigError && message.test(err.message));
  fails('(a)\n(xend-port "8000)\n', /^invalid xend config file \/.*\/cfg\.sxp: unexpected EOF \(line 2\)$/);
  fails('(a))', /^invalid xend config file \/.*\/cfg\.sxp: syntax error: \) \(line 1\)$/);
  assert.deepEqual(load('(xend-port 8001').options['xend-port'], 8000, 'EOF in an atom drops the list, as in xend');
  assert.throws(() => loadXendConfig(scratch, () => {}), XendConfigError);
});

test('values nested deeper than 32 lists are refused while parsing, naming file and line', () => {
  const nested = (name: string, depth: number): string => `(${name} ${'('.repeat(depth)}${')'.repeat(depth)})`;
  const deepest = load(nested('xen-api-server', 31)).options['xen-api-server'];
  assert.equal(JSON.stringify(deepest), `${'['.repeat(31)}${']'.repeat(31)}`);
  for (const option of ['xen-api-server', 'dom0-min-mem']) {
    for (const depth of [32, 100_000]) {
      assert.throws(
        () => load(`(xend-port 8000)\n${nested(option, depth)}\n`),
        (err: unknown) => err instanceof XendConfigError && /^invalid xend config file \/.*\/cfg\.sxp: lists nested deeper than 32 \(line 2\)$/.test(err.message),
        `${option} ${depth}`,
      );
    }
  }
});

test('options are frozen; describeOptions lists the table in order', () => {
  const { options } = load('(xen-api-server ((unix)))');
  assert.ok(Object.isFrozen(options));
  assert.ok(Object.isFrozen(options['xen-api-server']));
  assert.throws(() => {
    (options as Record<string, unknown>)['xend-port'] = 1;
  }, TypeError);
  const described = describeOptions(options);
  assert.deepEqual(
    described.map(([n]) => n),
    optionTable.map((o) => o.name),
  );
  assert.deepEqual(described[0], ['logfile', '/var/log/xen/xend.log']);
  assert.equal(new Set(optionTable.map((o) => o.name)).size, optionTable.length, 'names are unique');
});
