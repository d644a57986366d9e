import { action } from './action.js';
import { settingsConfig } from './device-words.js';

/** The keys xm network-attach took (vif_params). */
const VIF_KEYS = ['type', 'mac', 'bridge', 'ip', 'script', 'backend', 'vifname', 'rate', 'model', 'accel'];

/** `xm network-attach DOM [key=value …]`: a new virtual interface (device_create). */
export const { run, text, json } = action(async (client, ctx) => void (await client.api.device_create({ dom: ctx.args[0]!, config: settingsConfig(ctx, 'vif', VIF_KEYS) })));
