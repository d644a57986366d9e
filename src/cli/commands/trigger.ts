import { CliError } from '../errors.js';
import { action } from './action.js';

/** `xm trigger DOM nmi|reset|init|s3resume|power [VCPU]`: xend names a bad trigger; a bad VCPU is xm's int() failing. */
export const { run, text, json } = action((client, [dom, name, vcpu]) => {
  if (vcpu !== undefined && !/^\s*[-+]?\d+\s*$/.test(vcpu)) throw new CliError('Invalid argument.', 1, true);
  return client.trigger(dom!, name!, vcpu === undefined ? 0 : Number(vcpu));
});
