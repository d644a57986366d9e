import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from '../errors.js';
import { xendPaths } from '../../config/paths.js';
import { findConfigFile, DomainConfigError } from '../../config/domain-config.js';
import { POOL_VARIABLES, PoolConfigError, loadPoolConfig } from '../../config/pool-config.js';
import { PythonUnsupportedError } from '../../config/python/index.js';
import { parseFirst, prettyPrint, SxpParseError } from '../../sxp/index.js';
import { configHelp } from '../render/config-help.js';
import type { CommandContext } from '../context.js';
import type { CommandModule } from '../spec.js';
import type { XendClient } from '../../client/xend-client.js';
import type { Sxp } from '../../sxp/types.js';

interface PoolConfigData {
  command: string;
  help: boolean;
  dryrun: boolean;
  configFile: string | null;
  config: Sxp;
}

/**
 * xm cpupool-create and cpupool-new (xm/cpupool.py): a pool config script (or
 * an SXP file, -F) with VAR=VAL settings becomes `(pool …)`, which `submit` sends.
 */
export function poolConfigCommand(submit: (client: XendClient, config: Sxp) => Promise<unknown>): CommandModule<PoolConfigData> {
  return {
    async run(ctx) {
      const base = { command: ctx.command, help: false, dryrun: ctx.opts.has('dryrun'), configFile: null, config: [] };
      if (ctx.opts.has('help_config')) return { ...base, help: true };
      const { configFile, config } = readPoolConfig(ctx);
      if (!base.dryrun) await submit(ctx.client(), config);
      return { ...base, configFile, config };
    },
    text: (d) => (d.help ? configHelp(POOL_VARIABLES) : d.dryrun ? prettyPrint(d.config) : ''),
    json: (d) => (d.help ? { config_variables: POOL_VARIABLES } : { ok: true, command: d.command, dryrun: d.dryrun, config_file: d.configFile, config: d.config }),
  };
}

function readPoolConfig(ctx: CommandContext): { configFile: string | null; config: Sxp } {
  const cmdVars: [string, string][] = [];
  let defconfig = ctx.opts.string('defconfig') ?? 'xmdefconfig';
  for (const a of ctx.args) {
    const eq = a.indexOf('=');
    if (eq > 0) cmdVars.push([a.slice(0, eq).trim(), a.slice(eq + 1).trim()]);
    else defconfig = a;
  }
  const sxpFile = ctx.opts.string('config');
  if (sxpFile) return { configFile: null, config: readSxp(resolve(ctx.cwd, sxpFile), sxpFile) };
  const searchPath = ctx.opts.string('path') ?? `.:${xendPaths(ctx.env).configDir}/cpupool`;
  const file = findConfigFile(defconfig, searchPath, (p) => isFile(resolve(ctx.cwd, p)));
  if (!file) throw new CliError(`Unable to open config file: ${defconfig}`, 1, true);
  ctx.event(`Using config file "${file}".`, { config_file: file });
  try {
    return { configFile: file, config: loadPoolConfig({ file, source: readFileSync(resolve(ctx.cwd, file), 'utf8'), cmdVars }) };
  } catch (err) {
    if (err instanceof PoolConfigError) throw new CliError(err.message, 255);
    if (err instanceof DomainConfigError) throw new CliError(err.message);
    if (err instanceof PythonUnsupportedError) throw new CliError(`${file}: ${err.message} (xm evaluates config files natively; see xmdomain.cfg(5))`);
    throw err;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** cpupool.py's `sxp.parse(file(config))[0]`. */
function readSxp(path: string, file: string): Sxp {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message;
    throw new CliError(`Cannot read file ${file}: ${why}`, 255);
  }
  try {
    return parseFirst(text);
  } catch (err) {
    if (err instanceof SxpParseError) throw new CliError(`Cannot parse ${file}: ${err.message}`, 255);
    throw err;
  }
}
