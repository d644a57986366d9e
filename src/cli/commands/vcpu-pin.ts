import { action } from './action.js';

/** `xm vcpu-pin DOM VCPU|all CPUS|all`: silent on success; the CPU list is xm's cpu_make_map (values.ts). */
export const { run, text, json } = action((client, { args: [dom], params }) => client.pinVcpu(dom!, String(params.get('VCPU')), params.string('CPUs')!));
