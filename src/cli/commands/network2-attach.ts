import { action } from './action.js';
import { settingsConfig } from './device-words.js';

/** The keys xm network2-attach took (vif_params of netif2). */
const VIF2_KEYS = ['front_mac', 'back_mac', 'backend', 'trusted', 'back_trusted', 'front_filter_mac', 'filter_mac', 'bridge', 'pdev', 'max_bypasses'];

/** `xm network2-attach DOM [key=value …]`: a new version 2 virtual interface. */
export const { run, text, json } = action(async (client, ctx) => void (await client.api.device_create({ dom: ctx.args[0]!, config: settingsConfig(ctx, 'vif2', VIF2_KEYS) })));
