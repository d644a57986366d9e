import type { CommandContext } from '../context.js';
import type { CommandModule } from '../spec.js';
import type { XendClient } from '../../client/xend-client.js';

interface PoolActionData {
  command: string;
  pool: string;
}

/** A cpupool command that asks xend one thing and prints nothing on success. */
export function poolAction(call: (client: XendClient, args: string[]) => Promise<unknown>, poolArg = 0): CommandModule<PoolActionData> {
  return {
    async run(ctx: CommandContext) {
      await call(ctx.client(), ctx.args);
      return { command: ctx.command, pool: ctx.args[poolArg] ?? '' };
    },
    text: () => '',
    json: (d) => ({ ok: true, command: d.command, pool: d.pool }),
  };
}
