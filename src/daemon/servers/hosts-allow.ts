import { reverse } from 'node:dns/promises';
import type { Socket } from 'node:net';
import type { Logger } from '../log.js';

/** How long a reverse lookup of a peer may take before its address alone decides. */
const REVERSE_TIMEOUT_MS = 1000;

/**
 * xend's hosts-allow rule: each piece of the option is a regex matched against
 * the peer's name or its dotted address, anchored at the start only (Python's
 * re.match), so `127.0.0.1` admits `127.0.0.10` as it did in xend: write
 * `127\.0\.0\.1$`. An empty list allows everyone.
 */
export class HostsAllow {
  private readonly patterns: RegExp[];

  /** The rule an xend-config.sxp option sets, with a warning for each piece whose `.` matches any character. */
  static fromOption(option: string, spec: string, log: Logger): HostsAllow {
    const allow = new HostsAllow(spec);
    for (const p of pieces(spec).filter(hasBareDot)) {
      log.warning(`${option}: in '${p}' a '.' matches any character and the end is open (patterns match at the start only, as in xend); write '\\.' for a dot and end with '$' to match exactly`);
    }
    return allow;
  }

  constructor(spec: string) {
    this.patterns = pieces(spec).map((p) => {
      try {
        return new RegExp(`^(?:${p})`);
      } catch (err) {
        throw new Error(`invalid hosts-allow pattern '${p}': ${(err as Error).message}`);
      }
    });
  }

  get open(): boolean {
    return this.patterns.length === 0;
  }

  matches(name: string, address: string): boolean {
    return this.open || this.patterns.some((re) => re.test(name) || re.test(address));
  }

  /** Checks a connected peer: loopback is `localhost`, others are reverse-resolved with a short timeout. */
  async allows(socket: Socket): Promise<{ ok: boolean; address: string; name: string }> {
    const address = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    if (this.open) return { ok: true, address, name: address };
    const name = await peerName(address);
    return { ok: this.matches(name, address), address, name };
  }
}

async function peerName(address: string): Promise<string> {
  if (address === '127.0.0.1' || address === '::1') return 'localhost';
  const timeout = new Promise<string>((r) => setTimeout(() => r(address), REVERSE_TIMEOUT_MS).unref());
  const lookup = reverse(address).then(
    (names) => names[0] ?? address,
    () => address,
  );
  return Promise.race([lookup, timeout]);
}

/** The option is split on single spaces, as xend split it. */
function pieces(spec: string): string[] {
  return spec.split(' ').filter(Boolean);
}

/** Whether a regex has a `.` outside a character class and not escaped. */
function hasBareDot(pattern: string): boolean {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '.' && !inClass) return true;
  }
  return false;
}
