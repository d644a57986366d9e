/**
 * Python 2 tokenizer: INDENT/DEDENT from leading whitespace (tabs to multiples of 8),
 * implicit line joining inside brackets, backslash continuation, comments,
 * string literals with prefixes and escapes, int/long/float literals.
 */
import { escapeRegExp } from '../../escape-regexp.js';
import { PythonSyntaxError, PythonUnsupportedError } from './errors.js';

export type Token =
  | { type: 'name'; value: string; line: number }
  | { type: 'op'; value: string; line: number }
  | { type: 'string'; value: string; line: number }
  | { type: 'int'; value: bigint; line: number }
  | { type: 'float'; value: number; line: number }
  | { type: 'newline' | 'indent' | 'dedent' | 'eof'; value: ''; line: number };

// Longest first, so that `**=` wins over `**` and `*`.
const OPERATORS = [
  '**=', '//=', '>>=', '<<=',
  '**', '//', '<<', '>>', '<=', '>=', '==', '!=', '<>', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '->',
  '+', '-', '*', '/', '%', '&', '|', '^', '~', '<', '>', '(', ')', '[', ']', '{', '}', ',', ':', '.', ';', '@', '=', '`',
];
const OPENING = new Set(['(', '[', '{']);
const CLOSING = new Set([')', ']', '}']);
const STRING_PREFIX = /^(?:[rRuUbB]|[uUbB][rR])$/;
// Sticky, matched where the lexer stands: a config file is mostly comments, and a loop over
// their characters in the interpreter cost `xm create` ~1.5 ms for Xen's commented examples.
const REST_OF_LINE = /[^\r\n]*/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const BLANKS = /[ \t\f]+/y;
/** OPERATORS as one pattern: its alternatives are tried in their order, so the longest wins. */
const OPERATOR = new RegExp(OPERATORS.map(escapeRegExp).join('|'), 'y');

export function tokenize(source: string): Token[] {
  return new Lexer(source).run();
}

class Lexer {
  private readonly lines: string[];
  private readonly tokens: Token[] = [];
  private readonly indents = [0];
  private pos = 0;
  private line = 1;
  /** The brackets open here, innermost last: inside one, newlines and indentation do not count. */
  private readonly open: { bracket: string; line: number }[] = [];

  constructor(private readonly src: string) {
    this.lines = src.split(/\r?\n|\r/);
  }

