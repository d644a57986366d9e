// Shared pieces of the benchmark suite: timing whole processes, alternating
// subjects with baselines, private xend instances on temp roots, a minimal
// XML-RPC client, and cleanup that runs even when a benchmark throws or the
// run is interrupted. Nothing here asserts anything about speed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
export const benchDir = join(repo, 'bench');
export const node = process.execPath;
/** The launcher package.json installs as `name` (so a launcher change is measured as shipped). */
const binField = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).bin ?? {};
export const bin = (name) => join(repo, binField[name] ?? join('bin', name));

// ---------------------------------------------------------------- statistics

export const median = (xs) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const sum = (xs) => xs.reduce((a, b) => a + b, 0);
/** A table row: the subject's median against its baseline's, as their ratio (lower is better, in ms, unless said). */
export const ratioRow = ({ subject, base, note, unit = 'ms', better = 'lower', target = null, ...row }) => ({
  ...row,
  unit,
  better,
  subject,
  base,
  ratio: subject / base,
  target,
  ...(note && { note }),
});
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- cleanup

const cleanups = [];
/** Registers fn to run (once, last in first out) at the end of the run, on failure, or on SIGINT/SIGTERM. */
export function onCleanup(fn) {
  const entry = { fn, done: false };
  cleanups.push(entry);
  return () => {
    if (entry.done) return;
    entry.done = true;
    fn();
  };
}
export function runCleanups() {
  while (cleanups.length) {
    const e = cleanups.pop();
    if (e.done) continue;
    e.done = true;
    try {
      e.fn();
    } catch (err) {
      process.stderr.write(`bench: cleanup failed: ${err.message}\n`);
    }
  }
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    process.stderr.write(`\nbench: ${sig}, stopping everything this run started\n`);
    runCleanups();
    process.exit(130);
  });
}
process.on('exit', runCleanups);

// ---------------------------------------------------------------- processes

/**
 * Runs cmd to completion with stdout and stderr on /dev/null (as a terminal-less
 * script would; no pipe for the child to set up); returns wall milliseconds.
 * Throws on a non-zero exit, with the stderr of a second, untimed run.
 */
export function timeProcess(cmd, env = process.env, stdio = 'ignore') {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), { env, stdio });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) {
    const again = spawnSync(cmd[0], cmd.slice(1), { env, encoding: 'utf8' });
    throw new Error(`${cmd.join(' ')} exited ${r.status ?? r.signal}: ${String(again.stderr).trim().slice(0, 300)}`);
  }
  return ms;
}

export function run(cmd, env = process.env) {
  return spawnSync(cmd[0], cmd.slice(1), { env, encoding: 'utf8' });
}

/** A free TCP port on 127.0.0.1 (released before returning; good enough on a private loopback). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Alternates commands round-robin: every round runs each command once (the
 * starting command rotates so no command always follows the same one), after
 * `warmup` unrecorded rounds. Returns { name: [ms, …] }.
 * A command is { name, cmd, env?, stdio?, after? } — `after(recorded)` runs untimed after it (e.g. a destroy).
 */
export function alternate(commands, rounds, warmup, progress = () => {}) {
  const samples = Object.fromEntries(commands.map((c) => [c.name, []]));
  for (let r = 0; r < warmup + rounds; r++) {
    for (let k = 0; k < commands.length; k++) {
      const c = commands[(r + k) % commands.length];
      const ms = timeProcess(c.cmd, c.env, c.stdio);
      c.after?.(r >= warmup);
      if (r >= warmup) samples[c.name].push(ms);
    }
    progress(r + 1, warmup + rounds);
  }
  return samples;
}

