import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, TestXend } from '../helpers/xend.js';
import { LIST_HEADER, listRow, validator } from '../helpers/xm-checks.js';

/**
 * `xm list` and `xm list --json` run from dist/xm-list.cjs (src/cli/quick-list.ts), and the full
 * client (dist/xm.cjs) runs instead whenever that bundle cannot answer. Which files a run
 * compiled shows in its cache folder: each file of the client gets a cache named after it.
 */
describe('xm list from its own bundle', () => {
  let x: TestXend;
  const top = mkdtempSync(join(tmpdir(), 'xm-quick-'));
  let n = 0;
  /** A run of bin/xm with a cache folder of its own; `files` are the client's files it compiled. */
  const xm = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const home = join(top, String(n++));
    mkdirSync(home);
    const r = await x.xmWith({ env: { XDG_CACHE_HOME: home, ...env } }, ...args);
    const dir = join(home, 'xend-suite');
    const files = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'latin1').split('\0', 1)[0]!.slice(REPO.length + 1));
    return { ...r, files: files.sort() };
  };
  /** CPU times and uptimes go on between two listings. */
  const stable = (text: string) => text.replace(/ +\d+\.\d$/gm, ' T').replace(/"(cpu_time_s|uptime_s)":[\d.]+/g, '"$1":T');

  before(async () => {
    x = await TestXend.start();
    for (const name of ['quick-a', 'quick-b']) assert.equal((await x.xm('create', '/dev/null', `name=${name}`, 'memory=64')).code, 0);
  });
  after(async () => {
    await x?.dispose();
    rmSync(top, { recursive: true, force: true });
  });

  test('list, list --json and --json list: what the full client prints, from dist/xm-list.cjs alone', async () => {
    // `--state all` is the same listing, and words the bundle leaves to the full client.
    const full = await xm(['list', '--state', 'all']);
    assert.deepEqual(full.files, ['dist/xm.cjs']);
    const quick = await xm(['list']);
    assert.deepEqual([quick.code, quick.stderr, quick.files], [0, '', ['dist/xm-list.cjs']]);
    const rows = quick.stdout.split('\n');
    assert.equal(`${rows[0]}\n`, LIST_HEADER);
    // Name and ID of Domain-0 (its size is the host's); the guests' rows up to their CPU time.
    assert.equal(rows[1]!.slice(0, 46), listRow('Domain-0', '0', 0, 0, '', '').slice(0, 46));
    assert.deepEqual(rows.slice(2, 4).map((row) => row.slice(0, 68)), [listRow('quick-a', '1', 64, 1, '-b----', ''), listRow('quick-b', '2', 64, 1, '-b----', '')].map((row) => row.slice(0, 68)));
    assert.equal(stable(quick.stdout), stable(full.stdout));

    const fullJson = await xm(['list', '--json', '--state', 'all']);
    for (const args of [['list', '--json'], ['--json', 'list']]) {
      const r = await xm(args);
      assert.deepEqual([r.code, r.stderr, r.files], [0, '', ['dist/xm-list.cjs']], args.join(' '));
      const doc = JSON.parse(r.stdout);
      assert.deepEqual(validator.validate(doc), [], r.stdout);
      assert.deepEqual(doc.domains.map((d: { name: string }) => d.name), ['Domain-0', 'quick-a', 'quick-b']);
      assert.equal(stable(r.stdout), stable(fullJson.stdout));
    }
  });

  test('any other words are the full client\'s', async () => {
    for (const args of [['list', 'quick-a'], ['list', '-l'], ['list', '--json', 'quick-b'], ['list', '--', '--json'], ['list --json']]) {
      const { files } = await xm(args);
      assert.ok(files.includes('dist/xm.cjs') && !files.includes('dist/xm-list.cjs'), `${args.join(' ')}: ${files.join(', ')}`);
    }
  });

  test('run from a folder since removed: both answer (only a command that uses the folder needs it)', () => {
    for (const args of [['list'], ['list', '--state', 'all']]) {
      const gone = mkdtempSync(join(top, 'gone-'));
      const r = spawnSync('/bin/sh', ['-c', 'cd "$1" && rmdir "$1" && shift && exec "$@"', 'sh', gone, process.execPath, join(REPO, 'bin/xm'), ...args], { env: x.env, encoding: 'utf8' });
      assert.deepEqual([r.status, r.stderr], [0, ''], args.join(' '));
      assert.match(r.stdout, /^quick-b /m);
    }
  });

  test('xend down: the full client reports it, once, in its words', async () => {
    const env = { XEND_ROOT: join(top, 'no-xend') };
    const r = await xm(['list'], env);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^Error: Unable to connect to xend: No such file or directory\. Is xend running\?\nxm looked for xend at httpu:\/\/\S+\/no-xend\/var\/run\/xend\/xmlrpc\.sock \(the default: [^\n]*\)\.\n$/);
    assert.deepEqual(r.files.slice(0, 2), ['dist/xm-list.cjs', 'dist/xm.cjs'], 'the bundle tried first');
    assert.equal((await xm(['list', '--state', 'all'], env)).stderr, r.stderr);
  });

  test('a server chosen by XM_SERVER or xm-config.xml other than the socket, or a warning on the way: the full client', async () => {
    const http = await xm(['list'], { XM_SERVER: `xend-httpu://${x.path('var/lib/xend/xend-socket')}` });
    assert.deepEqual(http.files.slice(0, 2), ['dist/xm-list.cjs', 'dist/xm.cjs']);
    const config = x.writeFile('quick-xm-config.xml', '<xm><server type="Xen-API" uri="http://localhost:9363"/></xm>');
    const warned = await xm(['list'], { XM_CONFIG_FILE: config });
    assert.equal(warned.code, 0);
    assert.equal(warned.stderr, 'Xen-API servers are not supported; using LegacyXMLRPC.\n', 'the warning once');
    assert.match(warned.stdout, /^quick-b /m);
    assert.deepEqual(warned.files.slice(0, 2), ['dist/xm-list.cjs', 'dist/xm.cjs']);
  });

  test('a listing cut short by a file size limit: what went out stays, and the failure is said as the full client says it', async () => {
    for (let i = 0; i < 12; i++) assert.equal((await x.xm('create', '/dev/null', `name=quick-fill-${i}`, 'memory=64')).code, 0);
    try {
      // A file size limit (Node ignores SIGXFSZ, so the write fails with EFBIG) below the listing's length.
      const cut = (args: string[]) => {
        const out = join(top, `cut-${n++}`);
        const r = spawnSync('/bin/sh', ['-c', `ulimit -f 1; exec "$0" "$@" > ${out}`, process.execPath, join(REPO, 'bin/xm'), ...args], { env: x.env, encoding: 'utf8' });
        return { code: r.status, stderr: r.stderr, stdout: readFileSync(out, 'latin1') };
      };
      const [quick, full] = [cut(['list']), cut(['list', '--state', 'all'])];
      assert.equal(quick.code, 1);
      assert.match(quick.stderr, /^Error: internal error: EFBIG: file too large, write\n$/);
      assert.ok(quick.stdout.length > 0 && quick.stdout.length < 1500 && quick.stdout.startsWith('Name '), `part of the listing, once: ${quick.stdout.length} bytes`);
      assert.deepEqual([quick.code, quick.stderr, quick.stdout.length], [full.code, full.stderr, full.stdout.length]);
    } finally {
      for (let i = 0; i < 12; i++) await x.xm('destroy', `quick-fill-${i}`);
    }
  });

  test('a server that answers badly is asked again by the full client, which reports it once', async () => {
    const socket = join(top, 'broken.sock');
    let requests = 0;
    const server: Server = createServer((c) => {
      requests++;
      c.once('data', () => c.end('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      const r = await xm(['list'], { XM_SERVER: `httpu://${socket}` });
      assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', 'Xend has probably crashed!  ProtocolError(500, Internal Server Error).\n']);
      assert.equal(requests, 2, 'the bundle, then the full client');
      assert.deepEqual(r.files.slice(0, 2), ['dist/xm-list.cjs', 'dist/xm.cjs']);
    } finally {
      server.close();
    }
  });
});
