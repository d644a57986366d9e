import { COMMANDS, GLOBAL_OPTIONS } from './registry.js';
import { GROUPS, type CommandSpec, type OptionSpec } from './spec.js';

/** The commands of xm's short help (`xm` alone), in its order. */
const COMMON = new Set(['console', 'create', 'new', 'delete', 'destroy', 'dump-core', 'help', 'list', 'mem-set', 'migrate', 'pause', 'reboot', 'reset', 'restore', 'resume', 'save', 'shutdown', 'start', 'suspend', 'top', 'unpause', 'uptime', 'usb-add', 'usb-del', 'domstate', 'vcpu-set']);

const HEADER = 'Usage: xm <subcommand> [args]\n\nControl, list, and manipulate Xen guest instances.\n\n';
const FOOTER =
  "<Domain> can either be the Domain Name or Id.\nFor more help on 'xm' see the xm(1) man page.\nFor more help on 'xm create' see the xmdomain.cfg(5)  man page.\n";

/** Python's textwrap.wrap, enough for help texts: greedy word wrap. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

/** `' %-20s %-50s'` rows, descriptions wrapped at 50 and continued under themselves. */
function row(name: string, desc: string): string {
  const [first, ...rest] = wrap(desc, 50);
  return [` ${name.padEnd(20)} ${first!.padEnd(50)}`, ...rest.map((l) => `${' '.repeat(22)}${l.padEnd(50)}`)].join('\n') + '\n';
}

const helpRow: [string, string] = ['help', 'Display this message.'];

export function shortHelp(): string {
  const rows = COMMANDS.filter((c) => COMMON.has(c.name)).map((c) => row(c.name, c.help));
  rows.splice(rows.findIndex((r) => r.startsWith(' list')), 0, row(...helpRow));
  return `${HEADER}Common 'xm' commands:\n\n${rows.join('')}\n${FOOTER}\nFor a complete list of subcommands run 'xm help'.\n`;
}

export function longHelp(): string {
  const rows = GROUPS.flatMap((g) => COMMANDS.filter((c) => c.group === g).map((c) => row(c.name, c.help)));
  const globals = GLOBAL_OPTIONS.map((o) => `  ${optionLabel(o).padEnd(30)} ${o.desc}\n`).join('');
  return `${HEADER}xm full list of subcommands:\n\n${rows.join('')}\n${FOOTER}\nOptions accepted by every subcommand (not in xm):\n${globals}\n`;
}

export function optionLabel(o: OptionSpec): string {
  const long = `--${o.long}${o.arg ? (o.optionalArg ? `[=${o.arg}]` : `=${o.arg}`) : ''}`;
  return o.short ? `-${o.short}, ${long}` : long;
}

/** `xm <cmd> --help`: usage, description, the option table (`'  %-30s %-43s'`). */
export function commandHelp(c: CommandSpec): string {
  let out = `Usage: xm ${c.name} ${c.usage}\n\n${c.help}\n`;
  for (const o of c.options.filter((x) => !x.hidden)) {
    const [first, ...rest] = wrap(o.desc, 43);
    out += `  ${optionLabel(o).padEnd(30)} ${first!.padEnd(43)}\n`;
    for (const l of rest) out += `${' '.repeat(33)}${l.padEnd(43)}\n`;
  }
  if (c.notes) out += `\n${wrap(c.notes, 76).join('\n')}\n`;
  return `${out}\n`;
}
