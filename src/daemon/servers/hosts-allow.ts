import { reverse } from 'node:dns/promises';
import type { Socket } from 'node:net';

/** How long a reverse lookup of a peer may take before its address alone decides. */
const REVERSE_TIMEOUT_MS = 1000;

/**
 * xend's hosts-allow rule: the option is split on single spaces, each piece a
 * regex matched (anchored at the start only, Python's re.match) against the
 * peer's name or its dotted address. An empty list allows everyone.
 */
export class HostsAllow {
  private readonly patterns: RegExp[];

  constructor(spec: string) {
    this.patterns = spec
      .split(' ')
      .filter(Boolean)
      .map((p) => {
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
