import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, TestXend, eventually, runBin, type RunResult } from '../helpers/xend.js';
import { Tmux, killTmuxServer, shellQuote } from '../helpers/tmux.js';
import { Validator, type Schema } from '../helpers/json-schema.js';
import { EXIT_TIMEOUT, EXIT_UNKNOWN_DOMAIN } from '../../src/cli/errors.js';
import { COMMANDS } from '../../src/cli/registry.js';

const COMPLETIONS = join(REPO, 'completions');
const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Runs a program with a bounded wait. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv, cwd = REPO, timeoutMs = 20_000): Promise<RunResult> {
  return new Promise((done) => {
    execFile(file, args, { env, cwd, timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: unknown }).code as number | null) ?? null : 0;
      done({ code: typeof code === 'number' ? code : null, stdout, stderr });
    });
  });
}

/** `xm __complete` candidates (values only; directives kept as `\t<name>`). */
function candidates(r: RunResult): string[] {
  assert.equal(r.code, 0, `exit status 0 (stderr: ${r.stderr})`);
  assert.equal(r.stderr, '', 'nothing on stderr');
  return r.stdout.split('\n').filter(Boolean).map((l) => (l.startsWith('\t') ? l : l.split('\t')[0]!));
}

/** Types each line, presses Tab, and checks what the line became; a fresh prompt between cases. */
async function tabCases(t: Tmux, prompt: string, cases: readonly [string, string][]): Promise<void> {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const atPrompt = async () =>
    eventually(async () => t.screen().trimEnd().split('\n').pop() === prompt.trimEnd()).catch(() => {
      throw new Error(`no fresh prompt; screen:\n${t.screen()}`);
    });
  for (const [n, [typed, expected]] of cases.entries()) {
    await atPrompt();
    t.send(typed, 'Tab');
    // Typed ahead: the shell reads it after the completion, so it marks where the cursor was.
    t.send(`#${n}`);
    await t.waitFor(new RegExp(`^${escape(prompt + expected)}#${n}$`, 'm'));
    t.send('', 'C-c');
  }
}

const TAB_CASES: readonly [string, string][] = [
  ['xm unp', 'xm unpause '],
  ['xm unpause ', 'xm unpause par1 '],
  ['xm pause w', 'xm pause web:1 '],
  ['xm list --state=ru', 'xm list --state=running '],
  ['xm create nam', 'xm create name='],
  ['xm create -F READ', 'xm create -F README.md '],
  ['xm create --path=scr', 'xm create --path=scripts/'],
];

