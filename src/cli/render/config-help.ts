import { wrap } from '../help.js';

export interface ConfigVariableHelp {
  name: string;
  /** The value's placeholder (create.py's OptVar: the name in capitals). */
  metavar: string;
  help: string;
}

/** `xm create --help_config`: create.py's val_usage(), each `NAME=VAL` padded to 21 with its text wrapped at 55. */
export function configHelp(vars: readonly ConfigVariableHelp[]): string {
  const rows = vars.map((v) => {
    const keys = `${v.name}=${v.metavar}`;
    const desc = wrap(v.help, 55);
    if (keys.length > 20) desc.unshift('');
    return keys.padEnd(21) + desc.join(`\n${' '.repeat(21)}`);
  });
  return `\nValues:\n\n${rows.join('\n')}\n\n`;
}
