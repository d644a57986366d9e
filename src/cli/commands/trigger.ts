import { action } from './action.js';

/** `xm trigger DOM nmi|reset|init|s3resume|power [VCPU]`: xend names a bad trigger; a bad VCPU is xm's int() failing. */
export const { run, text, json } = action((client, { args: [dom, name], params }) => client.trigger(dom!, name!, params.number('VCPU') ?? 0));
