import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, GLOBAL_OPTIONS } from '../../src/cli/registry.js';
import { EXIT_TIMEOUT, EXIT_UNKNOWN_DOMAIN } from '../../src/cli/errors.js';
import { optionTable } from '../../src/config/xend-options.js';
import { CONFIG_VARIABLES } from '../../src/config/domain-config.js';
import { generatedFiles } from '../../src/cli/gen/index.js';
import { EXIT_STATUSES, GROUP_TITLES, xmPage } from '../../src/cli/gen/man-xm.js';
import { VARIABLE_DOCS, xmdomainCfgPage } from '../../src/cli/gen/man-xmdomain-cfg.js';
import { xendConfigPage } from '../../src/cli/gen/man-xend-config.js';
import { xendPage } from '../../src/cli/gen/man-xend.js';
import { t } from '../../src/cli/gen/roff.js';
import { REPO } from '../helpers/xend.js';

const xm = xmPage('1.2.3');

test('xm(1) has every command: its usage, help, aliases and every visible option, under its group', () => {
  for (const c of COMMANDS) {
    const entry = `.TP\n\\fB${t(`xm ${c.name}`)}\\fR${c.usage ? ` ${t(c.usage)}` : ''}\n${t(c.help)}`;
    assert.ok(xm.includes(entry), `${c.name} has an entry`);
    const at = xm.indexOf(entry);
    const section = xm.lastIndexOf('\n.SH ', at);
    assert.equal(xm.slice(section + 5, xm.indexOf('\n', section + 1)), `"${GROUP_TITLES[c.group]}"`, `${c.name} is under its group`);
    const next = xm.indexOf('\n.TP\n\\fBxm ', at + 1);
    const body = xm.slice(at, next < 0 ? xm.indexOf('\n.SH ', at) : next);
    for (const a of c.aliases ?? []) assert.ok(body.includes(t(a)), `${c.name}: alias ${a}`);
    if (c.notes) assert.ok(body.includes(t(c.notes)), `${c.name}: its notes`);
    for (const o of c.options.filter((x) => !x.hidden)) {
      assert.ok(body.includes(`\\fB${t(`--${o.long}`)}\\fR`), `${c.name} --${o.long}`);
      if (o.short) assert.ok(body.includes(`\\fB${t(`-${o.short}`)}\\fR, `), `${c.name} -${o.short}`);
    }
  }
  for (const g of GLOBAL_OPTIONS) assert.ok(xm.includes(`\\fB${t(`--${g.long}`)}\\fR`), g.long);
});

test('xm(1): every exit status xm returns, the environment it reads, the state letters', () => {
  const codes = EXIT_STATUSES.map(([c]) => c);
  for (const code of [0, 1, EXIT_UNKNOWN_DOMAIN, EXIT_TIMEOUT]) {
    assert.ok(codes.includes(code), `exit ${code}`);
    assert.ok(xm.includes(`.TP\n\\fB${code}\\fR\n`), `exit ${code} in the page`);
  }
  const environment = xm.slice(xm.indexOf('\n.SH "ENVIRONMENT"\n'), xm.indexOf('\n.SH "FILES"\n'));
  for (const name of ['XM_SERVER', 'XM_CONFIG_FILE', 'XEND_CONFIG', 'XEND_ROOT', 'XM_TLS_CA', 'NO_COLOR']) {
    assert.ok(environment.includes(`.TP\n\\fB${t(name)}\\fR\n`), name);
  }
  for (const letter of 'rbpscd') assert.ok(xm.includes(`.TP\n\\fB${letter}\\fR \\- `), `state ${letter}`);
  for (const section of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'DOMAIN STATES', 'EXIT STATUS', 'ENVIRONMENT', 'FILES', 'EXAMPLES', 'SEE ALSO']) {
    assert.ok(xm.includes(`\n.SH "${section}"\n`), section);
  }
});

/** Every .ts file under a directory, with its text. */
function sources(dir: string): [string, string][] {
  return readdirSync(dir).flatMap((name): [string, string][] => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [[path, readFileSync(path, 'utf8')]] : [];
  });
}

test('EXIT STATUS lists every exit status the xm code can produce', () => {
  const documented = new Set(EXIT_STATUSES.map(([c]) => c));
  const found = new Map<number, string>();
  for (const [path, text] of sources(join(REPO, 'src/cli'))) {
    if (path.includes('/gen/')) continue;
    const patterns = [/new \w*Error\((?:[^()]|\([^()]*\))*?,\s*(\d+)(?:,\s*(?:true|false))?\);/g, /SilentError\((\d+)\)/g, /EXIT_[A-Z_]+\s*=\s*(\d+)/g, /exitCode\s*=\s*(\d+)/g];
    for (const re of patterns) for (const m of text.matchAll(re)) found.set(Number(m[1]), path);
  }
  assert.ok(found.has(EXIT_TIMEOUT) && found.has(EXIT_UNKNOWN_DOMAIN) && found.has(1), 'the scan sees the known codes');
  for (const [code, path] of found) assert.ok(documented.has(code), `exit status ${code} (${path}) is documented`);
});

