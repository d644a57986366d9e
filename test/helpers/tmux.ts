import { execFileSync } from 'node:child_process';
import { eventually } from './xend.js';

/**
 * A real terminal for interactive tests: a detached tmux session on a private
 * server socket, driven with send-keys and read with capture-pane.
 */
export class Tmux {
  private static count = 0;
  readonly name: string;

  constructor(
    private readonly socket: string,
    command: string,
    env: NodeJS.ProcessEnv,
  ) {
    this.name = `t${process.pid}-${Tmux.count++}`;
    const exports = Object.entries(env)
      .filter(([k, v]) => v !== undefined && /^(XEND_ROOT|XM_SERVER|XM_TLS_CA|PATH|HOME)$/.test(k))
      .map(([k, v]) => `${k}=${shellQuote(v!)}`)
      .join(' ');
    this.tmux('new-session', '-d', '-s', this.name, '-x', '132', '-y', '50', `env ${exports} sh -c ${shellQuote(command)}`);
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-S', this.socket, ...args], { encoding: 'utf8', timeout: 10_000 });
  }

  /** Types text; `keys` are tmux key names (Enter, C-]). */
  send(text: string, ...keys: string[]): void {
    if (text) this.tmux('send-keys', '-t', this.name, '-l', text);
    if (keys.length) this.tmux('send-keys', '-t', this.name, ...keys);
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-2000', '-t', this.name);
  }

  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    try {
      return await eventually(async () => {
        const s = this.screen();
        return pattern.test(s) ? s : undefined;
      }, timeoutMs);
    } catch {
      throw new Error(`terminal never showed ${pattern}; screen:\n${this.screen()}`);
    }
  }

  kill(): void {
    try {
      this.tmux('kill-session', '-t', this.name);
    } catch {
      // already gone
    }
  }
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function killTmuxServer(socket: string): void {
  try {
    execFileSync('tmux', ['-S', socket, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // no server left
  }
}
