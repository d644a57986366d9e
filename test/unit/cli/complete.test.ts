import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS, GLOBAL_OPTIONS } from '../../../src/cli/registry.js';
import {
  acceptsDomain,
  complete,
  completeWords,
  formatCompletion,
  type Completion,
  type CompletionSources,
  type DomainInfo,
} from '../../../src/cli/complete.js';
import { CONFIG_VARIABLES } from '../../../src/config/domain-config.js';
import type { Io } from '../../../src/cli/main.js';
import { arity, type DomainFilter } from '../../../src/cli/spec.js';

const DOMAINS: DomainInfo[] = [
  { name: 'Domain-0', domid: 0, state: 'r-----' },
  { name: 'idle', domid: 1, state: '-b----' },
  { name: 'busy', domid: 2, state: 'r-----' },
  { name: 'frozen', domid: 3, state: '--p---' },
  { name: 'gone', domid: 4, state: '---s--' },
  { name: 'broken', domid: 5, state: '----c-' },
  { name: 'managed', domid: null, state: '' },
  { name: 'web:1', domid: 6, state: '-b----' },
];

/** Fake sources: the domains above, a config dir with three files, and a record of what was asked. */
function sources(opts: { domains?: DomainInfo[] | Error } = {}) {
  const asked: { server: string | undefined }[] = [];
  const listed: string[] = [];
  const src: CompletionSources = {
    async domains(server) {
      asked.push({ server });
      if (opts.domains instanceof Error) throw opts.domains;
      return opts.domains ?? DOMAINS;
    },
    files(dir) {
      listed.push(dir);
      if (dir === '/etc/xen') return ['guest1', 'guest2', 'xend-config.sxp', 'xm-config.xml', 'web.cfg~'];
      if (dir === '/srv/cfg') return ['other'];
      return [];
    },
    configDir: '/etc/xen',
  };
  return { src, asked, listed };
}

const values = (c: Completion) => c.candidates.map((x) => x.value);

/** Completes the last word of an `xm …` line given as words. */
async function comp(words: string[], src = sources().src): Promise<Completion> {
  return completeWords(words, words.length - 1, src);
}

test('the subcommand position offers every command and help, not the deprecated aliases; a prefix filters', async () => {
  const all = values(await comp(['']));
  for (const c of COMMANDS) {
    assert.ok(all.includes(c.name), c.name);
    for (const a of c.aliases ?? []) assert.ok(!all.includes(a), `${a} is deprecated: not offered`);
  }
  assert.ok(all.includes('help'));
  assert.deepEqual(values(await comp(['un'])), ['unpause']);
  assert.deepEqual(values(await comp(['vcpu-'])), ['vcpu-list', 'vcpu-pin', 'vcpu-set']);
  assert.deepEqual(values(await comp(['bal'])), []);
  assert.deepEqual(values(await comp(['balloon', '--'])), ['--json', '--server', '--help'], 'a typed alias still completes its options');
  const unpause = (await comp(['unp'])).candidates[0]!;
  assert.equal(unpause.desc, 'Unpause a paused domain', 'the help line, as a description');
});

test('global options before the subcommand; the subcommand after them', async () => {
  assert.deepEqual(values(await comp(['--'])), ['--json', '--server', '--help', '--version']);
  assert.deepEqual(values(await comp(['--s'])), ['--server']);
  assert.deepEqual(values(await comp(['--json', 'unp'])), ['unpause']);
  assert.deepEqual(values(await comp(['--server', 'http://h:8006', 'unp'])), ['unpause']);
  assert.deepEqual(values(await comp(['--server', ''])), [], 'a URI is free text');
});

test('options of the current command, long and short, with the global ones; hidden ones stay hidden', async () => {
  const shutdown = values(await comp(['shutdown', '-']));
  for (const o of COMMANDS.find((c) => c.name === 'shutdown')!.options) {
    assert.ok(shutdown.includes(`--${o.long}`), o.long);
    if (o.short) assert.ok(shutdown.includes(`-${o.short}`), o.short);
  }
  for (const g of GLOBAL_OPTIONS) assert.ok(shutdown.includes(`--${g.long}`), g.long);
  assert.ok(shutdown.includes('--help') && shutdown.includes('-h'));
  assert.ok(!values(await comp(['shutdown', '--'])).some((v) => !v.startsWith('--')), '-- offers long names only');
  assert.deepEqual(values(await comp(['shutdown', '--wa'])), ['--wait']);
  assert.deepEqual(values(await comp(['li', '--st'])), ['--state'], 'the command may be a unique prefix');
  assert.deepEqual(values(await comp(['balloon', '--'])), ['--json', '--server', '--help'], 'an alias resolves');
});

