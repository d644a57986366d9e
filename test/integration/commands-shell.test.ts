import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, TestXend, type RunResult } from '../helpers/xend.js';
import { startXendOver, type TransportName } from '../helpers/transports.js';
import { LIST_HEADER, ok, unknown } from '../helpers/xm-checks.js';
import { Tmux, killTmuxServer } from '../helpers/tmux.js';
import { decodeResponse, encodeCall, XmlRpcFault } from '../../src/protocol/xmlrpc/index.js';

/** xm shell driven over a pipe, xm serve as ssh runs it, and xm's ssh:// transport through a stand-in ssh. */

const INTRO = 'The Xen Master. Type "help" for a list of functions.\n';

for (const transport of ['xmlrpc-unix', 'xmlrpc-tcp'] as TransportName[]) {
  describe(`xm shell over ${transport}`, () => {
    let x: TestXend;
    before(async () => {
      x = await startXendOver(transport);
    });
    after(() => x.dispose());

    test('several commands on one connection, an error that does not end it, quit', async () => {
      const r = await x.xmWith({ input: 'create /dev/null name=sh1 memory=64\nlist sh1\nxm destroy nosuch\ndomid sh1\nfrobnicate\nquit\ndestroy sh1\n' }, 'shell');
      ok(r, 'shell');
      const out = r.stdout.split('xm> ');
      assert.equal(out[0], INTRO);
      assert.equal(out[1], 'Using config file "/dev/null".\nStarted domain sh1 (id=1)\n');
      assert.ok(out[2]!.startsWith(LIST_HEADER), out[2]);
      assert.match(out[2]!.slice(LIST_HEADER.length), /^sh1 +1 +64 +1 +-b---- +\d+\.\d\n$/);
      assert.equal(out[3], '');
      assert.equal(out[4], '1\n');
      assert.equal(out[5], '*** Unknown command: frobnicate\n');
      assert.equal(out.length, 7, 'nothing after quit');
      assert.equal(r.stderr, "Error: Domain 'nosuch' does not exist.\n");
      assert.match((await x.xm('list', 'sh1')).stdout, /^sh1 /m, 'the line after quit was not run');
      ok(await x.xm('destroy', 'sh1'));
    });
  });
}

/** A request as xm 4.4's SSHTransport wrote it (LF line ends), or with CRLFs. */
function request(method: string, params: unknown[], eol = '\n'): string {
  const body = encodeCall(method, params as never);
  return [`POST /RPC2 HTTP/1.1`, 'User-Agent: Xen', 'Host: dom0', 'Content-Type: text/xml', `Content-Length: ${Buffer.byteLength(body)}`, '', body].join(eol);
}

/** The XML-RPC replies in a stream of HTTP responses, decoded (a fault as its code and string). */
function replies(stream: string): unknown[] {
  const out: unknown[] = [];
  let rest = stream;
  for (;;) {
    const head = /^HTTP\/1\.1 200 OK\r\n(?:[^\r\n]+\r\n)*?content-length: (\d+)\r\n(?:[^\r\n]+\r\n)*\r\n/i.exec(rest);
    if (!head) break;
    const start = head[0].length;
    const body = Buffer.from(rest.slice(start)).subarray(0, Number(head[1])).toString();
    rest = rest.slice(start + body.length);
    try {
      out.push(decodeResponse(body));
    } catch (err) {
      if (!(err instanceof XmlRpcFault)) throw err;
      out.push(['fault', err.faultCode, err.faultString]);
    }
  }
  assert.equal(rest, '', 'nothing but replies');
  return out;
}

