/**
 * The operating system inside a simulated domain, as much as its console shows:
 * a Linux-like boot log, then a small shell (echo, uname, uptime, ls, cat, free,
 * hostname, variables, poweroff, reboot, yes). It runs only while the domain runs.
 */
export interface GuestHost {
  name: string;
  vcpus: () => number;
  memoryMiB: () => number;
  /** Seconds since the domain was built. */
  uptime: () => number;
  output(text: string): void;
  /** The guest halts itself (poweroff/reboot typed at its shell, SysRq o/b), or its kernel dies (SysRq c). */
  halt(reason: 'poweroff' | 'reboot' | 'crash'): void;
}

const KERNEL = '3.2.0-4-amd64';

function bootLog(h: GuestHost): string[] {
  return [
    `[    0.000000] Linux version ${KERNEL} (debian-kernel@lists.debian.org) (gcc version 4.6.3 (Debian 4.6.3-14) ) #1 SMP Debian 3.2.51-1`,
    '[    0.000000] Command line: root=/dev/xvda1 ro console=hvc0',
    '[    0.000000] Booting paravirtualized kernel on Xen',
    '[    0.000000] Xen version: 4.4.4 (preserve-AD)',
    `[    0.000000] Memory: ${h.memoryMiB() * 1024 - 24_000}k/${h.memoryMiB() * 1024}k available`,
    `[    0.000000] SMP: Allowing ${h.vcpus()} CPUs, 0 hotplug CPUs`,
    '[    0.004000] console [hvc0] enabled',
    '[    0.112000] Initializing cgroup subsys cpuset',
    `[    0.240000] Brought up ${h.vcpus()} CPUs`,
    '[    0.512000] blkfront: xvda: barrier: enabled',
    '[    0.520000]  xvda: xvda1',
    '[    0.604000] Initialising Xen virtual ethernet driver.',
    '[    0.912000] EXT4-fs (xvda1): mounted filesystem with ordered data mode',
    '[    1.020000] Freeing unused kernel memory: 572k freed',
    'INIT: version 2.88 booting',
    '[info] Using makefile-style concurrent boot in runlevel S.',
    '[ ok ] Setting hostname to \'' + h.name + '\'...done.',
    '[ ok ] Configuring network interfaces...done.',
    '[ ok ] Starting OpenBSD Secure Shell server: sshd.',
    '',
    `Debian GNU/Linux 7 ${h.name} hvc0`,
    '',
    `${h.name} login: root (automatic login)`,
    '',
  ];
}

/** What Linux 3.2's sysrq.c prints for each key (`SysRq : <action>`), and what follows. */
const SYSRQ: Record<string, { action: string; then?: string }> = {
  b: { action: 'Resetting' },
  c: { action: 'Trigger a crash' },
  d: { action: 'Show Locks Held' },
  e: { action: 'Terminate All Tasks' },
  f: { action: 'Manual OOM execution' },
  i: { action: 'Kill All Tasks' },
  j: { action: 'Emergency Thaw of all frozen filesystems' },
  k: { action: 'SAK' },
  l: { action: 'Show backtrace of all active CPUs' },
  m: { action: 'Show Memory' },
  n: { action: 'Nice All RT Tasks' },
  o: { action: 'Power Off' },
  p: { action: 'Show Regs' },
  q: { action: 'Show clockevent devices & pending hrtimers (no others)' },
  r: { action: 'Keyboard mode set to system default' },
  s: { action: 'Emergency Sync', then: 'Emergency Sync complete' },
  t: { action: 'Show State' },
  u: { action: 'Emergency Remount R/O', then: 'Emergency Remount complete' },
  w: { action: 'Show Blocked State' },
  z: { action: 'Dump ftrace buffer' },
};
const SYSRQ_HELP =
  'HELP : loglevel(0-9) reBoot Crash terminate-all-tasks(E) memory-full-oom-kill(F) kill-all-tasks(I) thaw-filesystems(J) saK ' +
  'show-backtrace-all-active-cpus(L) show-memory-usage(M) nice-all-RT-tasks(N) powerOff show-registers(P) show-all-timers(Q) unRaw Sync ' +
  'show-task-states(T) Unmount show-blocked-tasks(W) dump-ftrace-buffer(Z)';

