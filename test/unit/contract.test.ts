import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMAIN_PATH, XEND, type MethodSpec, type Param } from '../../src/protocol/methods.js';
import { domainOps } from '../../src/protocol/http-ops.js';
import { legacyMethods, type Method } from '../../src/daemon/methods.js';
import { httpHandler } from '../../src/daemon/servers/http.js';
import { confinePaths } from '../../src/daemon/path-policy.js';
import { HttpTransport } from '../../src/transport/http.js';
import { XendClient } from '../../src/client/xend-client.js';
import type { Transport } from '../../src/transport/types.js';
import { show } from '../../src/sxp/index.js';
import type { XmlRpcValue } from '../../src/protocol/xmlrpc/index.js';
import type { Sxp } from '../../src/sxp/types.js';

/** The self-check over the one wire contract (src/protocol/methods.ts), like virsh's over its command table. */
const specs = Object.values(XEND) as MethodSpec[];
const withHttp = specs.filter((m) => m.http);

/** A value of each kind of parameter, as a client sends it. */
function sample(p: Param): XmlRpcValue {
  const values: Record<Param['kind'], XmlRpcValue> = {
    domain: 'vm1',
    text: 'word',
    token: '1',
    int: 5,
    optInt: 7,
    bool: true,
    optBool: true,
    path: '/srv/f',
    optPath: '/srv/f',
    sxp: p.role === 'vm' ? ['vm', ['name', 'vm1']] : p.role === 'device' ? ['vbd', ['uname', 'file:/srv/f'], ['dev', 'xvdb'], ['mode', 'w']] : ['pool', ['name_label', 'p1']],
    names: ['p1'],
  };
  return values[p.kind];
}

const isFile = (p: Param): boolean => p.role === 'save' || p.role === 'dump';

/** An argument as the HTTP server hands it on: form fields are text, a flag may already be a boolean. */
const asText = (v: unknown): string => (v === true ? '1' : v === false ? '0' : Array.isArray(v) ? show(v as Sxp) : String(v));