describe('on the local xend: xm serve over a pipe, as `ssh dom0 xm serve` carries XML-RPC; xm shell on a terminal', () => {
  let x: TestXend;
  before(async () => {
    x = await TestXend.start();
  });
  after(() => x.dispose());

  test('Tab completes a command name, Up recalls the last line, Ctrl-C drops the line, Ctrl-D ends with status 0', async () => {
    const socket = x.path('tmux-shell.sock');
    const t = new Tmux(socket, `node ${join(REPO, 'bin/xm')} shell; echo EXITED $?; sleep 30`, x.env);
    try {
      await t.waitFor(/^xm> ?$/m);
      t.send('domi');
      await t.waitFor(/^xm> domi$/m);
      t.send('', 'Tab');
      await t.waitFor(/^xm> domid$/m);
      t.send(' Domain-0', 'Enter');
      await t.waitFor(/^xm> domid Domain-0\n0\nxm> ?$/m);
      t.send('', 'Up');
      await t.waitFor(/^0\nxm> domid Domain-0$/m);
      t.send('', 'Enter');
      await t.waitFor(/^xm> domid Domain-0\n0\nxm> domid Domain-0\n0\nxm> ?$/m);
      t.send('frobnicate', 'C-c');
      await t.waitFor(/^xm> frobnicate\^C\nxm> ?$/m);
      t.send('', 'C-d');
      await t.waitFor(/^EXITED 0$/m);
    } finally {
      t.kill();
      killTmuxServer(socket);
    }
  });

  test("requests one after another, xm 4.4's LF heads and CRLF ones; a fault is a reply like any other; end of input ends it", async () => {
    const input = [
      request('xend.domain', ['Domain-0', 0]),
      request('xend.domain', ['nosuch', 0]),
      request('xend.node.info', [], '\r\n'),
    ].join('');
    const r = await x.xmWith({ input }, 'serve');
    ok(r, 'serve');
    const [dom0, fault, info] = replies(r.stdout) as [unknown[], unknown[], unknown[]];
    assert.deepEqual(dom0.slice(0, 2), ['domain', ['domid', 0]]);
    assert.deepEqual(fault, ['fault', 3, 'nosuch']);
    assert.ok(info.some((kv) => Array.isArray(kv) && kv[0] === 'xen_major'), 'node.info answered');
  });

  test('a request that cannot be read ends the session with 400; without xend, xm serve says so', async () => {
    const bad = await x.xmWith({ input: 'POST /RPC2 HTTP/1.1\r\nContent-Length: x\r\n\r\n' }, 'serve');
    ok(bad);
    assert.match(bad.stdout, /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*bad Content-Length/);
    const down = await x.xmWith({ env: { XEND_ROOT: join(x.root, 'elsewhere') } }, 'serve');
    assert.equal(down.code, 1);
    assert.match(down.stderr, /^Error: Unable to connect to xend: No such file or directory\. Is xend running\?\nxm serve looked for xend at httpu:\/\//);
  });
});

describe('xm --server ssh://…: XML-RPC through ssh and the far xm serve (a stand-in ssh that runs it here)', () => {
  let x: TestXend;
  let bin: string;
  let env: NodeJS.ProcessEnv;
  const invocations = () => readFileSync(join(bin, 'invocations'), 'utf8').trim().split('\n');
  before(async () => {
    x = await TestXend.start();
    bin = mkdtempSync(join(tmpdir(), 'fake-ssh-'));
    // Records its arguments, then does what sshd would: runs the remote command (here always xm serve).
    writeFileSync(join(bin, 'ssh'), `#!/bin/sh\necho "$*" >> '${bin}/invocations'\nexec '${process.execPath}' '${join(REPO, 'bin/xm')}' serve\n`);
    chmodSync(join(bin, 'ssh'), 0o755);
    env = { ...x.env, PATH: `${bin}:${x.env.PATH}`, XM_SERVER: 'ssh://root@dom0:2222' };
    ok(await x.xm('create', '/dev/null', 'name=far', 'memory=64'));
  });
  after(async () => {
    await x.dispose();
    rmSync(bin, { recursive: true, force: true });
  });

  test('commands, an unknown domain, one ssh per xm; its arguments end its options with -- before the host', async () => {
    writeFileSync(join(bin, 'invocations'), '');
    const r = await x.xmWith({ env }, 'list');
    ok(r, 'list over ssh');
    assert.ok(r.stdout.startsWith(`${LIST_HEADER}Domain-0 `), r.stdout);
    assert.match(r.stdout, /\nfar +1 +64 /);
    unknown(await x.xmWith({ env }, 'domid', 'nosuch'), 'nosuch');
    assert.deepEqual(invocations(), ['-T -l root -p 2222 -- dom0 xm serve', '-T -l root -p 2222 -- dom0 xm serve']);
  });

  test('xm shell over ssh: every command on the one ssh', async () => {
    writeFileSync(join(bin, 'invocations'), '');
    const r = await x.xmWith({ env, input: 'domid far\nuptime far\ndomstate nosuch\nmem-set far 48\nlist far\n' }, 'shell');
    ok(r, 'shell over ssh');
    assert.match(r.stdout, /^xm> 1\nxm> Name +ID Uptime \nfar +1 +\d+:\d\d:\d\d\nxm> xm> xm> Name /m);
    assert.match(r.stdout, /\nfar +1 +48 /);
    assert.equal(r.stderr, "Error: Domain 'nosuch' does not exist.\n");
    assert.equal(invocations().length, 1);
  });

  test("a console through ssh: the guest's output", async () => {
    const r = await x.xmWith({ env, input: '' }, 'console', '--read-only', '--replay', 'far');
    ok(r, 'console over ssh');
    assert.match(r.stdout, /Booting paravirtualized kernel on Xen/);
    unknown(await x.xmWith({ env, input: '' }, 'console', 'nosuch'), 'nosuch');
  });

  test("an ssh that cannot connect: xm's unreachable message names it; no ssh at all likewise", async () => {
    const failing = mkdtempSync(join(tmpdir(), 'failing-ssh-'));
    try {
      writeFileSync(join(failing, 'ssh'), '#!/bin/sh\necho "ssh: connect to host dom0 port 2222: Connection refused" >&2\nexit 255\n');
      chmodSync(join(failing, 'ssh'), 0o755);
      const r = await x.xmWith({ env: { ...env, PATH: `${failing}:/usr/bin:/bin` } }, 'list');
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        'ssh: connect to host dom0 port 2222: Connection refused\nError: Unable to connect to xend: ssh to dom0 ended (exit status 255). Is xend running?\nxm looked for xend at ssh://root@dom0:2222 (XM_SERVER).\n',
      );
      const none = await x.xmWith({ env: { ...env, PATH: failing.replace(/$/, '/empty') } }, 'list');
      assert.match(none.stderr, /^Error: Unable to connect to xend: ssh executable not found\. Is xend running\?/);
      const bad = await x.xmWith({ env: { ...env, XM_SERVER: 'ssh://-oProxyCommand=touch${IFS}/tmp/x' } }, 'list');
      assert.match(bad.stderr, /^Error: invalid server URI: ssh:\/\/-oProxyCommand=\S+ \(bad host name\)\n/);
    } finally {
      rmSync(failing, { recursive: true, force: true });
    }
  });

  test("xm 4.4's own SSHTransport (its request and reply handling, in Python 3) through xm serve", async (t) => {
    const python = await new Promise<boolean>((resolve) => execFile('python3', ['--version'], (err) => resolve(!err)));
    if (!python) return t.skip('python3 is not installed');
    // SSHTransport.request of xen/util/SSHTransport.py at RELEASE-4.4.0, with bytes for Python 3.
    const script = String.raw`
import subprocess, sys, xmlrpc.client
class SSHTransport:
    def __init__(self, host, user):
        self.ssh = subprocess.Popen(['ssh', '%s@%s' % (user, host), 'xm serve'], bufsize=0, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    def request(self, host, handler, request_body, verbose=0):
        p, u = xmlrpc.client.getparser()
        self.ssh.stdin.write(("POST /%s HTTP/1.1\nUser-Agent: Xen\nHost: %s\nContent-Type: text/xml\nContent-Length: %d\n\n" % (handler, host, len(request_body))).encode() + request_body)
        self.ssh.stdin.flush()
        content_length = 0
        line = self.ssh.stdout.readline()
        if line.split()[1] != b'200':
            raise xmlrpc.client.Fault(0, 'Server returned %s' % line)
        while line not in [b'', b'\r\n', b'\n']:
            if line.lower().startswith(b'content-length:'):
                content_length = int(line[15:].strip())
            line = self.ssh.stdout.readline()
        p.feed(self.ssh.stdout.read(content_length))
        p.close()
        return u.close()
server = xmlrpc.client.ServerProxy('http://dom0/RPC2', transport=SSHTransport('dom0', 'root'))
print(server.xend.domain('far', 0)[1])
print(server.xend.domains(0))
try:
    server.xend.domain('nosuch', 0)
except xmlrpc.client.Fault as f:
    print(f.faultCode, f.faultString)
`;
    const r = await new Promise<RunResult>((resolve) =>
      execFile('python3', ['-c', script], { env, timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr })),
    );
    ok(r, 'python');
    assert.equal(r.stdout, "['domid', 1]\n['Domain-0', 'far']\n3 nosuch\n");
  });
});
