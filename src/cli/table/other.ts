import type { CommandSpec } from '../spec.js';

/** What xm's all_commands put after every group: its interactive shell. */
export const OTHER_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'shell',
    group: 'other',
    usage: '',
    help: 'Launch an interactive shell.',
    notes:
      'Every xm command runs at the xm> prompt, over one connection to xend; a failing command does not end the shell. ' +
      '"help [COMMAND]" shows the usage, "quit", "exit" or end of input (Ctrl-D) leave. ' +
      'On a terminal the line can be edited, Tab completes command names and Up/Down recall earlier lines (kept for the session only, as xm did).',
    options: [],
    args: [],
    load: () => import('../commands/shell.js'),
  },
];