describe('the wire contract', () => {
  test('names, HTTP requests and parameter names are each used once', () => {
    const unique = (what: string, keys: string[]) => assert.deepEqual(keys.filter((k, i) => keys.indexOf(k) !== i), [], `${what} used twice`);
    unique('method name', specs.map((m) => m.name));
    unique('HTTP request', withHttp.map((m) => `${m.http!.verb} ${m.http!.path} ${m.http!.op ?? ''}`));
    for (const m of specs) unique(`${m.name}: parameter`, m.params.map((p) => p.name));
    // xm 4.4 called the vnet methods by XendVnet's old names (xend_vnets, …).
    assert.ok(specs.every((m) => m.name.startsWith('xend.') || m.name.startsWith('xend_vnet')));
  });

  test('an HTTP request carries only parameters of its method, and a domain path takes the domain', () => {
    for (const m of withHttp) {
      const inPath = m.http!.path === DOMAIN_PATH;
      if (inPath) assert.equal(m.params[0]?.kind, 'domain', `${m.name}: ${DOMAIN_PATH} needs a domain first`);
      for (const f of m.http!.fields) {
        const i = m.params.findIndex((p) => p.name === f);
        assert.ok(i >= (inPath ? 1 : 0), `${m.name}: field ${f} is not a parameter`);
      }
      if (m.http!.verb === 'POST') assert.ok(m.http!.op, `${m.name}: a POST needs an op`);
    }
    assert.equal(domainOps.size, withHttp.filter((m) => m.http!.path === DOMAIN_PATH && m.http!.op).length);
  });

  test('every file parameter has a role the path policy confines, and only file parameters do', () => {
    for (const m of specs) {
      for (const p of m.params) {
        // A file parameter, or a domain that may be given as the file of a restore (migrateProgress).
        const isPath = p.kind === 'path' || p.kind === 'optPath' || (p.kind === 'domain' && p.role === 'save');
        assert.equal(isPath, isFile(p), `${m.name}: ${p.name}`);
        // The other roles: the configs it names files in, and the host's devices.
        if (p.role === 'vm' || p.role === 'device') assert.equal(p.kind, 'sxp', `${m.name}: ${p.name}`);
        if (p.role === 'hostDevice') assert.equal(p.kind, 'text', `${m.name}: ${p.name}`);
      }
    }
  });

  test('the daemon implements every method, under its wire name', () => {
    const table = legacyMethods({ domains: {}, node: {}, checkpoints: {}, managed: {} } as never);
    assert.deepEqual([...table.keys()].sort(), specs.map((m) => m.name).sort());
  });

  test("the client's calls send their named arguments in the contract's order", async () => {
    const sent: [string, XmlRpcValue[]][] = [];
    const transport: Transport = { call: async (method, params) => (sent.push([method, params]), null), openConsole: () => Promise.reject(new Error('no console')), close: () => {} };
    const client = new XendClient(transport);
    const api = client.api as unknown as Record<string, (args?: Record<string, XmlRpcValue>) => Promise<unknown>>;
    for (const [key, m] of Object.entries(XEND) as [string, MethodSpec][]) {
      await api[key]!(Object.fromEntries(m.params.map((p) => [p.name, sample(p)])));
      assert.deepEqual(sent.pop(), [m.name, m.params.map(sample)]);
    }
    // xm 4.4's order, as XendDomain.domain_migrate(domid, dst, live, port, node, ssl, chs) took it.
    await client.migrate('vm1', 'host2', { live: true, port: 8002, node: -1, ssl: null, changeHome: false });
    assert.deepEqual(sent.pop(), ['xend.domain.migrate', ['vm1', 'host2', true, 8002, -1, null, false]]);
  });

  test('a confined server refuses a file outside its directory for every method that names one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contract-'));
    try {
      const reached: string[] = [];
      const table = new Map<string, Method>(specs.map((m) => [m.name, () => void reached.push(m.name)]));
      const confined = confinePaths(table, { save: dir, dump: dir }, { imageDirs: [dir], blockDevices: [], scriptsDir: dir, allowForeignScripts: false });
      for (const m of specs) {
        const i = m.params.findIndex(isFile);
        if (i < 0) continue;
        const args: unknown[] = m.params.map(sample);
        args[i] = '/etc/passwd';
        await assert.rejects(async () => confined.get(m.name)!(...args), /a client other than root may only use files in/, m.name);
        args[i] = join(dir, 'f');
        await confined.get(m.name)!(...args);
        if (m.params[i]!.kind !== 'domain') continue;
        args[i] = 'vm1'; // a domain's name is no file
        await confined.get(m.name)!(...args);
      }
      assert.deepEqual(reached, specs.flatMap((m) => (m.params.some(isFile) ? [m.name, ...(m.params.some((p) => isFile(p) && p.kind === 'domain') ? [m.name] : [])] : [])));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a confined server holds a device's files to a domain config's rule", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contract-'));
    try {
      const table = new Map<string, Method>(specs.map((m) => [m.name, () => 'reached']));
      const confined = confinePaths(table, { save: dir, dump: dir }, { imageDirs: [dir], blockDevices: [], scriptsDir: dir, allowForeignScripts: false });
      const withDevice = specs.filter((m) => m.params.some((p) => p.role === 'device'));
      assert.deepEqual(withDevice.map((m) => m.name), ['xend.domain.device_create', 'xend.domain.device_configure']);
      for (const m of withDevice) {
        const i = m.params.findIndex((p) => p.role === 'device');
        const args: unknown[] = m.params.map(sample);
        for (const refused of [['vbd', ['uname', 'file:/etc/shadow'], ['dev', 'xvdb']], ['tap', ['uname', 'tap:aio:/etc/shadow']], ['vbd', ['uname', 'phy:/dev/sda']], ['vif', ['script', '/tmp/evil']], ['pci', ['dev', ['slot', '0x1']]]]) {
          args[i] = refused;
          assert.throws(() => confined.get(m.name)!(...args), /a client other than root may/, `${m.name} ${JSON.stringify(refused)}`);
        }
        args[i] = show(['vbd', ['uname', 'file:/etc/shadow'], ['dev', 'xvdb']]);
        assert.throws(() => confined.get(m.name)!(...args), /a client other than root may/, `${m.name} over HTTP`);
        args[i] = ['vbd', ['uname', `file:${join(dir, 'disk.img')}`], ['dev', 'xvdb'], ['mode', 'w']];
        assert.equal(confined.get(m.name)!(...args), 'reached');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('over HTTP, the transport and the server agree on every method', () => {
    let server: Server;
    let dir: string;
    let transport: HttpTransport;
    const calls: { name: string; args: unknown[] }[] = [];
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'contract-'));
      const reply = (m: MethodSpec) => (m.http?.reply === 'struct' ? {} : m.http?.reply === 'node' ? [] : ['domain', ['name', 'vm1']]);
      const table = new Map<string, Method>(specs.map((m) => [m.name, (...args) => (calls.push({ name: m.name, args }), reply(m))]));
      server = createServer(httpHandler(table));
      const socketPath = join(dir, 'http.sock');
      await new Promise<void>((resolve) => server.listen(socketPath, resolve));
      transport = new HttpTransport({ protocol: 'http', socketPath });
    });
    after(async () => {
      transport.close();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    });

    test('each request reaches its method with the fields it carried', async () => {
      for (const m of withHttp) {
        calls.length = 0;
        const sent = m.params.map(sample);
        const result = await transport.call(m.name, sent);
        // A method that returns nothing is answered without a body, whatever its implementation gave back.
        if (m.http!.reply === 'none') assert.equal(result, null, m.name);
        assert.equal(calls.length, 1, `${m.name} reached ${calls.map((c) => c.name).join(', ') || 'nothing'}`);
        assert.equal(calls[0]!.name, m.name);
        const carried = m.http!.path === DOMAIN_PATH ? [m.params[0]!.name, ...m.http!.fields] : m.http!.fields;
        for (const f of carried) {
          const i = m.params.findIndex((p) => p.name === f);
          assert.equal(asText(calls[0]!.args[i]), asText(sent[i]), `${m.name}: ${f}`);
        }
      }
    });
  });
});
