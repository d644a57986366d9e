import type { CommandContext } from '../context.js';

/**
 * `xm shell`: xm 4.4's interactive shell. Every line runs in this process through
 * main, on this command's connection to xend; a failing command does not end it.
 */
export async function run(ctx: CommandContext): Promise<void> {
  const { runShell } = await import('../shell-session.js');
  const { input, output } = ctx.terminal;
  await runShell({
    input,
    terminal: input.isTTY === true && output.isTTY === true ? output : null,
    print: (text) => output.write(text),
    run: (argv) => ctx.xm(argv),
  });
}

export const text = (): string => '';