  run(): Token[] {
    let atLineStart = true;
    while (this.pos < this.src.length) {
      if (atLineStart && this.open.length === 0) {
        if (!this.indentation()) continue;
        atLineStart = false;
      }
      const ch = this.src[this.pos]!;
      if (ch === ' ' || ch === '\t' || ch === '\f') {
        this.pos += this.here(BLANKS)!.length;
      } else if (ch === '#') {
        this.skipComment();
      } else if (ch === '\\' && this.isNewlineAt(this.pos + 1)) {
        this.pos++;
        this.consumeNewline();
      } else if (ch === '\n' || ch === '\r') {
        const line = this.line;
        this.consumeNewline();
        if (this.open.length === 0) {
          this.push({ type: 'newline', value: '', line });
          atLineStart = true;
        }
      } else if (/[A-Za-z_]/.test(ch)) {
        this.nameOrString();
      } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(this.src[this.pos + 1] ?? ''))) {
        this.number();
      } else if (ch === '"' || ch === "'") {
        this.string('');
      } else {
        this.operator();
      }
    }
    if (this.open.length > 0) this.fail('unexpected EOF while parsing', this.lastContentLine(), this.open.at(-1));
    const last = this.tokens[this.tokens.length - 1];
    if (last && last.type !== 'newline' && last.type !== 'dedent') this.push({ type: 'newline', value: '', line: this.line });
    while (this.indents.length > 1) {
      this.indents.pop();
      this.push({ type: 'dedent', value: '', line: this.line });
    }
    this.push({ type: 'eof', value: '', line: this.line });
    return this.tokens;
  }

  /** Measures the indentation of a logical line; returns false for blank and comment-only lines. */
  private indentation(): boolean {
    let col = 0;
    let p = this.pos;
    for (;;) {
      const c = this.src[p];
      if (c === ' ') col++;
      else if (c === '\t') col = (Math.floor(col / 8) + 1) * 8;
      else if (c === '\f') col = 0;
      else break;
      p++;
    }
    const c = this.src[p];
    if (c === undefined || c === '#' || c === '\n' || c === '\r') {
      this.pos = p;
      if (c === '#') this.skipComment();
      if (this.pos < this.src.length) this.consumeNewline();
      return false;
    }
    this.pos = p;
    const current = this.indents[this.indents.length - 1]!;
    if (col > current) {
      this.indents.push(col);
      this.push({ type: 'indent', value: '', line: this.line });
    } else {
      while (col < this.indents[this.indents.length - 1]!) {
        this.indents.pop();
        this.push({ type: 'dedent', value: '', line: this.line });
      }
      if (col !== this.indents[this.indents.length - 1]) {
        this.fail('unindent does not match any outer indentation level', this.line);
      }
    }
    return true;
  }

  private nameOrString(): void {
    const word = this.here(NAME)!;
    const next = this.src[this.pos + word.length];
    if ((next === '"' || next === "'") && STRING_PREFIX.test(word)) {
      this.pos += word.length;
      this.string(word.toLowerCase());
      return;
    }
    this.pos += word.length;
    this.push({ type: 'name', value: word, line: this.line });
  }

  private number(): void {
    const rest = this.src.slice(this.pos, this.pos + 512);
    const line = this.line;
    const radix = /^0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)/.exec(rest);
    const float = /^(?:\d+\.\d*|\.\d+|\d+(?=[eE][+-]?\d))(?:[eE][+-]?\d+)?/.exec(rest);
    const text = (radix ?? float ?? /^\d+/.exec(rest)!)[0];
    this.pos += text.length;
    if (/[jJ]/.test(this.src[this.pos] ?? '')) throw new PythonUnsupportedError('complex numbers', line);
    if (!radix && float) {
      this.push({ type: 'float', value: Number(text), line });
      return;
    }
    if (/[lL]/.test(this.src[this.pos] ?? '')) this.pos++; // Python 2 long suffix
    // Python 2: a leading zero means octal (0777).
    const value = radix ? BigInt(text) : /^0\d/.test(text) ? this.octal(text, line) : BigInt(text);
    this.push({ type: 'int', value, line });
  }

  private octal(digits: string, line: number): bigint {
    if (/[89]/.test(digits)) this.fail('invalid token', line);
    return BigInt('0o' + digits.slice(1));
  }

  private string(prefix: string): void {
    const raw = prefix.includes('r');
    const unicode = prefix.includes('u');
    const startLine = this.line;
    const quote = this.src[this.pos]!;
    const triple = this.src.startsWith(quote.repeat(3), this.pos);
    const delimiter = triple ? quote.repeat(3) : quote;
    this.pos += delimiter.length;
    let body = '';
    for (;;) {
      if (this.pos >= this.src.length) {
        this.fail(triple ? 'EOF while scanning triple-quoted string literal' : 'EOL while scanning string literal', startLine);
      }
      if (this.src.startsWith(delimiter, this.pos)) {
        this.pos += delimiter.length;
        break;
      }
      const ch = this.src[this.pos]!;
      if (ch === '\\') {
        let next = this.src[this.pos + 1] ?? '';
        this.pos += 2;
        if (next === '\r' || next === '\n') {
          if (next === '\r' && this.src[this.pos] === '\n') this.pos++;
          next = '\n';
          this.line++;
        }
        body += '\\' + next;
        continue;
      }
      if (ch === '\n' || ch === '\r') {
        if (!triple) this.fail('EOL while scanning string literal', startLine);
        this.line++;
        if (ch === '\r' && this.src[this.pos + 1] === '\n') this.pos++;
        body += '\n';
        this.pos++;
        continue;
      }
      body += ch;
      this.pos++;
    }
    const value = raw ? body : this.unescape(body, unicode, startLine);
    this.push({ type: 'string', value, line: startLine });
  }

  private unescape(body: string, unicode: boolean, line: number): string {
    return body.replace(/\\(\n|x[0-9a-fA-F]{0,2}|[0-7]{1,3}|u[0-9a-fA-F]{0,4}|U[0-9a-fA-F]{0,8}|N\{[^}]*\}|[\s\S])/g, (whole, esc: string) => {
      switch (esc[0]) {
        case '\n':
          return '';
        case '\\': return '\\';
        case "'": return "'";
        case '"': return '"';
        case 'a': return '\x07';
        case 'b': return '\b';
        case 'f': return '\f';
        case 'n': return '\n';
        case 'r': return '\r';
        case 't': return '\t';
        case 'v': return '\v';
        case 'x':
          if (esc.length !== 3) this.fail('invalid \\x escape', line);
          return String.fromCharCode(parseInt(esc.slice(1), 16));
        case 'u':
        case 'U': {
          if (!unicode) return whole;
          const want = esc[0] === 'u' ? 5 : 9;
          if (esc.length !== want) this.fail('truncated \\uXXXX escape', line);
          return String.fromCodePoint(parseInt(esc.slice(1), 16));
        }
        case 'N':
          if (!unicode) return whole;
          throw new PythonUnsupportedError('\\N{...} escapes', line);
      }
      if (/[0-7]/.test(esc[0]!)) return String.fromCharCode(parseInt(esc, 8) & 0xff);
      return whole;
    });
  }

  private operator(): void {
    const op = this.here(OPERATOR);
    if (!op) this.fail('invalid syntax', this.line);
    if (OPENING.has(op)) this.open.push({ bracket: op, line: this.line });
    if (CLOSING.has(op)) this.open.pop();
    this.pos += op.length;
    this.push({ type: 'op', value: op, line: this.line });
  }

  private lastContentLine(): number {
    let n = this.lines.length;
    while (n > 1 && this.lines[n - 1]!.trim() === '') n--;
    return n;
  }

  private skipComment(): void {
    this.pos += this.here(REST_OF_LINE)!.length;
  }

  /** What the sticky `pattern` matches where the lexer stands, if it does. */
  private here(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.pos;
    return pattern.exec(this.src)?.[0];
  }

  private isNewlineAt(p: number): boolean {
    return this.src[p] === '\n' || this.src[p] === '\r';
  }

  private consumeNewline(): void {
    if (this.src[this.pos] === '\r' && this.src[this.pos + 1] === '\n') this.pos++;
    this.pos++;
    this.line++;
  }

  private push(token: Token): void {
    this.tokens.push(token);
  }

  private fail(message: string, line: number, unclosed?: { bracket: string; line: number }): never {
    throw new PythonSyntaxError(message, line, this.lines[line - 1] ?? '', unclosed);
  }
}
