import { UsageError } from '../errors.js';
import { InvalidValueError } from '../values.js';
import { tmemTarget } from './tmem-target.js';
import type { CommandContext } from '../context.js';
import { isPyInt } from '../../python-int.js';

const SETTINGS = ['weight', 'cap', 'compress'] as const;
type Setting = (typeof SETTINGS)[number];

/** `xm tmem-set <Domain>|-a weight=N cap=N compress=N`: one call per setting given, in xm's order. */
export async function run(ctx: CommandContext) {
  const { cliId, rest } = tmemTarget(ctx);
  const given = new Map<Setting, number>();
  for (const word of rest) {
    const setting = SETTINGS.find((s) => word.startsWith(`${s}=`));
    if (!setting) continue;
    const text = word.slice(setting.length + 1);
    if (!isPyInt(text)) throw setting === 'weight' ? new UsageError('weight should be a integer') : new InvalidValueError();
    given.set(setting, Number(text));
  }
  // xm named the last word it saw; with none at all it had no word to name.
  if (!given.size) throw new UsageError(`Unrecognized tmem configuration option: ${rest.at(-1) ?? ''}`.trimEnd());
  const client = ctx.client();
  for (const [setting, value] of SETTINGS.filter((s) => given.has(s)).map((s) => [s, given.get(s)!] as const)) {
    if (setting === 'weight') await client.api.tmem_set_weight({ cli_id: cliId, weight: value });
    if (setting === 'cap') await client.api.tmem_set_cap({ cli_id: cliId, cap: value });
    if (setting === 'compress') await client.api.tmem_set_compress({ cli_id: cliId, compress: value });
  }
  return { domain: cliId, ...Object.fromEntries(given) };
}

export const text = () => '';
