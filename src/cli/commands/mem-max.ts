import { action } from './action.js';

/** `xm mem-max DOM MEM`: the most memory the domain may have (int_unit, MiB by default). */
export const { run, text, json } = action((client, { args: [dom], params }) => client.setMaxMemory(dom!, params.number('Mem')!));
