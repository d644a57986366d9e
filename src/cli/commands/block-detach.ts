import { detachCommand } from './device-words.js';

/** `xm block-detach DOM DEVID [-f]`: xend says which block class holds the disk (vbd unless tap or tap2). */
export const { run, text, json } = detachCommand(async (ctx, dom, dev) => {
  const cls = await ctx.client().api.getBlockDeviceClass({ dom, devid: dev });
  return cls === 'tap' || cls === 'tap2' ? cls : 'vbd';
});