/** n_tty's line buffer (N_TTY_BUF_SIZE, one byte kept for the newline): what is typed beyond it is dropped, as Linux does. */
const LINE_MAX = 4095;
/**
 * The shell's memory: its variables (names and values) and the words of the
 * command it is expanding, each charged as it grows, so no variable or word
 * outgrows it. Beyond it bash is out of memory and, with nothing else to kill,
 * the guest's kernel panics: the domain crashes (its on_crash applies), never xend.
 */
const SHELL_MEMORY = 1024 * 1024;

/** Thrown out of an expansion or assignment that would exceed SHELL_MEMORY. */
class OutOfMemory extends Error {}

const FILES = ['bin', 'boot', 'dev', 'etc', 'home', 'lib', 'lib64', 'media', 'mnt', 'opt', 'proc', 'root', 'run', 'sbin', 'srv', 'sys', 'tmp', 'usr', 'var'];

export class SimGuest {
  private line = '';
  private readonly vars = new Map<string, string>();
  /** SHELL_MEMORY in use: the variables, then the command being expanded. */
  private memory = 0;
  private expanding = 0;
  private running = false;
  private booted = false;
  private halting = false;
  private flooding: NodeJS.Timeout | null = null;
  private timers: NodeJS.Timeout[] = [];
  /** Events that reached the guest while it was paused: its kernel sees them when it runs again. */
  private queued: (() => void)[] = [];

  constructor(private readonly h: GuestHost) {}

  private get prompt(): string {
    return `root@${this.h.name}:~# `;
  }

  /** The domain started running: boot on the first run, carry on after a pause. */
  run(): void {
    this.running = true;
    const queued = this.queued;
    this.queued = [];
    for (const fn of queued) fn();
    if (this.booted) return;
    this.booted = true;
    bootLog(this.h).forEach((l, i) => this.later(i * 15, () => this.h.output(`${l}\r\n`)));
    this.later(bootLog(this.h).length * 15, () => this.h.output(this.prompt));
  }

  /** xend adopted a guest that was already up: it is at its prompt. */
  resume(): void {
    this.booted = true;
    this.running = true;
  }

  pause(): void {
    this.running = false;
  }

  stop(): void {
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.queued = [];
    if (this.flooding) clearInterval(this.flooding);
    this.flooding = null;
    this.vars.clear();
    this.memory = 0;
  }

  /** A shutdown request from xend (control/shutdown): the guest says goodbye. */
  shutdownRequested(reason: string): void {
    this.h.output(`\r\n\r\nBroadcast message from root@${this.h.name} (console):\r\n\r\nThe system is going down for ${reason === 'reboot' ? 'reboot' : 'system halt'} NOW!\r\n`);
  }

  /** A magic SysRq key from xend (control/sysrq): the kernel logs it and acts. */
  sysrq(key: string): void {
    this.whenRunning(() => {
      const k = key.toLowerCase();
      if (/^[0-9]$/.test(k)) {
        this.kernel('SysRq : Changing Loglevel');
        this.kernel(`Loglevel set to ${k}`);
        return;
      }
      const entry = SYSRQ[k];
      this.kernel(`SysRq : ${entry ? entry.action : SYSRQ_HELP}`);
      if (entry?.then) this.kernel(entry.then);
      if (k === 'b') this.h.halt('reboot');
      else if (k === 'o') this.h.halt('poweroff');
      else if (k === 'c') {
        this.kernel('BUG: unable to handle kernel NULL pointer dereference at           (null)');
        this.kernel('IP: [<ffffffff812a1c0e>] sysrq_handle_crash+0x16/0x20');
        this.kernel('Oops: 0002 [#1] SMP ');
        this.kernel('Kernel panic - not syncing: Fatal exception');
        this.h.halt('crash');
      }
    });
  }

