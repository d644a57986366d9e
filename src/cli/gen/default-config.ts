/**
 * The xend-config.sxp an install puts in /etc/xen when there is none: every option
 * of the table, commented out at its default with what it does, as the file Xen
 * shipped was. Uncommenting a line changes nothing until its value is edited.
 */
import { optionTable, type OptionSpec } from '../../config/xend-options.js';
import { wrap } from '../help.js';
import { defaultText } from './man-xend-config.js';

/** A value as the file takes it: quoted when it holds a blank, parenthesis or quote. */
function asWritten(text: string): string {
  return /^[^\s()'"#]+$/.test(text) || text.startsWith('(') || text === "''" ? text : `'${text.replace(/'/g, "\\'")}'`;
}

export function defaultXendConfig(version: string): string {
  const head = [
    '# -*- sh -*-',
    '#',
    `# Xen management daemon configuration (xend-suite ${version}). Every option is`,
    '# shown at its default, commented out: remove the # and edit the value to change',
    '# one. xend start and xend reload read this file; xend-config.sxp(5) explains each',
    '# option, and xm info -c prints the values in force.',
    '',
  ];
  const body = (optionTable as readonly OptionSpec[]).flatMap((o) => {
    const doc = wrap(`${o.doc}${o.values ? ` (one of ${o.values.join(', ')})` : ''}.`, 76).map((l) => `# ${l}`);
    // (name) alone means the default: how an option that is unset (or derived) by default is shown.
    const value = o.default === null ? `#(${o.name})` : `#(${o.name} ${asWritten(defaultText(o))})`;
    return [...doc, value, ''];
  });
  return [...head, ...body].join('\n');
}