test('fixed choices: --state VALUE, --state=VALUE and a unique prefix of the option', async () => {
  const choices = COMMANDS.find((c) => c.name === 'list')!.options.find((o) => o.long === 'state')!.choices!;
  assert.deepEqual(values(await comp(['list', '--state', ''])), [...choices]);
  assert.deepEqual(values(await comp(['list', '--state', 'p'])), ['paused']);
  assert.deepEqual(values(await comp(['list', '--state=ru'])), ['--state=running']);
  assert.deepEqual(values(await comp(['list', '--sta', 'h'])), ['halted']);
  assert.equal(values(await comp(['list', '--json', '--state='])).length, choices.length);
});

test('files: a FILE option, a PATH option (directories), with the prefix to keep', async () => {
  assert.deepEqual(await comp(['create', '-F', '']), { candidates: [], directive: { kind: 'files', prefix: '' } });
  assert.deepEqual(await comp(['create', '--config=./x']), { candidates: [], directive: { kind: 'files', prefix: '--config=' } });
  assert.deepEqual(await comp(['create', '-fmy']), { candidates: [], directive: { kind: 'files', prefix: '-f' } });
  assert.deepEqual(await comp(['create', '--path', '/e']), { candidates: [], directive: { kind: 'dirs', prefix: '' } });
  assert.deepEqual(await comp(['create', '--path=/e']), { candidates: [], directive: { kind: 'dirs', prefix: '--path=' } });
});

test('create: config files from the search path, then VAR=VAL words', async () => {
  const first = await comp(['create', 'gu']);
  assert.deepEqual(values(first), ['guest1', 'guest2', ...CONFIG_VARIABLES.filter((v) => v.name.startsWith('gu')).map((v) => `${v.name}=`)]);
  assert.deepEqual(first.directive, { kind: 'files', prefix: '' }, 'and the shell completes paths');
  assert.deepEqual(values(await comp(['create', ''])), ['guest1', 'guest2'], 'no xend config, xm config or backup files');
  const { src, listed } = sources();
  assert.deepEqual(values(await comp(['create', '--path', '/srv/cfg:.', 'o'], src)), ['other', ...CONFIG_VARIABLES.filter((v) => v.name.startsWith('o')).map((v) => `${v.name}=`)]);
  assert.deepEqual(listed, ['/srv/cfg'], '--path replaces the default search path; . is left to the shell');
  assert.deepEqual(values(await comp(['create', './gu'])), [], 'a path is the shell\'s alone');
  const after = await comp(['create', 'guest1', '']);
  assert.equal(after.candidates.length, CONFIG_VARIABLES.length, 'after the config file: the variables');
  assert.equal(after.directive, undefined);
  assert.deepEqual(values(await comp(['create', 'guest1', 'mem'])), ['memory=', 'memory_sharing=']);
  assert.deepEqual(values(await comp(['create', 'on_crash=co'])), ['on_crash=coredump-destroy', 'on_crash=coredump-restart']);
  assert.deepEqual(values(await comp(['create', 'builder='])), ['builder=linux', 'builder=hvm']);
  assert.deepEqual(values(await comp(['create', 'localtime='])), ['localtime=yes', 'localtime=no'], 'a bool variable');
  assert.deepEqual(await comp(['create', 'kernel=/bo']), { candidates: [], directive: { kind: 'files', prefix: 'kernel=' } });
  assert.deepEqual(values(await comp(['create', 'memory='])), [], 'free values get nothing');
});

