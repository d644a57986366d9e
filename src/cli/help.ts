import { COMMANDS, GLOBAL_OPTIONS } from './registry.js';
import { GROUPS, type CommandSpec, type OptionSpec } from './spec.js';

/** The commands of xm's short help (`xm` alone), in its order (main.py's common_commands). */
const COMMON = new Set(['console', 'vncviewer', 'create', 'new', 'delete', 'destroy', 'dump-core', 'help', 'list', 'mem-set', 'migrate', 'pause', 'reboot', 'reset', 'restore', 'resume', 'save', 'shell', 'shutdown', 'start', 'suspend', 'top', 'unpause', 'uptime', 'usb-add', 'usb-del', 'domstate', 'vcpu-set']);

const HEADER = 'Usage: xm <subcommand> [args]\n\nControl, list, and manipulate Xen guest instances.\n\n';
const FOOTER =
  "<Domain> can either be the Domain Name or Id.\nFor more help on 'xm' see the xm(1) man page.\nFor more help on 'xm create' see the xmdomain.cfg(5)  man page.\n";

/**
 * xm's own wrap (xm/opts.py): a text shorter than the width is one line as it is; else each of
 * its lines is filled while the line, its trailing space and one more stay under the width.
 */
export function wrap(text: string, width: number): string[] {
  if (text.length < width) return [text];
  return text.split('\n').flatMap((line) => lineWrap(line, width));
}

function lineWrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    if (current.length + word.length + 1 < width) current += `${word} `;
    else {
      // A first word too long for the width leaves an empty line before it, as xm's did.
      lines.push(current.trim());
      current = `${word} `;
    }
  }
  if (current) lines.push(current.trim());
  return lines;
}

/** `' %-20s %-50s'` rows, descriptions wrapped at 50 and continued under themselves (unpadded, as xm printed them). */
function row(name: string, desc: string): string {
  const [first = '', ...rest] = wrap(desc, 50);
  return [` ${name.padEnd(20)} ${first.padEnd(50)}`, ...rest.map((l) => `${' '.repeat(22)}${l}`)].join('\n') + '\n';
}

const helpRow: [string, string] = ['help', 'Display this message.'];

export function shortHelp(): string {
  // In common_commands' order: shell, of the last group, sits between save and shutdown.
  const rows = [...COMMON].flatMap((name) => {
    if (name === 'help') return [row(...helpRow)];
    const c = COMMANDS.find((x) => x.name === name);
    return c ? [row(c.name, c.help)] : [];
  });
  return `${HEADER}Common 'xm' commands:\n\n${rows.join('')}\n${FOOTER}\nFor a complete list of subcommands run 'xm help'.\n`;
}

export function longHelp(): string {
  const rows = GROUPS.flatMap((g) => COMMANDS.filter((c) => c.group === g).map((c) => row(c.name, c.help)));
  const globals = GLOBAL_OPTIONS.map((o) => `  ${optionLabel(o).padEnd(30)} ${o.desc}\n`).join('');
  return `${HEADER}xm full list of subcommands:\n\n${rows.join('')}\n${FOOTER}\nOptions accepted by every subcommand (not in xm):\n${globals}\n  ${'-V, --version'.padEnd(30)} Print xm's version instead of a subcommand (not in xm)\n\n`;
}

/** As xm's option tables named an option: `-d DOMAIN, --domain=DOMAIN`, `--state=<state>`, `-l, --long`. */
export function optionLabel(o: OptionSpec): string {
  const long = `--${o.long}${o.arg ? (o.optionalArg ? `[=${o.arg}]` : `=${o.arg}`) : ''}`;
  if (!o.short) return long;
  return `-${o.short}${o.arg && !o.optionalArg ? ` ${o.arg}` : ''}, ${long}`;
}

/** The options of xm/opts.py's Opts as its str() listed them, `-h, --help` first: keys in 21 columns, the text wrapped at 55. */
function moduleOptions(options: readonly OptionSpec[]): string {
  const rows = [{ short: 'h', long: 'help', desc: 'Print this help.' } as OptionSpec, ...options].map((o) => {
    const keys = [...(o.short ? [`-${o.short}`] : []), `--${o.long}`].map((k) => (o.arg ? `${k}=${o.arg}` : k)).join(', ');
    const desc = wrap(o.desc, 55);
    // Keys wider than their column put the text on the next line.
    return keys.padEnd(21) + (keys.length > 20 ? ['', ...desc] : desc).join(`\n${' '.repeat(21)}`);
  });
  return `\nOptions:\n\n${rows.join('\n')}\n\n`;
}

/** `xm <cmd> --help` as cmdHelp printed it: usage, description, then the option table (`'  %-30s %-43s'`) and a blank line. */
export function commandHelp(c: CommandSpec): string {
  let out = `Usage: xm ${c.name} ${c.usage}\n\n${c.help}\n`;
  const options = c.options.filter((x) => !x.hidden);
  if (c.moduleHelp) return out + moduleOptions(options);
  for (const o of options) {
    const [first = '', ...rest] = wrap(o.desc, 43);
    out += `  ${optionLabel(o).padEnd(30)} ${first.padEnd(43)}\n`;
    for (const l of rest) out += `${' '.repeat(33)}${l}\n`;
  }
  if (c.notes) out += `\n${wrap(c.notes, 76).join('\n')}\n`;
  return options.length || c.notes ? `${out}\n` : out;
}
