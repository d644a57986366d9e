import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, eventually, runBin } from '../helpers/xend.js';

/** scripts/install.sh with these variables; its output. */
function install(vars: Record<string, string>): string {
  return execFileSync('sh', [join(REPO, 'scripts/install.sh')], { env: { PATH: process.env.PATH, ...vars }, encoding: 'utf8' });
}

/** A unit file's `Key=` command line, split into words (the paths here have no blanks). */
function unitCommand(unit: string, key: string): string[] {
  const line = unit.split('\n').find((l) => l.startsWith(`${key}=`));
  assert.ok(line, `${key} in the unit`);
  return line.slice(key.length + 1).split(' ');
}

/** Runs an installed program (a Node script) the way the shell would through its link. */
function run(command: string[], env: NodeJS.ProcessEnv) {
  return runBin(command[0]!, command.slice(1), env);
}

describe('scripts/install.sh into a temporary prefix', () => {
  const top = mkdtempSync(join(tmpdir(), 'xend-install-'));
  const prefix = join(top, 'prefix');
  // The configuration lands where a private root's xend reads it: SYSCONFDIR=<root>/etc.
  const root = join(top, 'root');
  const env = { ...process.env, XEND_ROOT: root, XM_SERVER: '', XEND_CONFIG: '' };
  let daemon: ChildProcess | undefined;
  let output = '';

  before(() => {
    output = install({ PREFIX: prefix, SYSCONFDIR: join(root, 'etc') });
  });
  after(() => {
    daemon?.kill('SIGKILL');
    rmSync(top, { recursive: true, force: true });
  });

  test('every file is where a Dom0 looks for it, and the script says where it put them', () => {
    const expected = [
      'bin/xm',
      'bin/xend',
      'lib/xend-suite/bin/xm',
      'lib/xend-suite/bin/xend',
      'lib/xend-suite/bin/package.json',
      'lib/xend-suite/dist/xm.cjs',
      'lib/xend-suite/dist/xm-list.cjs',
      'lib/xend-suite/dist/xm-version.cjs',
      'lib/xend-suite/dist/xm-help.txt',
      'lib/xend-suite/dist/xm-usage.txt',
      'lib/xend-suite/dist/xend.mjs',
      'share/man/man1/xm.1',
      'share/man/man8/xend.8',
      'share/man/man5/xend-config.sxp.5',
      'share/man/man5/xmdomain.cfg.5',
      'share/bash-completion/completions/xm',
      'share/zsh/site-functions/_xm',
      'lib/systemd/system/xend.service',
    ];
    for (const p of expected) assert.ok(existsSync(join(prefix, p)), `${p} installed`);
    assert.match(output, new RegExp(`^Installing xend-suite under ${prefix}:\n[\\s\\S]*\n  ${join(prefix, 'lib/systemd/system/xend.service')}\n`));
    assert.match(output, /\nThen: systemctl daemon-reload && systemctl enable --now xend\n$/);
    for (const [name, manual] of [['xm.1', 'man1'], ['xend.8', 'man8']] as const) {
      assert.equal(readFileSync(join(prefix, 'share/man', manual, name), 'utf8'), readFileSync(join(REPO, 'man', name), 'utf8'));
    }
    // Relative links: the same whether a package stages the tree or it is installed in place.
    assert.ok(lstatSync(join(prefix, 'bin/xm')).isSymbolicLink());
    assert.equal(readlinkSync(join(prefix, 'bin/xm')), '../lib/xend-suite/bin/xm');
    assert.equal(realpathSync(join(prefix, 'bin/xend')), join(prefix, 'lib/xend-suite/bin/xend'));
    assert.equal(statSync(join(prefix, 'lib/xend-suite/bin/xend')).mode & 0o111, 0o111, 'executable');
    const config = join(root, 'etc/xen/xend-config.sxp');
    assert.equal(readFileSync(config, 'utf8'), readFileSync(join(REPO, 'etc/xend-config.sxp'), 'utf8'), 'the default configuration');
  });

  test('xend runs through the unit file\'s command lines: start, reload, stop; the installed xm reaches it', async () => {
    const unit = readFileSync(join(prefix, 'lib/systemd/system/xend.service'), 'utf8');
    assert.match(unit, /^KillMode=process$/m, 'guests are not killed with xend');
    const start = unitCommand(unit, 'ExecStart');
    assert.deepEqual(start, [join(prefix, 'bin/xend'), 'foreground']);
    daemon = spawn(start[0]!, start.slice(1), { env, stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => daemon!.on('exit', (code) => r(code)));
    const xm = join(prefix, 'bin/xm');
    await eventually(async () => (await runBin(xm, ['list'], env)).code === 0);
    assert.equal((await runBin(xm, ['create', '/dev/null', 'name=installed', 'memory=64'], env)).code, 0);
    assert.equal((await run(unitCommand(unit, 'ExecReload'), env)).code, 0);
    assert.match((await runBin(xm, ['list', 'installed'], env)).stdout, /^installed /m, 'serves on after a reload');
    assert.equal((await run(unitCommand(unit, 'ExecStop'), env)).code, 0);
    await exited;
    daemon = undefined;
    assert.equal((await runBin(join(prefix, 'bin/xend'), ['status'], env)).code, 3);
  });

  test('a second install keeps the administrator\'s configuration and puts the default beside the programs', () => {
    const config = join(root, 'etc/xen/xend-config.sxp');
    writeFileSync(config, '(xend-relocation-server yes)\n');
    const again = install({ PREFIX: prefix, SYSCONFDIR: join(root, 'etc') });
    assert.equal(readFileSync(config, 'utf8'), '(xend-relocation-server yes)\n');
    assert.match(again, /xend-config\.sxp kept as it is/);
    assert.ok(existsSync(join(prefix, 'lib/xend-suite/xend-config.sxp')));
  });

  test('DESTDIR stages the tree for a package: files under it, paths inside them without it', () => {
    const stage = join(top, 'stage');
    install({ PREFIX: '/usr', DESTDIR: stage });
    const unit = readFileSync(join(stage, 'usr/lib/systemd/system/xend.service'), 'utf8');
    assert.deepEqual(unitCommand(unit, 'ExecStart'), ['/usr/bin/xend', 'foreground']);
    assert.ok(existsSync(join(stage, 'etc/xen/xend-config.sxp')));
    assert.ok(existsSync(join(stage, 'usr/share/man/man1/xm.1')));
    assert.equal(realpathSync(join(stage, 'usr/bin/xm')), join(stage, 'usr/lib/xend-suite/bin/xm'));
  });

  test('an unbuilt tree is refused with what to run', () => {
    const bare = join(top, 'bare');
    execFileSync('mkdir', ['-p', join(bare, 'scripts')]);
    writeFileSync(join(bare, 'scripts/install.sh'), readFileSync(join(REPO, 'scripts/install.sh')));
    let failure: { status: number; stderr: string } | undefined;
    try {
      execFileSync('sh', [join(bare, 'scripts/install.sh')], { env: { PATH: process.env.PATH, PREFIX: join(top, 'nowhere') }, encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      failure = err as { status: number; stderr: string };
    }
    assert.equal(failure?.status, 1);
    assert.match(failure!.stderr, /^Error: .*dist is not built; run npm ci \(or npm run build\) first\n$/);
    assert.ok(!existsSync(join(top, 'nowhere')), 'nothing written');
  });
});
