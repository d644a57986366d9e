import { domainJson } from '../render/domains.js';
import { relay } from '../console-session.js';
import type { CommandContext } from '../context.js';
import type { DomainRecord } from '../../protocol/domain.js';

interface StartData {
  command: string;
  domain: DomainRecord | null;
}

/**
 * `xm start [-p] [-c] [--vncviewer[-autopass]] DOM` and `xm resume [-p] DOM`: a managed
 * domain comes up (or back from suspension), silently; `start -c` then attaches to its
 * console, `--vncviewer` starts a viewer of its VNC server in the background (xm's order).
 */
export async function run(ctx: CommandContext): Promise<StartData> {
  const dom = ctx.args[0]!;
  const client = ctx.client();
  const paused = ctx.opts.has('paused');
  if (ctx.command === 'resume') await client.resume(dom, paused);
  else await client.start(dom, paused);
  if (ctx.opts.has('vncviewer')) {
    const { launchViewer } = await import('./vncviewer.js');
    await launchViewer(client, dom, ctx.opts.has('vncviewer-autopass'), ctx.env);
  }
  const attach = ctx.command === 'start' && ctx.opts.has('console_autoconnect');
  // The text is silent: the record is fetched only for JSON or the console (one call otherwise, as xm).
  if (!ctx.json && !attach) return { command: ctx.command, domain: null };
  const domain = await client.domain(dom);
  if (attach) await relay(ctx, domain.name, await client.console(domain.name, { write: true, force: false, replay: 'all' }));
  return { command: ctx.command, domain };
}

export const text = (): string => '';

export const json = (d: StartData) => ({ command: d.command, domain: d.domain && domainJson(d.domain) });
