import type { CommandSpec } from '../spec.js';
import { value } from './options.js';

/**
 * xm's security commands (security_commands). xm 4.4 ran them from modules of their own
 * (setpolicy.py, …), each checking its arguments with its own words.
 */
export const SECURITY_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'setpolicy',
    group: 'security',
    usage: '<policytype> <policyfile> [options]',
    help: 'Set the policy of the system.',
    options: [],
    args: [value('policytype'), { name: 'policyfile', kind: 'file', required: true }, { name: 'options', kind: 'value', variadic: true }],
    arityError: 'Need at least 3 arguments.',
    load: () => import('../commands/setpolicy.js'),
  },
];
