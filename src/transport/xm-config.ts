import { existsSync, readFileSync } from 'node:fs';

/**
 * The server xm-config.xml names (`<xm><server type=… uri=…/></xm>`), as xm 3.1+
 * read it; null when the file is missing or names none. Problems are reported
 * through `warn` with xm's wording and the default is used.
 */
export function serverFromXmConfig(path: string, warn: (msg: string) => void): string | null {
  let text: string;
  try {
    // Most hosts have none: asked first, as a failed read makes an error (~0.15 ms of every run).
    if (!existsSync(path)) return null;
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const xml = text.replace(/<!--[\s\S]*?-->/g, '');
  if (!/<xm[\s>][\s\S]*<\/xm>|<xm\s*\/>/.test(xml)) {
    warn(`Ignoring invalid configuration file ${path}.`);
    return null;
  }
  const server = /<server\b([^>]*)\/?>/.exec(xml);
  if (!server) return null;
  const attrs = new Map([...server[1]!.matchAll(/([\w-]+)\s*=\s*(['"])(.*?)\2/g)].map((a) => [a[1]!, a[3]!]));
  const type = attrs.get('type') ?? 'LegacyXMLRPC';
  if (type === 'Xen-API') {
    warn('Xen-API servers are not supported; using LegacyXMLRPC.');
    return null;
  }
  if (type !== 'LegacyXMLRPC') warn(`Invalid server type ${type}; using LegacyXMLRPC.`);
  return attrs.get('uri') ?? null;
}