test('domain arguments: live names filtered by what the command accepts', async () => {
  const names = async (...words: string[]) => values(await comp(words));
  assert.deepEqual(await names('pause', ''), ['idle', 'busy', 'web:1'], 'running: r or b, not p, s or c; not Domain-0, which xend refuses');
  assert.deepEqual(await names('unpause', ''), ['frozen'], 'paused');
  assert.deepEqual(await names('destroy', ''), ['idle', 'busy', 'frozen', 'gone', 'broken', 'web:1'], 'active: has a domid');
  assert.deepEqual(await names('mem-set', ''), ['Domain-0', 'idle', 'busy', 'frozen', 'gone', 'broken', 'web:1'], 'Domain-0 where xend takes it');
  assert.deepEqual(await names('sched-credit', '-d', ''), DOMAINS.map((d) => d.name), 'an option whose value is a domain');
  assert.deepEqual(await names('sched-credit', '--domain=w'), ['--domain=web:1'], '--domain=<TAB>');
  assert.deepEqual(await names('sched-credit', '-dbu'), ['-dbusy'], '-d<TAB> attached');
  assert.deepEqual(await names('domid', ''), DOMAINS.map((d) => d.name), 'any');
  assert.deepEqual(await names('pause', 'b'), ['busy']);
  assert.deepEqual(await names('pause', 'web:'), ['web:1'], 'names with a colon');
  assert.deepEqual(await names('list', 'idle', 'busy', ''), ['Domain-0', 'frozen', 'gone', 'broken', 'managed', 'web:1'], 'a name already given is not offered again');
  assert.deepEqual(await names('pause', 'idle', ''), [], 'no more arguments than the command takes');
  assert.deepEqual(await names('mem-set', 'idle', ''), [], 'the second argument is a value');
  assert.deepEqual(await names('list', '--', '-x', ''), DOMAINS.map((d) => d.name).filter((n) => n !== '-x'), 'after --, all are arguments');
  const d = (await comp(['unpause', ''])).candidates[0]!;
  assert.equal(d.desc, 'id 3 --p---');
  const m = (await comp(['list', 'man'])).candidates[0]!;
  assert.equal(m.desc, 'not running');
});

test('registry self-test: every argument of every command completes by its kind', async () => {
  for (const c of COMMANDS) {
    if (c.name === 'create') continue; // create.py's own rules, tested above
    for (let k = 0; k < c.args.length && k < arity(c).max; k++) {
      const arg = c.args[k]!;
      const { src, asked } = sources();
      const got = await comp([c.name, ...Array<string>(k).fill('x'), ''], src);
      const where = `${c.name} argument ${k + 1} (${arg.name})`;
      if (arg.kind === 'domain') {
        assert.equal(asked.length, 1, `${where}: asks xend`);
        const offered = DOMAINS.filter((d) => acceptsDomain(arg.domains ?? 'any', d) && !(arg.guestOnly && d.domid === 0));
        assert.deepEqual(values(got), offered.map((d) => d.name), where);
      } else if (arg.kind === 'file') {
        assert.deepEqual(got, { candidates: [], directive: { kind: 'files', prefix: '' } }, where);
      } else {
        assert.deepEqual(values(got), [...(arg.choices ?? [])], where);
        assert.equal(asked.length, 0, `${where}: does not ask xend`);
      }
    }
  }
});

test('an option with an optional value (--opt[=VALUE]) does not take the next word', async () => {
  const optional = COMMANDS.flatMap((c) => c.options.filter((o) => o.optionalArg).map((o) => [c, o] as const));
  for (const [c, o] of optional) {
    const got = values(await comp([c.name, `--${o.long}`, '']));
    const first = c.args[0];
    if (first?.kind === 'domain') assert.ok(got.length > 0, `${c.name} --${o.long}: the next word is the domain`);
  }
});

test('the state filters follow the state letters', () => {
  const accepted = (f: DomainFilter) => DOMAINS.filter((d) => acceptsDomain(f, d)).map((d) => d.name);
  assert.deepEqual(accepted('running'), ['Domain-0', 'idle', 'busy', 'web:1']);
  assert.deepEqual(accepted('paused'), ['frozen']);
  assert.deepEqual(accepted('active'), ['Domain-0', 'idle', 'busy', 'frozen', 'gone', 'broken', 'web:1']);
  assert.deepEqual(accepted('any'), DOMAINS.map((d) => d.name));
  assert.equal(acceptsDomain('running', { name: 'x', domid: 9, state: 'rbp---' }), false, 'paused wins over running');
});