/** VmRSS and VmHWM of a process in KiB, from /proc/<pid>/status. */
/** CPU seconds (user + system, all threads) a process has used so far, from /proc; null where there is no /proc. */
let clockTicks;
export function cpuSecondsOf(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
  // Fields after the parenthesised command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

export function memoryOf(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
}

/** Whether pid is alive and is one of this root's xend processes (never a recycled pid). */
function belongsTo(pid, root) {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`XEND_ROOT=${root}`);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- XML-RPC

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
function encodeValue(v) {
  if (v === null || v === undefined) return '<nil/>';
  if (typeof v === 'boolean') return `<boolean>${v ? 1 : 0}</boolean>`;
  if (typeof v === 'number') return Number.isInteger(v) ? `<int>${v}</int>` : `<double>${v}</double>`;
  if (typeof v === 'string') return `<string>${esc(v)}</string>`;
  if (Array.isArray(v)) return `<array><data>${v.map((x) => `<value>${encodeValue(x)}</value>`).join('')}</data></array>`;
  return `<struct>${Object.entries(v).map(([k, x]) => `<member><name>${esc(k)}</name><value>${encodeValue(x)}</value></member>`).join('')}</struct>`;
}
/** The request body Python's xmlrpc.client would send for method(params…). */
export function encodeCall(method, params) {
  return `<?xml version='1.0'?>\n<methodCall>\n<methodName>${esc(method)}</methodName>\n<params>\n${params
    .map((p) => `<param>\n<value>${encodeValue(p)}</value>\n</param>\n`)
    .join('')}</params>\n</methodCall>\n`;
}

/**
 * One keep-alive XML-RPC connection to xend (Unix socket or TCP). `raw` returns the
 * response body; `call` throws on a fault. The bench never decodes full values: it
 * needs only faults and sizes.
 */
export class RpcClient {
  constructor(target) {
    this.target = target; // { socketPath } or { host, port }
    this.agent = new Agent({ keepAlive: true, maxSockets: 1 });
  }
  raw(method, params = []) {
    const body = Buffer.from(encodeCall(method, params));
    return new Promise((resolve, reject) => {
      const req = request(
        {
          ...this.target,
          agent: this.agent,
          method: 'POST',
          path: '/RPC2',
          headers: { 'Content-Type': 'text/xml', 'Content-Length': body.length },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () =>
            res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${method}: HTTP ${res.statusCode}`)),
          );
          res.on('error', reject);
        },
      );
      req.setTimeout(60_000, () => req.destroy(new Error(`${method}: timed out`)));
      req.on('error', reject);
      req.end(body);
    });
  }
  async call(method, params = []) {
    const xml = (await this.raw(method, params)).toString('utf8');
    if (xml.includes('<fault>')) {
      const msg = /<name>faultString<\/name>\s*<value>(?:<string>)?([^<]*)/.exec(xml)?.[1] ?? xml.slice(0, 200);
      throw new Error(`${method}: fault: ${msg}`);
    }
    return xml;
  }
  /** Wall milliseconds of one call. */
  async time(method, params = []) {
    const t = process.hrtime.bigint();
    await this.call(method, params);
    return Number(process.hrtime.bigint() - t) / 1e6;
  }
  close() {
    this.agent.destroy();
  }
}

// ---------------------------------------------------------------- xend instances

/** The SXP config `xm create /dev/null name=NAME memory=64` sends (taken from xm's own dry run). */
let createTemplate;
export function createConfig(name, env = process.env) {
  if (!createTemplate) {
    const r = run([node, bin('xm'), 'create', '-n', '--json', '/dev/null', 'name=__NAME__', 'memory=64'], env);
    if (r.status !== 0) throw new Error(`xm create -n failed: ${r.stderr}`);
    createTemplate = JSON.parse(r.stdout).config;
  }
  return JSON.parse(JSON.stringify(createTemplate).replace('__NAME__', name));
}

/**
 * A private xend on a temp XEND_ROOT. start() runs `xend start`; stop() (also run
 * by cleanup) runs `xend stop`, kills what is left of it by pid, removes the root.
 */
export class Xend {
  constructor(label, { tcpPort = null, extraConfig = '' } = {}) {
    this.label = label;
    this.root = mkdtempSync(join(tmpdir(), `xend-bench-${label}-`));
    mkdirSync(join(this.root, 'etc/xen'), { recursive: true });
    this.tcpPort = tcpPort;
    const tcp = tcpPort
      ? `(xend-tcp-xmlrpc-server yes)\n(xend-tcp-xmlrpc-server-address 127.0.0.1)\n(xend-tcp-xmlrpc-server-port ${tcpPort})\n`
      : '';
    writeFileSync(join(this.root, 'etc/xen/xend-config.sxp'), `(sim-host-memory 1048576)\n${tcp}${extraConfig}`);
    this.env = { ...process.env, XEND_ROOT: this.root };
    delete this.env.XM_SERVER;
    delete this.env.XEND_CONFIG;
    delete this.env.XM_CONFIG_FILE;
    this.socketPath = join(this.root, 'var/run/xend/xmlrpc.sock');
    this.guests = 0;
    this.release = onCleanup(() => this.teardown());
  }
  xend(...args) {
    const r = run([node, bin('xend'), ...args], this.env);
    if (r.status !== 0) throw new Error(`xend ${args.join(' ')} (${this.label}) exited ${r.status}: ${r.stderr.trim()}`);
    return r;
  }
  /** The worker (xend.pid) and its monitor (status.json), as far as the files say. */
  pids() {
    const pids = [this.pid()];
    try {
      pids.push(JSON.parse(readFileSync(join(this.root, 'var/run/xend/status.json'), 'utf8')).monitorPid);
    } catch {
      // no status file
    }
    return pids.filter(Boolean);
  }
  start() {
    this.xend('start');
    this.rpc = new RpcClient({ socketPath: this.socketPath });
    return this;
  }
  /** The worker's pid (xend.pid), or null. */
  pid() {
    try {
      return Number(readFileSync(join(this.root, 'var/run/xend.pid'), 'utf8').trim()) || null;
    } catch {
      return null;
    }
  }
  memory() {
    return memoryOf(this.pid());
  }
  /** Creates running guests bench0001… over XML-RPC (create, then unpause, as xm create) until there are n; returns the create calls' wall ms. */
  async grow(n, onEach) {
    const times = [];
    while (this.guests < n) {
      const name = `bench${String(this.guests + 1).padStart(4, '0')}`;
      const t = process.hrtime.bigint();
      await this.rpc.call('xend.domain.create', [createConfig(name, this.env)]);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      await this.rpc.call('xend.domain.unpause', [name]); // as xm create does: guests run
      this.guests++;
      await onEach?.(this.guests);
    }
    return times;
  }
  /** How many domains (Domain-0 included) xend lists. */
  async count() {
    const xml = await this.rpc.call('xend.domains_with_state', [false, 'all', 0]);
    return (xml.match(/<value>/g) ?? []).length - 1; // the outer array's <value>
  }
  teardown() {
    this.rpc?.close();
    if (!existsSync(this.root)) return;
    const pids = this.pids();
    spawnSync(node, [bin('xend'), 'stop'], { env: this.env, stdio: 'ignore', timeout: 30_000 });
    for (const pid of pids) {
      if (!belongsTo(pid, this.root)) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    rmSync(this.root, { recursive: true, force: true });
  }
  stop() {
    this.release();
  }
}

/** Starts a child that prints one line when ready; resolves with { child, line }. Killed by cleanup. */
export function startChild(cmd, { env = process.env, timeoutMs = 15_000 } = {}) {
  const child = spawn(cmd[0], cmd.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const release = onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${cmd.join(' ')}: not ready after ${timeoutMs} ms: ${err}`)), timeoutMs);
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve({ child, line: out.slice(0, nl), stop: release });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${cmd.join(' ')} exited ${code}: ${err.trim()}`));
    });
  });
}

/** Whether an executable runs here, and why not. */
export function probe(cmd) {
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', timeout: 10_000 });
  if (r.error) return { ok: false, reason: r.error.code === 'ENOENT' ? `${cmd[0]} not installed` : r.error.message };
  if (r.status !== 0) return { ok: false, reason: `${cmd.join(' ')} exited ${r.status}: ${(r.stderr || '').trim().split('\n')[0]}` };
  return { ok: true };
}

export function log(text) {
  process.stderr.write(`${text}\n`);
}