  /** An NMI on one VCPU, which no device claims. */
  nmi(vcpu: number): void {
    this.whenRunning(() => {
      this.kernel(`Uhhuh. NMI received for unknown reason 3d on CPU ${vcpu}.`);
      this.kernel('Do you have a strange power saving mode enabled?');
      this.kernel('Dazed and confused, but trying to continue');
    });
  }

  /** The ACPI power button was pressed. */
  powerButton(): void {
    this.whenRunning(() => this.kernel('ACPI: Power Button [PWRF]'));
  }

  private whenRunning(fn: () => void): void {
    if (this.running) fn();
    else this.queued.push(fn);
  }

  /** A kernel message on the console, with printk's timestamp. */
  private kernel(text: string): void {
    const t = Math.max(0, this.h.uptime());
    this.h.output(`[${String(Math.floor(t)).padStart(5)}.${String(Math.floor((t % 1) * 1e6)).padStart(6, '0')}] ${text}\r\n`);
  }

  /** Bytes typed at the console. */
  input(data: Buffer): void {
    if (!this.booted || this.halting) return;
    for (const byte of data) {
      if (byte === 0x03) {
        if (this.flooding) {
          clearInterval(this.flooding);
          this.flooding = null;
        }
        this.line = '';
        this.h.output(`^C\r\n${this.prompt}`);
      } else if (byte === 0x0d || byte === 0x0a) {
        this.h.output('\r\n');
        const line = this.line;
        this.line = '';
        this.execute(line);
      } else if (byte === 0x7f || byte === 0x08) {
        if (this.line) {
          this.line = this.line.slice(0, -1);
          this.h.output('\b \b');
        }
      } else if (byte >= 0x20 && this.line.length < LINE_MAX) {
        const ch = String.fromCharCode(byte);
        this.line += ch;
        this.h.output(ch);
      }
    }
  }

  private execute(line: string): void {
    try {
      for (const command of line.split(';').map((c) => c.trim())) {
        if (!command) continue;
        this.expanding = 0;
        const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(command);
        if (assignment) {
          this.assign(assignment[1]!, this.expand(unquote(assignment[2]!)));
          continue;
        }
        const [name, ...args] = command.split(/\s+/).map((w) => this.expand(unquote(w)));
        if (this.run1(name!, args)) return;
      }
    } catch (e) {
      if (!(e instanceof OutOfMemory)) throw e;
      this.outOfMemory();
      return;
    }
    this.h.output(this.prompt);
  }

  private assign(name: string, value: string): void {
    const old = this.vars.get(name);
    const memory = this.memory + name.length + value.length - (old === undefined ? 0 : name.length + old.length);
    if (memory > SHELL_MEMORY) throw new OutOfMemory();
    this.memory = memory;
    this.vars.set(name, value);
  }

  /** What Linux prints when the OOM killer finds only init's shell, then the crash. */
  private outOfMemory(): void {
    this.halting = true;
    this.kernel('bash invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0');
    this.kernel('Out of memory: Kill process 1 (bash) score 1000 or sacrifice child');
    this.kernel('Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009');
    this.h.halt('crash');
  }