test('xend is asked once, only for a domain argument, at the server the words name', async () => {
  const { src, asked } = sources();
  await comp(['--server', 'http://h1:8006', 'pause', ''], src);
  await comp(['pause', '--server=http://h2:8006', ''], src);
  await comp(['list', '--server', 'http://h3:8006', 'a', ''], src);
  await comp(['pause', ''], src);
  await comp(['list', '--state', ''], src);
  await comp(['create', ''], src);
  await comp([''], src);
  assert.deepEqual(asked, [{ server: 'http://h1:8006' }, { server: 'http://h2:8006' }, { server: 'http://h3:8006' }, { server: undefined }]);
});

test('xend down or refusing: no candidates, no error', async () => {
  const { src } = sources({ domains: new Error('connect ENOENT') });
  assert.deepEqual(await comp(['pause', ''], src), { candidates: [] });
});

test('the word under the cursor may be in the middle: later words are ignored', async () => {
  assert.deepEqual(values(await completeWords(['unp', 'frozen'], 0, sources().src)), ['unpause']);
  assert.deepEqual(values(await completeWords(['unpause', '', '--json'], 1, sources().src)), ['frozen']);
  assert.deepEqual(values(await completeWords(['nosuch', ''], 1, sources().src)), [], 'an unknown command gets nothing');
  assert.deepEqual(values(await completeWords(['help', 'unp'], 1, sources().src)), ['unpause'], 'xm help <command>');
});

test('no command handler is loaded while completing', async (t) => {
  const originals = COMMANDS.map((c) => c.load);
  const loaded: string[] = [];
  for (const c of COMMANDS) {
    (c as { load: () => Promise<unknown> }).load = async () => {
      loaded.push(c.name);
      throw new Error('loaded');
    };
  }
  t.after(() => COMMANDS.forEach((c, n) => ((c as { load: unknown }).load = originals[n])));
  const { src } = sources();
  for (const c of COMMANDS) {
    await comp([c.name, ''], src);
    await comp([c.name, '-'], src);
    await comp([c.name, 'x', ''], src);
  }
  assert.deepEqual(loaded, []);
});

test('protocol text: value TAB description lines, then the directive as TAB name [TAB prefix]', () => {
  const text = formatCompletion({
    candidates: [{ value: 'a', desc: 'one\ttwo\nthree' }, { value: 'b' }, { value: '' }, { value: 'bad\tvalue' }],
    directive: { kind: 'files', prefix: '--config=' },
  });
  assert.equal(text, 'a\tone two three\nb\n\tfiles\t--config=\n');
  assert.equal(formatCompletion({ candidates: [], directive: { kind: 'dirs', prefix: '' } }), '\tdirs\n');
  assert.equal(formatCompletion({ candidates: [] }), '');
});

/** Runs `complete()` as `xm __complete` would, against a root where no xend runs. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const root = mkdtempSync(join(tmpdir(), 'xm-complete-'));
  let out = '';
  let err = '';
  const io: Io = {
    stdout: (s) => void (out += s),
    stderr: (s) => void (err += s),
    env: { XEND_ROOT: root },
    cwd: root,
    interactiveStderr: false,
  };
  try {
    const code = await complete(argv, io);
    return { code, out, err };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('complete(): <cword> first, or the last word; always 0, never stderr', async () => {
  assert.deepEqual(await run(['1', 'unpause', '']), { code: 0, out: '', err: '' }, 'xend down: nothing');
  assert.deepEqual(await run(['0', 'unp']), { code: 0, out: 'unpause\tUnpause a paused domain\n', err: '' });
  assert.deepEqual(await run(['unp']), { code: 0, out: 'unpause\tUnpause a paused domain\n', err: '' }, 'without <cword>');
  assert.deepEqual(await run(['0', 'unp', 'x']), { code: 0, out: 'unpause\tUnpause a paused domain\n', err: '' });
  assert.match((await run(['2', 'list', '--state'])).out, /^running\npaused\n/, 'cword = number of words: a new, empty word');
  assert.deepEqual(await run(['7', 'list']), { code: 0, out: '', err: '' }, 'a cword past the words');
  assert.deepEqual(await run([]), { code: 0, out: (await run(['0', ''])).out, err: '' }, 'no words: the subcommands');
  assert.deepEqual(await run(['3', '--server', '::bad::', 'pause', '']), { code: 0, out: '', err: '' }, 'a bad server URI is no error either');
  assert.deepEqual(await run(['3', '--server', 'xx://bad', 'pause', '']), { code: 0, out: '', err: '' });
});
