import { action } from './action.js';

/** `xm mem-set DOM MEM`: the domain's memory target (xm's int_unit, MiB by default). */
export const { run, text, json } = action((client, { args: [dom], params }) => client.setMemoryTarget(dom!, params.number('Mem')!));
