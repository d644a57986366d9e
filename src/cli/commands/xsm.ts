import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, UsageError } from '../errors.js';
import { xendPaths } from '../../config/paths.js';
import type { CommandContext } from '../context.js';
import { isPyInt } from '../../python-int.js';

/**
 * What xm's security modules (addlabel.py, getlabel.py, …) shared. Their OptionError was a
 * usage error (`Error: …` and the usage); their XSMError only `Error: …`, exit status 1.
 */
export const xsmError = (message: string) => new CliError(message);

/** xsconstants: the policy types xend's get_xstype answers with, as bits. */
export const XS_POLICY_ACM = 1;
export const XS_POLICY_FLASK = 2;

/** The dummy module's refusal where xm itself wrote nothing (labels in a local config file). */
export const DUMMY_REFUSAL = "Command not supported under xsm 'dummy' module.";

/** A domain config named on the command line: as given if absolute, else in the current directory, then xend's config directory. */
export function labelConfigFile(ctx: CommandContext, file: string): string {
  const candidates = file.startsWith('/') ? [file] : [resolve(ctx.cwd, file), `${xendPaths(ctx.env).configDir}/${file}`];
  const found = candidates.find((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
  if (!found) throw new UsageError(`Configuration file '${file}' not found.`);
  return found;
}

/** The lines of a config's `access_control = [...]` entry (getlabel.py's and rmlabel.py's patterns). */
export function accessControlLines(text: string): { lines: string[]; inEntry: boolean[] } {
  const lines = text.split(/(?<=\n)/);
  let open = false;
  const inEntry = lines.map((line) => {
    if (/^access_control\s*=.*/i.test(line)) open = true;
    const inside = open;
    if (open && /.*'\].*/.test(line)) open = false;
    return inside;
  });
  return { lines, inEntry };
}

export const readConfig = (path: string): string => readFileSync(path, 'latin1');

/** `vif-N`: xm checked the index, then said the command needs the Xen-API (which this xend does not serve). */
export function vifIndexCheck(kind: string, xenapiMessage: string): void {
  const idx = kind.slice(4);
  if (!isPyInt(idx) || Number(idx) < 0) throw new UsageError('Bad VIF device index.');
  throw new UsageError(xenapiMessage);
}

/**
 * xend's security subsystems are its XSM module's, and the dummy module has none (get_xstype 0):
 * xm refused with `refusal`. Were one reported, this xm still could not manage its policies.
 */
export async function refuseWithoutSubsystem(ctx: CommandContext, bit: number, refusal: Error): Promise<never> {
  const xstype = await ctx.client().api.security_get_xstype();
  if ((xstype & bit) === 0) throw refusal;
  throw xsmError(`xend reports security subsystems ${xstype}; this xm manages none of them`);
}
