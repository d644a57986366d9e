import { UsageError, UsageNotice } from '../errors.js';
import { prettyPrint } from '../../sxp/index.js';
import { parseDevInfo, pyInt, type DeviceRow } from '../render/devices.js';
import type { CommandContext } from '../context.js';
import type { CommandModule } from '../spec.js';
import type { Sxp } from '../../sxp/types.js';

// What xm's device commands shared (main.py): parse_block_configuration, the key=value
// words of network-attach and network2-attach, detach, arg_check_for_resource_list.

/** parse_block_configuration: `(vbd|tap|tap2 (uname …) (dev …) (mode …) [(backend …)])`, the class from the uname. */
export function blockConfig(args: readonly string[]): Sxp {
  const [, uname, dev, mode, backend] = args as [string, string, string, string, string?];
  const cls = uname.startsWith('tap2:') ? 'tap2' : uname.startsWith('tap:') ? 'tap' : 'vbd';
  return [cls, ['uname', uname], ['dev', dev], ['mode', mode], ...(backend === undefined ? [] : [['backend', backend]])];
}

/**
 * `(cls (key value) …)` from `key=value` words, each key one of `keys` and each
 * value not empty, as xm checked them (the registry's argCheck bounds their number).
 */
export function settingsConfig(ctx: CommandContext, cls: string, keys: readonly string[]): Sxp {
  const config: Sxp[] = [cls];
  for (const word of ctx.args.slice(1)) {
    const kv = word.split('=');
    if (kv.length !== 2 || kv[1] === '' || !keys.includes(kv[0]!)) throw new UsageError(`Invalid argument: ${word}`);
    config.push(kv as [string, string]);
  }
  return config;
}

/**
 * xm's detach: destroyDevice with rm_cfg; a third word other than -f/--force is
 * ignored, with xm's line. `cls` may depend on the device (block-detach asks xend).
 */
export function detachCommand(cls: (ctx: CommandContext, dom: string, dev: string) => Promise<string>): CommandModule<{ command: string; domain: string; ignored: string | null }> {
  return {
    async run(ctx) {
      const [dom, dev, extra] = ctx.args as [string, string, string?];
      const ignored = extra === undefined || extra === '-f' || extra === '--force' ? null : extra;
      const force = ctx.opts.has('force') || (extra !== undefined && ignored === null);
      const client = ctx.client();
      await client.api.destroyDevice({ dom, type: await cls(ctx, dom, dev), dev, force, rm_cfg: true });
      return { command: ctx.command, domain: dom, ignored };
    },
    text: (d) => (d.ignored === null ? '' : `Ignoring option ${d.ignored}\n`),
    json: (d) => ({ ok: true, command: d.command, domain: d.domain }),
  };
}

/** arg_check_for_resource_list: exactly one domain, counted in xm's own words. */
export function oneDomain(ctx: CommandContext): string {
  if (ctx.args.length === 0) throw new UsageNotice('No domain parameter given');
  if (ctx.args.length > 1) throw new UsageNotice('No multiple domain parameters allowed');
  return ctx.args[0]!;
}

export interface DeviceList {
  long: boolean;
  domain: string;
  devices: [number | string, Sxp][];
}

/** arg_check_for_resource_list, then getDeviceSxprs; `table` renders the rows unless --long (or with none, as network2-list, always SXP). */
export function listCommand(cls: string, table?: (rows: DeviceRow[]) => string): CommandModule<DeviceList> {
  return {
    async run(ctx) {
      const domain = oneDomain(ctx);
      const devices = (await ctx.client().api.getDeviceSxprs({ dom: domain, type: cls })) as [number | string, Sxp][];
      return { long: ctx.opts.has('long') || !table, domain, devices };
    },
    text: (d) => (d.long ? d.devices.map((dev) => prettyPrint(dev)).join('') : table!(d.devices.map(([n, info]) => parseDevInfo(pyInt(n), info)))),
    json: (d) => ({ domain: d.domain, devices: d.devices.map(([n, info]) => ({ devid: pyInt(n), fields: fields(info) })) }),
  };
}

/** A device's `(key value)` pairs as an object (a config entry's head, its class, left out). */
function fields(info: Sxp): Record<string, Sxp> {
  const list = Array.isArray(info) ? info : [];
  return Object.fromEntries(list.flatMap((kv) => (Array.isArray(kv) && typeof kv[0] === 'string' && kv.length === 2 ? [[kv[0], kv[1]!]] : [])));
}