describe('shell integration', () => {
  let x: TestXend;
  let down: TestXend;
  let bin: string;
  let env: NodeJS.ProcessEnv;
  let tmuxSocket: string;
  const terminals: Tmux[] = [];

  before(async () => {
    x = await TestXend.start();
    down = new TestXend(); // a root where no xend runs
    for (const args of [['/dev/null', 'name=run1'], ['/dev/null', 'name=web:1'], ['-p', '/dev/null', 'name=par1']]) {
      const r = await x.xm('create', ...args, 'memory=64');
      assert.equal(r.code, 0, r.stderr);
    }
    await eventually(async () => /^par1 .*--p---/m.test((await x.xm('list')).stdout));
    // `xm` on PATH, as an installed xm would be.
    bin = x.path('bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'xm'), `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(join(REPO, 'bin/xm'))} "$@"\n`);
    chmodSync(join(bin, 'xm'), 0o755);
    env = { ...x.env, PATH: `${bin}:${process.env.PATH}` };
    tmuxSocket = x.path('tmux.sock');
  });

  after(async () => {
    for (const t of terminals) t.kill();
    killTmuxServer(tmuxSocket);
    await x.dispose();
    rmSync(down.root, { recursive: true, force: true });
  });

  describe('xm __complete against a real xend', () => {
    test('domain names, filtered by what each command accepts', async () => {
      const complete = async (...words: string[]) => candidates(await x.xm('__complete', String(words.length - 1), ...words));
      assert.deepEqual(await complete('pause', ''), ['run1', 'web:1'], 'running ones for pause, not Domain-0 (xend refuses it)');
      assert.deepEqual(await complete('unpause', ''), ['par1'], 'paused ones for unpause');
      assert.deepEqual(await complete('destroy', ''), ['par1', 'run1', 'web:1']);
      assert.deepEqual(await complete('list', 'run1', ''), ['Domain-0', 'par1', 'web:1']);
      assert.deepEqual(await complete('pause', 'r'), ['run1']);
      assert.deepEqual(await complete('--json', 'unpause', 'p'), ['par1']);
      const line = (await x.xm('__complete', '1', 'unpause', '')).stdout;
      assert.match(line, /^par1\tid \d+ --p---\n$/, 'with its id and state as the description');
    });

    test('subcommands, options and choices need no xend', async () => {
      const complete = async (...words: string[]) => candidates(await down.xm('__complete', String(words.length - 1), ...words));
      assert.deepEqual(await complete('unp'), ['unpause']);
      assert.deepEqual(await complete('list', '--state='), ['--state=running', '--state=paused', '--state=halted', '--state=suspended', '--state=crashed', '--state=unknown', '--state=all']);
      assert.deepEqual(await complete('shutdown', '--w'), ['--wait']);
      assert.deepEqual(await complete('create', '-F', ''), ['\tfiles']);
    });

    test('xend stopped: nothing, exit 0, no stderr', async () => {
      const r = await down.xm('__complete', '1', 'pause', '');
      assert.deepEqual(r, { code: 0, stdout: '', stderr: '' });
    });

    test('xend that accepts and never answers: nothing, and the deadline holds', async () => {
      const root = mkdtempSync(join(tmpdir(), 'xm-hung-'));
      const socket = join(root, 'var/run/xend/xmlrpc.sock');
      mkdirSync(join(root, 'var/run/xend'), { recursive: true });
      const server: Server = createServer((s) => s.on('data', () => {}));
      await new Promise<void>((r) => server.listen(socket, r));
      try {
        // Without the completion deadline this waits forever, and runBin's bound fails it.
        const r = await runBin(join(REPO, 'bin/xm'), ['__complete', '1', 'pause', ''], { ...process.env, XEND_ROOT: root, XM_SERVER: '' });
        assert.deepEqual(r, { code: 0, stdout: '', stderr: '' });
      } finally {
        server.close();
        rmSync(root, { recursive: true, force: true });
      }
    });
  });

  describe('bash', () => {
    /** Calls _xm as bash's programmable completion would, and returns COMPREPLY. */
    async function bashComplete(words: string[], line: string, opts: { env?: NodeJS.ProcessEnv; cwd?: string; prelude?: string } = {}): Promise<string[]> {
      const script = [
        opts.prelude ?? `source ${shellQuote(join(COMPLETIONS, 'xm.bash'))}`,
        `COMP_WORDS=(${words.map(shellQuote).join(' ')}); COMP_CWORD=${words.length - 1}`,
        `COMP_LINE=${shellQuote(line)}; COMP_POINT=${line.length}`,
        '_xm xm "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"',
        'printf "%s\\n" "${COMPREPLY[@]}"',
      ].join('\n');
      const r = await run('bash', ['--norc', '--noprofile', '-c', script], opts.env ?? env, opts.cwd);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      return r.stdout.split('\n').filter(Boolean);
    }

    test('the example from the issue: COMP_WORDS=(xm unp) completes to unpause', async () => {
      const script = `source ${shellQuote(join(COMPLETIONS, 'xm.bash'))}; COMP_WORDS=(xm unp); COMP_CWORD=1; _xm; printf "%s\\n" "\${COMPREPLY[@]}"`;
      const r = await run('bash', ['-c', script], env);
      assert.deepEqual(r, { code: 0, stdout: 'unpause\n', stderr: '' });
    });

    test('live domain names: paused ones for unpause, running ones for pause', async () => {
      assert.deepEqual(await bashComplete(['xm', 'unpause', ''], 'xm unpause '), ['par1']);
      assert.deepEqual(await bashComplete(['xm', 'pause', ''], 'xm pause '), ['run1', 'web:1']);
    });

    test('words bash split at = and : are put back together, and only the last piece is replaced', async () => {
      assert.deepEqual(await bashComplete(['xm', 'list', '--state', '=', 'ru'], 'xm list --state=ru'), ['running']);
      assert.deepEqual((await bashComplete(['xm', 'list', '--state', '='], 'xm list --state=')).length, 7);
      assert.deepEqual(await bashComplete(['xm', 'pause', 'web', ':'], 'xm pause web:'), ['1']);
      assert.deepEqual(await bashComplete(['xm', 'create', 'on_crash', '=', 'coredump-r'], 'xm create on_crash=coredump-r'), ['coredump-restart']);
    });

    test('file arguments complete file names', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'xm-files-'));
      try {
        writeFileSync(join(dir, 'guest.sxp'), '(vm)');
        mkdirSync(join(dir, 'guests'));
        assert.deepEqual(await bashComplete(['xm', 'create', '-F', 'gu'], 'xm create -F gu', { cwd: dir }), ['guest.sxp', 'guests']);
        assert.deepEqual(await bashComplete(['xm', 'create', '--path', '=', 'gu'], 'xm create --path=gu', { cwd: dir }), ['guests'], 'directories for --path');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('xend down: no candidates and no noise', async () => {
      assert.deepEqual(await bashComplete(['xm', 'pause', ''], 'xm pause ', { env: { ...down.env, PATH: env.PATH } }), []);
    });

    test('installed where bash-completion looks, it loads on demand', { skip: !existsSync('/usr/share/bash-completion/bash_completion') && 'bash-completion is not installed (Debian package bash-completion)' }, async () => {
      const data = x.path('xdg');
      mkdirSync(join(data, 'bash-completion/completions'), { recursive: true });
      copyFileSync(join(COMPLETIONS, 'xm.bash'), join(data, 'bash-completion/completions/xm'));
      const prelude = [
        'source /usr/share/bash-completion/bash_completion',
        'if declare -F _comp_load >/dev/null; then _comp_load xm; else __load_completion xm; fi',
        '[[ $(complete -p xm) == "complete -F _xm xm" ]] || exit 9',
      ].join('\n');
      assert.deepEqual(await bashComplete(['xm', 'unpause', ''], 'xm unpause ', { env: { ...env, XDG_DATA_HOME: data }, prelude }), ['par1']);
    });

    test('in an interactive bash under tmux, Tab completes names, values and files', { skip: !has('tmux') && 'tmux is not installed (Debian package tmux)' }, async () => {
      const t = new Tmux(tmuxSocket, 'PS1="$ " exec bash --norc --noprofile', env);
      terminals.push(t);
      t.send(`source ${shellQuote(join(COMPLETIONS, 'xm.bash'))}; cd ${shellQuote(REPO)}`, 'Enter');
      await tabCases(t, '$ ', TAB_CASES);
    });
  });

  test('zsh: Tab completes names, values and files', { skip: (!has('zsh') && 'zsh is not installed (Debian package zsh)') || (!has('tmux') && 'tmux is not installed (Debian package tmux)') }, async () => {
    const t = new Tmux(tmuxSocket, 'PS1="%% " exec zsh -f', env);
    terminals.push(t);
    t.send(`fpath=(${shellQuote(COMPLETIONS)} $fpath); autoload -U compinit; compinit -u -D; cd ${shellQuote(REPO)}; echo READY`, 'Enter');
    await t.waitFor(/^READY$/m);
    await tabCases(t, '% ', TAB_CASES);
  });

  describe('man pages', () => {
    const pages = ['xm.1', 'xend.8', 'xend-config.sxp.5', 'xmdomain.cfg.5'];

    test('groff renders every page without a warning', { skip: !has('groff') && 'groff is not installed (Debian package groff-base)' }, async () => {
      for (const page of pages) {
        const r = await run('groff', ['-man', '-Tutf8', '-ww', '-z', join(REPO, 'man', page)], process.env);
        assert.deepEqual({ code: r.code, stderr: r.stderr }, { code: 0, stderr: '' }, page);
      }
    });

    test('man -l shows xm(1) with its sections', { skip: !has('man') && 'man is not installed (Debian package man-db)' }, async () => {
      const r = await run('man', ['-l', join(REPO, 'man/xm.1')], { ...process.env, MANWIDTH: '100' });
      assert.equal(r.code, 0, r.stderr);
      for (const heading of ['SYNOPSIS', 'DOMAIN SUBCOMMANDS', 'XEN HOST SUBCOMMANDS', 'DOMAIN STATES', 'EXIT STATUS', 'ENVIRONMENT', 'FILES', 'EXAMPLES']) {
        assert.match(r.stdout, new RegExp(`^${heading}$`, 'm'), heading);
      }
      assert.match(r.stdout, /^ +xm unpause <Domain>$/m);
      assert.match(r.stdout, /^ +124 +A +--timeout +ran +out/m);
    });
  });

  test('generated files are fresh (scripts/generate.mjs --check)', async () => {
    const r = await run(process.execPath, [join(REPO, 'scripts/generate.mjs'), '--check'], process.env, REPO, 60_000);
    assert.equal(r.code, 0, `${r.stderr}\nRun \`node scripts/generate.mjs\` and commit the result.`);
  });

  test('generate.mjs --check notices a stale or stray file', async () => {
    const out = x.path('gen');
    const generate = (...args: string[]) => run(process.execPath, [join(REPO, 'scripts/generate.mjs'), ...args, '--out', out], process.env, REPO, 60_000);
    assert.equal((await generate()).code, 0);
    assert.equal((await generate('--check')).code, 0);
    writeFileSync(join(out, 'man/xm.1'), `${readFileSync(join(out, 'man/xm.1'), 'utf8')}.\\" edited\n`);
    const stale = await generate('--check');
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /out of date: man\/xm\.1/);
    await generate();
    writeFileSync(join(out, 'completions/old'), '');
    const stray = await generate('--check');
    assert.equal(stray.code, 1);
    assert.match(stray.stderr, /not generated: completions\/old/);
  });

  describe('--json documents validate against docs/xm-json.schema.json', () => {
    const schemaText = readFileSync(join(REPO, 'docs/xm-json.schema.json'), 'utf8');
    const schema = JSON.parse(schemaText) as Schema;
    const validator = new Validator(schema);

    test('the schema: every definition once (JSON.parse keeps the last of duplicate keys), every $ref resolves', () => {
      const defs = Object.keys((schema as { $defs: object }).$defs);
      for (const name of defs) assert.equal(schemaText.split(`\n    "${name}": {`).length - 1, 1, `$defs/${name} is defined once`);
      assert.equal(schemaText.match(/^ {4}"[^"]+": \{$/gm)?.length, defs.length, 'no definition is shadowed');
      for (const m of schemaText.matchAll(/"\$ref": "#\/\$defs\/([^"]+)"/g)) assert.ok(defs.includes(m[1]!), `$ref ${m[1]}`);
    });

    test('every command has its documents in the schema', () => {
      const defsOf: Record<string, string[]> = {
        console: ['console'], create: ['create', 'create-dryrun'], destroy: ['action'], domid: ['domid'], domname: ['domid'],
        list: ['list'], 'mem-set': ['action'], migrate: ['migrate', 'event'], pause: ['action'], reboot: ['shutdown', 'event'],
        rename: ['action'], restore: ['restore'], save: ['save'], shutdown: ['shutdown', 'event'], unpause: ['action'],
        uptime: ['uptime'], 'vcpu-list': ['vcpu-list'], 'vcpu-set': ['action'], dmesg: ['dmesg'], info: ['info', 'info-config'], log: ['log'],
        new: ['create', 'create-dryrun'], delete: ['action'], 'dump-core': ['dump-core'], 'mem-max': ['action'], reset: ['action'],
        resume: ['start'], start: ['start'], suspend: ['action'], sysrq: ['action'], trigger: ['action'], top: ['top'],
        domstate: ['domstate'], 'vcpu-pin': ['action'], 'sched-credit': ['sched-credit', 'action'],
        'debug-keys': ['debug-keys'], 'vnet-list': ['vnet-list'], 'vnet-create': ['vnet-change'], 'vnet-delete': ['vnet-change'],
        'tmem-list': ['tmem-list'], 'tmem-thaw': ['tmem-result'], 'tmem-freeze': ['tmem-result'], 'tmem-destroy': ['tmem-result'],
        'tmem-set': ['tmem-set'], 'tmem-freeable': ['tmem-freeable'], 'tmem-shared-auth': ['tmem-result'],
        labels: ['labels'], addlabel: ['label-change'], rmlabel: ['label-change'], getlabel: ['label'], 'dry-run': ['dry-run', 'event'],
        resources: ['resources'], dumppolicy: ['dumppolicy'], getpolicy: ['getpolicy'],
        // Without a security module these always fail: their only document is the error.
        setpolicy: ['error'], resetpolicy: ['error'], getenforce: ['error'], setenforce: ['error'],
        // shell's commands print their own documents; serve's output is xend's XML-RPC.
        vncviewer: ['vncviewer'], shell: [], serve: [],
        ...Object.fromEntries(['block-attach', 'block-detach', 'block-configure', 'network-attach', 'network-detach', 'network2-attach', 'network2-detach'].map((c) => [c, ['device-action']])),
        ...Object.fromEntries(['block-list', 'network-list', 'network2-list'].map((c) => [c, ['device-list']])),
        'sched-credit2': ['sched-credit2', 'action'], 'sched-sedf': ['sched-sedf'],
        'cpupool-create': ['cpupool-config', 'create-help-config'], 'cpupool-new': ['cpupool-config', 'create-help-config'], 'cpupool-list': ['cpupool-list'],
        ...Object.fromEntries(['cpupool-start', 'cpupool-destroy', 'cpupool-delete', 'cpupool-cpu-add', 'cpupool-cpu-remove', 'cpupool-migrate'].map((c) => [c, ['pool-action']])),
        ...Object.fromEntries(
          ['pci-attach', 'pci-detach', 'scsi-attach', 'scsi-detach', 'usb-attach', 'usb-detach', 'usb-hc-create', 'usb-hc-destroy', 'usb-add', 'usb-del'].map((c) => [c, ['passthrough-action']]),
        ),
        'pci-list': ['pci-list'], 'pci-list-assignable-devices': ['pci-list-assignable-devices'], 'scsi-list': ['scsi-list'], 'usb-list': ['usb-list'],
        'usb-list-assignable-devices': ['usb-list-assignable-devices'],
      };
      const defs = (schema as { $defs: Record<string, unknown> }).$defs;
      const root = JSON.stringify((schema as { anyOf: unknown }).anyOf);
      for (const c of COMMANDS) {
        assert.ok(defsOf[c.name], `xm ${c.name}: add its --json documents to docs/xm-json.schema.json and docs/json.md`);
        for (const d of defsOf[c.name]!) {
          assert.ok(defs[d], `$defs/${d}`);
          assert.ok(root.includes(`"#/$defs/${d}"`), `the root accepts $defs/${d}`);
        }
      }
    });

    /** Runs xm --json and validates each line: events as events, the last line as `def`. */
    async function check(def: string, args: string[], expect: { code?: number; events?: number } = {}, on: TestXend = x): Promise<Record<string, any>> {
      const r = await on.xm('--json', ...args);
      assert.equal(r.code, expect.code ?? 0, `xm ${args.join(' ')}: ${r.stderr}${r.stdout}`);
      const lines = r.stdout.split('\n').filter(Boolean);
      assert.ok(lines.length >= 1, `xm ${args.join(' ')} printed a document`);
      const docs = lines.map((l) => JSON.parse(l) as Record<string, any>);
      docs.forEach((doc, n) => {
        const last = n === docs.length - 1;
        const errors = [...validator.validate(doc), ...validator.validate(doc, `#/$defs/${last ? def : 'event'}`)];
        assert.deepEqual(errors, [], `xm ${args.join(' ')}, line ${n + 1}: ${lines[n]}`);
      });
      if (expect.events !== undefined) assert.equal(docs.length - 1, expect.events, `xm ${args.join(' ')}: events`);
      return docs[docs.length - 1]!;
    }

    test('list, create, create -n, domid, domname, info, info -c, info -n, uptime, vcpu-list, dmesg, log', async () => {
      const list = await check('list', ['list']);
      assert.ok(list.domains.some((d: any) => d.name === 'par1' && d.state === '--p---' && d.power_state === 'paused'));
      await check('list', ['list', '--state', 'paused']);
      await check('list', ['list', 'run1', 'par1']);
      const created = await check('create', ['create', '/dev/null', 'name=json1', 'memory=64', 'vcpus=2']);
      assert.equal(created.domain.name, 'json1');
      assert.equal(created.domain.vcpus, 2);
      await check('create-dryrun', ['create', '-n', '/dev/null', 'name=json2']);
      await check('domid', ['domid', 'json1']);
      await check('domid', ['domname', String(created.domain.domid)]);
      await check('info', ['info']);
      await check('info', ['info', '-n']);
      await check('info-config', ['info', '-c']);
      await check('uptime', ['uptime']);
      await check('uptime', ['uptime', '-s', 'json1']);
      await check('vcpu-list', ['vcpu-list']);
      await check('dmesg', ['dmesg']);
      await check('log', ['log']);
    });

    test('actions and shutdown -w with its progress events', async () => {
      assert.equal((await x.xm('create', '/dev/null', 'name=json3', 'memory=64')).code, 0);
      await check('action', ['pause', 'json3']);
      await check('action', ['unpause', 'json3']);
      await check('action', ['mem-set', 'json3', '48']);
      await check('action', ['vcpu-set', 'json3', '1']);
      await check('action', ['rename', 'json3', 'json4']);
      const waited = await check('shutdown', ['shutdown', '-w', 'json4'], { events: 1 });
      assert.deepEqual(waited.domains, [{ name: 'json4', outcome: 'terminated' }]);
      assert.equal((await x.xm('create', '/dev/null', 'name=json5', 'memory=64')).code, 0);
      await check('shutdown', ['shutdown', 'json5']);
      assert.equal((await x.xm('create', '/dev/null', 'name=json6', 'memory=64')).code, 0);
      await check('action', ['destroy', 'json6']);
    });

    test('errors are JSON too, with the exit status', async () => {
      const unknown = await check('error', ['list', 'nosuch'], { code: EXIT_UNKNOWN_DOMAIN });
      assert.equal(unknown.error.type, 'unknown-domain');
      const usage = await check('error', ['list', '--bogus'], { code: 1 });
      assert.equal(usage.error.type, 'usage');
      await check('error', ['pause'], { code: 1 });
      assert.equal((await x.xm('create', '-p', '/dev/null', 'name=json7', 'memory=64')).code, 0);
      const timeout = await check('error', ['shutdown', '-w', '--timeout', '0', 'json7'], { code: EXIT_TIMEOUT });
      assert.equal(timeout.error.exit, EXIT_TIMEOUT);
      const unreachable = await check('error', ['list'], { code: 1 }, down);
      assert.equal(unreachable.error.type, 'xend-unreachable');
    });

    test('the validator rejects what the schema forbids', async () => {
      const list = await check('list', ['list']);
      const bad = (doc: unknown, def: string) => assert.notDeepEqual(validator.validate(doc, `#/$defs/${def}`), [], JSON.stringify(doc));
      bad({ ...list, extra: 1 }, 'list');
      bad({ ...list, version: 2 }, 'list');
      bad({ version: 1, domains: [{ ...list.domains[0], state: 'rb' }] }, 'list');
      bad({ version: 1, domains: [{ ...list.domains[0], memory_mib: 1.5 }] }, 'list');
      bad({ version: 1, domains: [{ ...list.domains[0], power_state: 'sleeping' }] }, 'list');
      const { uuid: _, ...noUuid } = list.domains[0];
      bad({ version: 1, domains: [noUuid] }, 'list');
      bad({ version: 1, error: { type: 'usage', message: 'x', exit: 2 } }, 'error');
      bad({ version: 1, event: { domain: 'a', outcome: 'requested' } }, 'event');
      bad({ event: { domain: 'a', outcome: 'terminated' } }, 'event');
      assert.notDeepEqual(validator.validate({ version: 1, surprise: true }), [], 'the root accepts only known documents');
    });
  });
});
