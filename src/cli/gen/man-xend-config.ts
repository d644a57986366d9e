/**
 * xend-config.sxp(5): every option of the option table (name, type, default, doc,
 * since), with the file's syntax and rules written out here.
 */
import { optionTable, type OptionSpec } from '../../config/xend-options.js';
import { show } from '../../sxp/index.js';
import { Page, b, i, ref, t } from './roff.js';
import type { Sxp } from '../../sxp/types.js';

const TYPE_TEXT: Readonly<Record<OptionSpec['type'], string>> = {
  bool: 'boolean',
  int: 'integer',
  str: 'string',
  path: 'file name',
  level: 'log level',
  sxp: 'S-expression',
};

/** The default as it would be written in the file. */
export function defaultText(o: OptionSpec): string {
  const v = o.default;
  if (v === null) return o.type === 'bool' ? 'derived (see above)' : 'unset';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v === '' ? "''" : v;
  return show(v as Sxp);
}

const NOT_IN_XEND = /^not in xend: /;

function option(page: Page, o: OptionSpec): void {
  const tag = `${b(`(${o.name}`)} ${i(TYPE_TEXT[o.type])}${b(')')}`;
  const addition = NOT_IN_XEND.test(o.doc) || o.since === 'not in xend';
  let body = t(capitalize(o.doc.replace(NOT_IN_XEND, '')) + '.');
  if (o.values) body += `\n${t('One of:')} ${o.values.map((v) => b(v)).join(', ')}.`;
  body += `\n${t('Default:')} ${b(defaultText(o))}. ${t(addition ? 'Not in xend (added by this suite).' : `Since xend ${o.since}.`)}`;
  page.tp(tag, body);
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function xendConfigPage(version: string): string {
  const page = new Page('XEND-CONFIG.SXP', 5, `xend-suite ${version}`, 'Xen management');
  page.sh('NAME').text(t('xend-config.sxp - Xen management daemon configuration file'));
  page.sh('SYNOPSIS').text(b('/etc/xen/xend-config.sxp'));

  page.sh('DESCRIPTION');
  page.text(
    t(
      'The xend(8) daemon reads its configuration from /etc/xen/xend-config.sxp, or from the file named by the XEND_CONFIG environment variable, when it starts and when it is reloaded (xend reload). A missing file means every option has its default. xm info -c prints the value of every option.',
    ),
  );
  page.pp(
    t(
      'The file is a sequence of S-expressions, one per option: (name value). Text from # to the end of a line is a comment. A value that contains spaces or parentheses is quoted with single or double quotes. Only the first occurrence of an option counts, and only its first value; (name) alone means the default. Top-level words that are not lists are ignored.',
    ),
  );
  page.pp(
    t(
      'Unlike xend, which checked a value only when it first used it, every value is checked when the file is read: a bad value stops xend start (and xend reload keeps the running configuration) with the option, the file and the line, for example "invalid xend config dom0-min-mem: expected int: lots (xend-config.sxp:12)". An unknown option is a warning in xend.log, where xend ignored it silently.',
    ),
  );

  page.sh('VALUES');
  page.tp(i('boolean'), t('yes, y, 1, on, true or t; no, n, 0, off, false or f (in any case).'));
  page.tp(i('integer'), t('A decimal integer, with an optional sign (Python int()).'));
  page.tp(i('string'), t('Any text; quote it if it has spaces.'));
  page.tp(i('file name'), t('A path; a bare file name is taken in /etc/xen.'));
  page.tp(i('log level'), t('One of the level names listed.'));
  page.tp(i('S-expression'), t('A list, kept as written, such as ((unix)).'));

  page.sh('OPTIONS');
  page.text(t('In the order of xend\'s XendOptions.py, followed by the options this suite adds.'));
  for (const o of optionTable) option(page, o);

  page.sh('EXAMPLES');
  page.text(t('Listen for xm over TCP as well as on the Unix socket, for two management hosts, and keep 512 MiB for dom0:'));
  page.example(
    [
      '# /etc/xen/xend-config.sxp',
      '(logfile /var/log/xen/xend.log)',
      '(loglevel INFO)',
      '(xend-unix-xmlrpc-server yes)',
      '(xend-tcp-xmlrpc-server yes)',
      '(xend-tcp-xmlrpc-server-address 0.0.0.0)',
      '(xend-tcp-xmlrpc-server-port 8006)',
      "(xend-hosts-allow '^mgmt1\\\\.example\\\\.org$ ^mgmt2\\\\.example\\\\.org$')",
      '(dom0-min-mem 512)',
      '(enable-dom0-ballooning yes)',
      '(console-limit 1024)',
    ].join('\n'),
  );

  page.sh('CAVEATS');
  page.text(
    t(
      'The TCP servers (xend-tcp-xmlrpc-server, xend-http-server) and the relocation server have no authentication: anyone who can connect controls every domain. Bind them to a trusted address, restrict them with xend-hosts-allow and xend-relocation-hosts-allow (space-separated regular expressions matched against the client\'s host name or address), or use TLS keys.',
    ),
  );

  page.sh('FILES');
  page.tp(b('/etc/xen/xend-config.sxp'), t('This file.'));

  page.sh('ENVIRONMENT');
  page.tp(b('XEND_CONFIG'), t('Another configuration file to read instead.'));
  page.tp(b('XEND_ROOT'), t('A prefix for every default path, /etc/xen/xend-config.sxp included. Not in xend.'));

  page.sh('SEE ALSO');
  page.text([ref('xend', 8), ref('xm', 1), ref('xmdomain.cfg', 5)].join(', '));
  return page.toString();
}
