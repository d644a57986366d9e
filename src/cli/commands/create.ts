import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from '../errors.js';
import { xendPaths } from '../../config/paths.js';
import { loadDomainConfig, findConfigFile, checkImagePaths, DomainConfigError, CONFIG_VARIABLES } from '../../config/domain-config.js';
import { truthy } from '../../config/python/index.js';
import { PythonUnsupportedError } from '../../config/python/index.js';
import { parseFirst, prettyPrint, SxpParseError } from '../../sxp/index.js';
import { domainJson } from '../render/domains.js';
import { configHelp, type ConfigVariableHelp } from '../render/config-help.js';
import { relay } from '../console-session.js';
import type { CommandContext } from '../context.js';
import type { DomainRecord } from '../../protocol/domain.js';
import type { Sxp } from '../../sxp/types.js';

export interface CreateData {
  /** `--help_config`: the config variables, and nothing else is done. */
  variables?: ConfigVariableHelp[];
  configFile: string | null;
  quiet: boolean;
  dryrun: boolean;
  sxp: Sxp;
  domain: DomainRecord | null;
}

/**
 * `xm create`: build the `(vm …)` config from a Python config script (evaluated
 * natively) or an SXP file (-F), then create, wait for devices and unpause, as
 * create.py did. Bare words name the config file (last wins); VAR=VAL set variables.
 */
export async function run(ctx: CommandContext): Promise<CreateData> {
  if (ctx.opts.has('help_config')) return { variables: await configVariables(), configFile: null, quiet: true, dryrun: false, sxp: [], domain: null };
  const vars: Record<string, string> = {};
  let defconfig = ctx.opts.string('defconfig') ?? 'xmdefconfig';
  for (const a of ctx.args) {
    const eq = a.indexOf('=');
    if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(a.slice(0, eq))) vars[a.slice(0, eq)] = a.slice(eq + 1);
    else defconfig = a;
  }
  const quiet = ctx.opts.has('quiet') || ctx.json;
  const dryrun = ctx.opts.has('dryrun');
  const sxpFile = ctx.opts.string('config');

  let sxp: Sxp;
  let configFile: string | null = null;
  let vncconsole = false;
  if (sxpFile) {
    sxp = readSxpFile(resolve(ctx.cwd, sxpFile), sxpFile);
  } else {
    const searchPath = ctx.opts.string('path') ?? `.:${xendPaths(ctx.env).configDir}`;
    configFile = findConfigFile(defconfig, searchPath, (p) => isFile(ctx.cwd, p));
    if (!configFile) throw new CliError(`Unable to open config file: ${defconfig}${searchedDirs(defconfig, searchPath)}`, 1, true);
    if (!quiet) ctx.event(`Using config file "${configFile}".`, { config_file: configFile });
    ({ sxp, vncconsole } = evaluate(configFile, ctx, vars));
  }
  if (dryrun) return { configFile, quiet, dryrun, sxp, domain: null };

  const client = ctx.client();
  const created = await client.create(sxp);
  try {
    await client.waitForDevices(created.name);
  } catch (err) {
    await client.destroy(created.name).catch(() => {});
    throw err;
  }
  // -c attaches while the domain is still paused, so the boot log is seen from its first line.
  const console = ctx.opts.has('console_autoconnect') ? await client.console(created.name, { write: true, force: false, replay: 'all' }) : null;
  if (!ctx.opts.has('paused')) {
    try {
      await client.unpause(created.name);
    } catch {
      console?.destroy();
      // As xm: a domain that cannot run is not left behind paused.
      await client.destroy(created.name).catch(() => {});
      throw new CliError(`Failed to unpause domain ${created.name}`);
    }
  }
  if (vncconsole || ctx.opts.has('vncviewer')) {
    // create.py's vncconsole=yes (and --vncviewer, which xm 4.4 parsed but left unused): a viewer in the background.
    const { launchViewer } = await import('./vncviewer.js');
    await launchViewer(client, created.name, ctx.opts.has('vncviewer-autopass'), ctx.env);
  }
  // The text needs only the id the create reply has (xm's three calls); JSON reports the state after unpause.
  const domain = ctx.json ? await client.domain(created.name) : created;
  if (console) {
    if (!quiet) ctx.event(`Started domain ${domain.name} (id=${domain.domid})`, { started: domain.name, domid: domain.domid });
    await relay(ctx, domain.name, console, { quiet });
    return { configFile, quiet: true, dryrun, sxp, domain };
  }
  return { configFile, quiet, dryrun, sxp, domain };
}

/** The variables a config file may set, with xmdomain.cfg(5)'s text for each. */
async function configVariables(): Promise<ConfigVariableHelp[]> {
  const { VARIABLE_DOCS } = await import('../gen/man-xmdomain-cfg.js');
  return CONFIG_VARIABLES.map((v) => ({ name: v.name, metavar: v.name.toUpperCase(), help: VARIABLE_DOCS[v.name]?.[1] ?? '' }));
}

function isFile(cwd: string, p: string): boolean {
  try {
    return statSync(p.startsWith('/') ? p : `${cwd}/${p}`).isFile() || p === '/dev/null';
  } catch {
    return false;
  }
}

/** `path` is what is read, `file` what the user typed (the messages name it). */
function readSxpFile(path: string, file: string): Sxp {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`Cannot read file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message}`);
  }
  try {
    const value = parseFirst(text);
    if (!Array.isArray(value)) throw new CliError(`Invalid configuration in ${file}: expected (vm …)`);
    return value;
  } catch (err) {
    if (err instanceof SxpParseError) throw new CliError(`Cannot parse ${file}: ${err.message}`);
    throw err;
  }
}

function evaluate(file: string, ctx: CommandContext, vars: Record<string, string>): { sxp: Sxp; vncconsole: boolean } {
  try {
    const { sxp, warnings, values } = loadDomainConfig({ file, source: file === '/dev/null' ? '' : readFileSync(resolve(ctx.cwd, file), 'utf8'), cmdVars: vars });
    for (const w of warnings) ctx.warn(w);
    // configure_image's checks, --dryrun included: the kernel, ramdisk and loader must exist here.
    const missing = checkImagePaths(values, existsSync, ctx.cwd);
    if (missing) throw new CliError(missing);
    return { sxp, vncconsole: truthy(values.get('vncconsole') ?? null) };
  } catch (err) {
    if (err instanceof DomainConfigError) throw new CliError(err.message);
    if (err instanceof PythonUnsupportedError) throw new CliError(`${file}: ${err.message} (xm evaluates config files natively; see xmdomain.cfg(5))`);
    throw err;
  }
}

export function text(d: CreateData): string {
  if (d.variables) return configHelp(d.variables);
  if (d.dryrun) return prettyPrint(d.sxp);
  return d.quiet || !d.domain ? '' : `Started domain ${d.domain.name} (id=${d.domain.domid})\n`;
}

/** xm new's JSON too. */
export function json(d: CreateData) {
  if (d.variables) return { config_variables: d.variables };
  return d.dryrun
    ? { dryrun: true, config_file: d.configFile, config: d.sxp }
    : { config_file: d.configFile, domain: d.domain && domainJson(d.domain) };
}

/** xm's line is kept; the second says where a relative name was looked for, and how to change it. */
function searchedDirs(name: string, searchPath: string): string {
  if (name.startsWith('/')) return '';
  const dirs = [...new Set(['.', ...searchPath.split(':').filter(Boolean)])];
  return `\nLooked in: ${dirs.join(', ')} (--path=DIR:DIR sets the directories)`;
}
