import type { CommandContext } from '../context.js';
import type { CommandModule } from '../spec.js';
import type { XendClient } from '../../client/xend-client.js';

interface ActionData {
  command: string;
  domain: string;
}

/**
 * Commands that ask xend to do one thing to one domain and print nothing on
 * success (destroy, pause, unpause, …): the handler is just the call.
 */
export function action(call: (client: XendClient, ctx: CommandContext) => Promise<void>): CommandModule<ActionData> {
  return {
    async run(ctx: CommandContext) {
      await call(ctx.client(), ctx);
      return { command: ctx.command, domain: ctx.args[0] ?? '' };
    },
    text: () => '',
    json: (d) => ({ ok: true, command: d.command, domain: d.domain }),
  };
}
