import type { CommandSpec } from '../spec.js';

/** xm's Flask commands (flask_commands): getenforce.py and setenforce.py. */
export const FLASK_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'getenforce',
    group: 'flask',
    usage: '',
    help: 'Returns the current enforcing mode for the Flask XSM module (Enforcing,Permissive)',
    options: [],
    args: [],
    arityError: 'No arguments expected.',
    load: () => import('../commands/getenforce.js'),
  },
  {
    name: 'setenforce',
    group: 'flask',
    usage: '[ (Enforcing|1) | (Permissive|0) ]',
    help: 'Modifies the current enforcing mode for the Flask XSM module',
    options: [],
    args: [{ name: 'mode', kind: 'value', required: true, choices: ['Enforcing', 'Permissive', '1', '0'] }],
    arityError: 'Invalid arguments',
    load: () => import('../commands/setenforce.js'),
  },
];
