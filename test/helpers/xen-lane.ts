// The Xen test lane: Xen 4.17 with a PV dom0 booted under QEMU (TCG), built by
// scripts/build-xen-lane.sh. Commands reach dom0 on a virtio-serial port read by a plain
// shell (flow-controlled, no tty echo: the serial console drops characters under TCG);
// xend's TCP listeners in dom0 are forwarded to the host by QEMU's user network.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, runBin, type RunResult } from './xend.js';
import { freePort } from './transports.js';

/** The lane's directory (built or cached), or why there is none: the tests then skip and say so. */
export function buildXenLane(): { dir: string } | { skip: string } {
  // CI's second Node pass leaves it out: it would boot the same lane again for 10 minutes.
  if (process.env.XEN_LANE === 'off') return { skip: 'XEN_LANE=off' };
  if (spawnSync('qemu-system-x86_64', ['--version']).status !== 0) return { skip: 'qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)' };
  const r = spawnSync(join(REPO, 'scripts/build-xen-lane.sh'), { encoding: 'utf8', timeout: 900_000 });
  if (r.status !== 0) return { skip: `the Xen lane could not be built: ${r.stderr.trim().split('\n').slice(-3).join(' / ') || `status ${r.status ?? r.signal}`}` };
  return { dir: r.stdout.trim() };
}

export interface LaneOptions {
  /** dom0 TCP ports forwarded to free ports on the host's 127.0.0.1 (see XenLane.hostPort). */
  forward?: readonly number[];
  /** Bound on boot to the agent's ready line: generous, a shared 2-core machine under TCG is slow. */
  bootTimeoutMs?: number;
}

export interface Dom0Result {
  code: number;
  out: string;
}

const READY = '@@LANE-READY\n';
/**
 * QEMU's TCG "max" CPU (SVM with nested paging: PVH guests run) without XSAVE and the AVX
 * family. With XSAVE, Xen switches vCPUs' extended state with XSAVE/XRSTOR, and under QEMU
 * 7.2's TCG dom0's processes were corrupted once guests ran (node and xl died of SIGSEGV,
 * SIGILL, ld.so assertions; one dom0 vCPU or no PCID did not help): without it, Xen uses
 * FXSAVE and whole runs are clean. AVX needs XSAVE (and its emulation is new in 7.2).
 */
const CPU = 'max,avx=off,avx2=off,fma=off,f16c=off,xsave=off';
/**
 * Xen's command line: dom0 with fixed memory and one vCPU (in a run with two, `xl
 * cpupool-cpu-remove Pool-0 1` did not return in 120 s under TCG) pinned to CPU 0 (the
 * scheduler never moves it; the runs that measured the lane's PVH timer settings
 * had it), and SMAP/SMEP off, which TCG's PV dom0 needs.
 */
const XEN_CMDLINE = 'console=com1 com1=115200,8n1 dom0_mem=768M,max:768M dom0_max_vcpus=1 dom0_vcpus_pin smap=0 smep=0 noreboot';

/** One booted lane: QEMU in the background, the agent's channel, and the host ports of dom0's listeners. */
export class XenLane {
  readonly stages: Record<string, number> = {};
  private buffer = '';
  private waiters: Array<() => void> = [];
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private exited: string | undefined;

  private constructor(
    private readonly qemu: ChildProcess,
    private readonly run: string,
    private readonly agentServer: Server,
    private readonly ports: ReadonlyMap<number, number>,
    private agent?: Socket,
  ) {}

