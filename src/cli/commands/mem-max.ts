import { action } from './action.js';
import { parseMemory } from './mem-set.js';

/** `xm mem-max DOM MEM`: the most memory the domain may have (int_unit, MiB by default). */
export const { run, text, json } = action((client, [dom, mem]) => client.setMaxMemory(dom!, parseMemory(mem!)));