  /** Runs one command; true when the shell is gone (halting) or busy (yes). */
  private run1(name: string, args: string[]): boolean {
    const out = (text: string) => this.h.output(text.replace(/\n/g, '\r\n'));
    switch (name) {
      case 'echo':
        out(`${args.join(' ')}\n`);
        break;
      case 'uname':
        out(`${unameOf(args, this.h.name)}\n`);
        break;
      case 'hostname':
        out(`${this.h.name}\n`);
        break;
      case 'pwd':
        out('/root\n');
        break;
      case 'whoami':
        out('root\n');
        break;
      case 'uptime': {
        const up = Math.floor(this.h.uptime());
        out(` ${new Date().toTimeString().slice(0, 8)} up ${Math.floor(up / 60)} min,  1 user,  load average: 0.00, 0.01, 0.05\n`);
        break;
      }
      case 'ls':
        out(args[0] === '/' || args.length === 0 ? `${FILES.join('  ')}\n` : `ls: cannot access ${args[0]}: No such file or directory\n`);
        break;
      case 'cat':
        out(args[0] === '/proc/cpuinfo' ? cpuinfo(this.h.vcpus()) : args[0] === '/proc/meminfo' ? meminfo(this.h.memoryMiB()) : `cat: ${args[0] ?? ''}: No such file or directory\n`);
        break;
      case 'free':
        out(free(this.h.memoryMiB()));
        break;
      case 'yes': {
        const word = `${args[0] ?? 'y'}\r\n`.repeat(256);
        this.flooding = setInterval(() => this.running && this.h.output(word), 1);
        return true;
      }
      case 'poweroff':
      case 'halt':
      case 'reboot':
        this.halting = true;
        this.shutdownRequested(name === 'reboot' ? 'reboot' : 'halt');
        this.later(100, () => this.h.halt(name === 'reboot' ? 'reboot' : 'poweroff'));
        return true;
      case 'exit':
        out(`\nDebian GNU/Linux 7 ${this.h.name} hvc0\n\n${this.h.name} login: root (automatic login)\n\n`);
        break;
      default:
        out(`-bash: ${name}: command not found\n`);
    }
    return false;
  }

  /** $NAME and ${NAME}; each value is charged before the word grows by it. */
  private expand(word: string): string {
    return word.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, v: string) => {
      const value = this.vars.get(v) ?? '';
      this.expanding += value.length;
      if (this.memory + this.expanding > SHELL_MEMORY) throw new OutOfMemory();
      return value;
    });
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers = this.timers.filter((x) => x !== t);
      fn();
    }, ms);
    t.unref();
    this.timers.push(t);
  }
}

function unquote(w: string): string {
  return /^(['"]).*\1$/.test(w) ? w.slice(1, -1) : w;
}

function unameOf(args: string[], host: string): string {
  const parts: Record<string, string> = { s: 'Linux', n: host, r: KERNEL, v: '#1 SMP Debian 3.2.51-1', m: 'x86_64' };
  const flags = args.join('').replace(/-/g, '');
  if (!flags) return 'Linux';
  if (flags.includes('a')) return `${Object.values(parts).join(' ')} GNU/Linux`;
  return [...flags].map((f) => parts[f] ?? '').filter(Boolean).join(' ');
}

function cpuinfo(vcpus: number): string {
  return Array.from(
    { length: vcpus },
    (_, i) =>
      `processor\t: ${i}\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 62\nmodel name\t: Intel(R) Xeon(R) CPU E5-2650 v2 @ 2.60GHz\ncpu MHz\t\t: 2600.000\ncache size\t: 20480 KB\nphysical id\t: 0\nsiblings\t: ${vcpus}\ncore id\t\t: ${i}\ncpu cores\t: ${vcpus}\nflags\t\t: fpu de tsc msr pae mce cx8 apic sep mca cmov pat clflush mmx fxsr sse sse2 ss ht syscall nx lm constant_tsc rep_good nopl pni ssse3 cx16 sse4_1 sse4_2 popcnt hypervisor lahf_lm\n\n`,
  ).join('');
}

function meminfo(mib: number): string {
  const kb = mib * 1024;
  return `MemTotal:       ${String(kb).padStart(8)} kB\nMemFree:        ${String(Math.floor(kb * 0.8)).padStart(8)} kB\nBuffers:        ${String(Math.floor(kb * 0.02)).padStart(8)} kB\n`;
}

function free(mib: number): string {
  const used = Math.floor(mib * 0.2);
  return `             total       used       free     shared    buffers     cached\nMem:    ${String(mib * 1024).padStart(10)} ${String(used * 1024).padStart(10)} ${String((mib - used) * 1024).padStart(10)}          0       2048      16384\n`;
}
