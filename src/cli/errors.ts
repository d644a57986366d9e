/**
 * Errors a command raises, each carrying the exit status xm gave it. `main()`
 * prints them (`Error: …`, plus the command's usage where xm printed it).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    /** Print the command's usage after the message, as xm did for usage mistakes. */
    readonly showUsage = false,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 1, true);
  }
}

/** A usage mistake xm reported with a plain print (on stdout, no `Error:`) before the usage: `No domain parameter given`. */
export class UsageNotice extends CliError {
  constructor(message: string) {
    super(message, 1, true);
  }
}

/** A `--timeout` that ran out: its own status, since no Xen tool had one (124, like timeout(1)). */
export const EXIT_TIMEOUT = 124;
export const EXIT_UNKNOWN_DOMAIN = 3;

export class WaitTimeoutError extends CliError {
  constructor(message: string) {
    super(message, EXIT_TIMEOUT);
  }
}

/** A failure xm reports only through its exit status (`console -q`). */
export class SilentError extends CliError {
  constructor(exitCode = 1) {
    super('', exitCode);
  }
}