/** The environment variables a source file reads (`env.NAME`, `env['NAME']`). */
function envReads(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      for (const [k, v] of envReads(path)) found.set(k, v);
    } else if (name.endsWith('.ts')) {
      for (const m of readFileSync(path, 'utf8').matchAll(/env(?:\.|\[')([A-Z][A-Z0-9_]+)/g)) found.set(m[1]!, path);
    }
  }
  return found;
}

test('every environment variable the code reads is documented in a man page (or known to be internal)', () => {
  // The daemon's own processes pass these to each other; tests use the last one.
  const internal = new Set(['XEND_STATUS_FD', 'XEND_MONITOR_PID', 'XEND_TRACE', 'XEND_SIM_SHUTDOWN_MS']);
  const pages = generatedFiles('1.2.3').filter((f) => f.path.startsWith('man/')).map((f) => f.content).join('\n');
  for (const [name, file] of envReads(join(REPO, 'src'))) {
    if (internal.has(name)) continue;
    assert.ok(pages.includes(t(name)), `${name} (read in ${file}) is documented`);
  }
});

test('xend-config.sxp(5) documents every option of the table with its default', () => {
  const page = xendConfigPage('1.2.3');
  for (const o of optionTable) assert.ok(page.includes(`.TP\n\\fB(${t(o.name)}\\fR`), o.name);
  assert.match(page, /\\fB\(xend\\-port\\fR \\fIinteger\\fR\\fB\)\\fR\n.*\nDefault: \\fB8000\\fR\. Since xend 3\.0\./);
});

test('xmdomain.cfg(5) documents every config variable, and nothing else', () => {
  const page = xmdomainCfgPage('1.2.3');
  assert.deepEqual(Object.keys(VARIABLE_DOCS).sort(), CONFIG_VARIABLES.map((v) => v.name).sort());
  for (const v of CONFIG_VARIABLES) assert.ok(page.includes(`.TP\n\\fB${t(v.name)}\\fR \\fI`), v.name);
  assert.match(page, /\\fBmemory\\fR \\fIinteger\\fR\n.*Default: \\fB128\\fR\./);
});

test('the pages are plain roff: ASCII, known macros, no bare hyphen-minus, nothing from the build time', () => {
  const macros = /^\.(\\"|TH|SH|SS|PP|TP|IP|RS|RE|br|nf|fi)( |$)/;
  const pages = [xm, xendPage('1.2.3'), xendConfigPage('1.2.3'), xmdomainCfgPage('1.2.3')];
  for (const page of pages) {
    const title = page.split('\n')[1]!;
    assert.match(title, /^\.TH "[A-Z.\\-]+" [158] "" "xend\\-suite 1\.2\.3" "Xen management"$/);
    assert.ok(!/[^\x00-\x7f]/.test(page), `${title}: ASCII only`);
    for (const line of page.split('\n')) {
      if (line.startsWith('.') || line.startsWith("'")) assert.match(line, macros, `${title}: ${line}`);
      if (!line.startsWith('.\\"')) assert.ok(!/(^|[^\\])-/.test(line), `${title}: bare - in ${line}`);
    }
  }
  assert.equal(xmPage('1.2.3'), xm, 'the same sources give the same page');
});

test('the completion scripts hand every word to xm __complete', () => {
  const files = new Map(generatedFiles('1.2.3').map((f) => [f.path, f.content]));
  const bash = files.get('completions/xm.bash')!;
  const zsh = files.get('completions/_xm')!;
  assert.match(bash, /\n_xm\(\)\n\{\n/);
  assert.match(bash, /"\$xm" __complete "\$\(\(cword - 1\)\)" "\$\{words\[@\]:1:cword\}" 2>\/dev\/null/);
  assert.match(bash, /\ncomplete -F _xm xm\n$/);
  assert.match(zsh, /^#compdef xm\n/);
  assert.match(zsh, /"\$xm" __complete \$\(\(CURRENT - 2\)\)/);
  assert.deepEqual([...files.keys()].sort(), ['completions/_xm', 'completions/xm.bash', 'etc/xend-config.sxp', 'man/xend-config.sxp.5', 'man/xend.8', 'man/xm.1', 'man/xmdomain.cfg.5']);
});