  /** Boots the lane; resolves when dom0's agent is up (xl usable), rejects with QEMU's output or the serial log's tail. */
  static async boot(dir: string, opts: LaneOptions = {}): Promise<XenLane> {
    const run = mkdtempSync(join(tmpdir(), 'xen-lane-'));
    const agentServer = createServer();
    await new Promise<void>((done) => agentServer.listen(join(run, 'agent.sock'), done));
    const ports = new Map<number, number>();
    for (const p of opts.forward ?? []) ports.set(p, await freePort());
    const hostfwd = [...ports].map(([guest, host]) => `,hostfwd=tcp:127.0.0.1:${host}-10.0.2.15:${guest}`).join('');
    const args = [
      '-n', '5', 'qemu-system-x86_64', '-accel', 'tcg,thread=single', '-cpu', CPU, '-m', '1536', '-smp', '2',
      '-display', 'none', '-no-user-config', '-nodefaults', '-no-reboot',
      '-kernel', join(dir, 'xen'),
      '-append', XEN_CMDLINE,
      '-initrd', `${join(dir, 'dom0-vmlinuz')} console=hvc0 earlyprintk=xen panic=-1 quiet,${join(dir, 'dom0-initrd.gz')}`,
      '-qmp', `unix:${join(run, 'qmp.sock')},server=on,wait=off`,
      '-serial', `file:${join(run, 'serial.log')}`,
      '-chardev', `socket,id=agent,path=${join(run, 'agent.sock')},server=off`,
      '-device', 'virtio-serial-pci', '-device', 'virtserialport,chardev=agent,name=lane.agent',
      '-netdev', `user,id=n0${hostfwd}`, '-device', 'e1000,netdev=n0',
    ];
    const started = Date.now();
    const qemu = spawn('nice', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const lane = new XenLane(qemu, run, agentServer, ports);
    let stderr = '';
    qemu.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    qemu.on('exit', (code, signal) => {
      lane.exited = `QEMU exited (${code ?? signal}): ${stderr.trim()}`;
      lane.wake();
    });
    agentServer.on('connection', (sock) => {
      lane.agent = sock;
      sock.setEncoding('utf8');
      sock.on('data', (d: string) => {
        lane.buffer += d;
        lane.wake();
      });
    });
    try {
      await lane.until(() => lane.buffer.includes(READY), opts.bootTimeoutMs ?? 400_000, 'dom0 agent ready');
    } catch (e) {
      await lane.stop();
      throw e;
    }
    lane.buffer = lane.buffer.slice(lane.buffer.indexOf(READY) + READY.length);
    lane.stages.readyMs = Date.now() - started;
    return lane;
  }

  /** The host port that reaches dom0's `guestPort` (given in LaneOptions.forward). */
  hostPort(guestPort: number): number {
    const p = this.ports.get(guestPort);
    if (p === undefined) throw new Error(`dom0 port ${guestPort} is not forwarded`);
    return p;
  }

  /** The serial console's log (Xen's and dom0's messages), for a failing test's diagnosis. */
  serialLog(): string {
    try {
      return readFileSync(join(this.run, 'serial.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /**
   * Runs a shell command in dom0 (in a subshell, stdin /dev/null, stderr merged) and
   * returns its output and status. One at a time, in order of call.
   */
  dom0(command: string, timeoutMs = 120_000): Promise<Dom0Result> {
    const result = this.queue.then(() => this.exec(command, timeoutMs));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Writes a file in dom0 (base64 on the wire: any content survives the shell). */
  async writeFile(path: string, text: string): Promise<void> {
    const r = await this.dom0(`mkdir -p "$(dirname '${path}')" && echo '${Buffer.from(text).toString('base64')}' | base64 -d > '${path}'`);
    if (r.code !== 0) throw new Error(`writing ${path} in dom0 failed: ${r.out}`);
  }

  private async exec(command: string, timeoutMs: number): Promise<Dom0Result> {
    if (!this.agent || this.exited) throw new Error(this.exited ?? 'the lane has no agent');
    const id = this.nextId++;
    const begin = `@@BEGIN${id}\n`;
    const end = new RegExp(`@@END${id} rc=(\\d+)\\n`);
    // The markers' digits are put together by the shell, so nothing but its output matches them.
    this.agent.write(`echo "@@BEGIN""${id}"; (\n${command}\n) </dev/null 2>&1; echo "@@END""${id} rc=$?"\n`);
    await this.until(() => end.test(this.buffer), timeoutMs, `dom0 command: ${command}`);
    const m = end.exec(this.buffer) as RegExpExecArray;
    const start = this.buffer.indexOf(begin);
    const out = this.buffer.slice(start < 0 ? 0 : start + begin.length, m.index);
    this.buffer = this.buffer.slice(m.index + m[0].length);
    return { code: Number(m[1]), out };
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits for `cond` on each event (agent data, QEMU exit), bounded. */
  private until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`${what}: not done in ${timeoutMs} ms\n--- serial log tail ---\n${this.serialLog().slice(-3000)}`)), timeoutMs);
      const check = (): void => {
        if (cond()) {
          clearTimeout(timer);
          done();
        } else if (this.exited) {
          clearTimeout(timer);
          fail(new Error(`${what}: ${this.exited}\n--- serial log tail ---\n${this.serialLog().slice(-3000)}`));
        } else this.waiters.push(check);
      };
      check();
    });
  }

  /** Stops QEMU: QMP quit, then SIGTERM and SIGKILL if it lingers (bounded), and removes the run directory. */
  async stop(): Promise<void> {
    if (!this.exited && this.qemu.exitCode === null) {
      await new Promise<void>((done) => {
        const s = connect(join(this.run, 'qmp.sock'));
        s.on('error', () => done());
        s.on('close', () => done());
        s.on('connect', () => s.write('{"execute":"qmp_capabilities"}\n{"execute":"quit"}\n'));
        setTimeout(() => s.destroy(), 5_000).unref();
      });
      await this.exitWithin(10_000, 'SIGTERM');
      await this.exitWithin(5_000, 'SIGKILL');
    }
    this.agent?.destroy();
    this.agentServer.close();
    rmSync(this.run, { recursive: true, force: true });
  }

  private exitWithin(ms: number, signal: NodeJS.Signals): Promise<void> {
    if (this.qemu.exitCode !== null || this.qemu.signalCode !== null) return Promise.resolve();
    return new Promise((done) => {
      const timer = setTimeout(() => {
        this.qemu.kill(signal);
        done();
      }, ms);
      this.qemu.once('exit', () => {
        clearTimeout(timer);
        done();
      });
    });
  }
}

/**
 * A xend in dom0, started with the given xend-config.sxp: on dom0's real paths (root ''),
 * as an administrator runs it, or on its own XEND_ROOT (a second xend, for migration).
 * xm reaches it from dom0 over its Unix socket and from the host over TCP.
 */
export class Dom0Xend {
  /** The shell's words that choose this xend's paths. */
  private readonly env: string;

