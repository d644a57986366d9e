/**
 * The three ways a config script can fail. Callers map them onto xm's messages:
 * a syntax error becomes "Errors were found at line N while processing <file>:",
 * a runtime error prints str(exception), and an unsupported construct means
 * "run this file with a real Python instead".
 */

/** The script is not valid Python (as far as the subset's parser can tell). */
export class PythonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    /** The offending source line, as Python's SyntaxError.text. */
    readonly text: string,
    /** The bracket still open when the file ended. */
    readonly unclosed?: { bracket: string; line: number },
  ) {
    super(message);
    this.name = 'PythonSyntaxError';
  }
}

/** A Python exception escaped the script; `message` is what str(exception) prints. */
export class PythonRuntimeError extends Error {
  constructor(
    /** The Python exception class name, e.g. `NameError`. */
    readonly pyType: string,
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'PythonRuntimeError';
  }
}

/** Valid Python outside the supported subset. */
export class PythonUnsupportedError extends Error {
  line: number;

  constructor(
    /** What was refused, e.g. `class definition` or `os.fork`. */
    readonly construct: string,
    line = 0,
  ) {
    super('');
    this.name = 'PythonUnsupportedError';
    this.line = line;
    this.message = describe(construct, line);
  }

  /** Builtins do not know the line they run on; the statement that called them fills it in. */
  atLine(line: number): this {
    if (this.line === 0) {
      this.line = line;
      this.message = describe(this.construct, line);
    }
    return this;
  }
}

function describe(construct: string, line: number): string {
  return line > 0 ? `line ${line}: ${construct} is not supported` : `${construct} is not supported`;
}