  constructor(
    readonly lane: XenLane,
    readonly root: string,
    readonly tcpPort: number,
  ) {
    this.env = root ? `XEND_ROOT=${root}` : '';
  }

  /** Starts it (`bin/xend start` in /opt/xend); its TCP XML-RPC listener is on dom0's `tcpPort`, which the lane forwards. */
  static async start(lane: XenLane, root: string, tcpPort: number, config = ''): Promise<Dom0Xend> {
    const x = new Dom0Xend(lane, root, tcpPort);
    const sxp = `(xend-unix-xmlrpc-server yes)\n(xend-tcp-xmlrpc-server yes)\n(xend-tcp-xmlrpc-server-address '0.0.0.0')\n(xend-tcp-xmlrpc-server-port ${tcpPort})\n${config}`;
    await lane.writeFile(`${root}/etc/xen/xend-config.sxp`, sxp);
    const r = await x.xend('start');
    if (r.code !== 0) throw new Error(`xend start in dom0 failed (${r.code}): ${r.out}`);
    return x;
  }

  /** `bin/xend ARGS` in dom0 (its output kept in the root, so no daemon holds the agent's port). */
  xend(...args: string[]): Promise<Dom0Result> {
    const out = `${this.root || '/run'}/xend-test.out`;
    return this.lane.dom0(`cd /opt/xend && ${this.env} bin/xend ${args.join(' ')} >${out} 2>&1; rc=$?; cat ${out}; exit $rc`, 180_000);
  }

  /** `xm ARGS` in dom0 over xend's Unix socket (arguments are the test's own, quoted for the shell). */
  xmInDom0(...args: string[]): Promise<Dom0Result> {
    const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    return this.lane.dom0(`cd /opt/xend && ${this.env} bin/xm ${quoted}`);
  }

  /** The host's URI of this xend's TCP XML-RPC listener. */
  get uri(): string {
    return `http://127.0.0.1:${this.lane.hostPort(this.tcpPort)}`;
  }

  /** `bin/xm ARGS` on the host, over TCP through QEMU's port forward. */
  xm(...args: string[]): Promise<RunResult> {
    return this.xmWith({}, ...args);
  }

  xmWith(opts: { input?: string; timeoutMs?: number }, ...args: string[]): Promise<RunResult> {
    const { XEND_ROOT: _r, XEND_CONFIG: _c, ...base } = process.env;
    return runBin(join(REPO, 'bin/xm'), args, { ...base, XM_SERVER: this.uri }, { timeoutMs: 120_000, ...opts });
  }
}
