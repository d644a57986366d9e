/**
 * Python's regular expressions, matched by a backtracking machine of our own
 * that charges every step to the script's budget. JS RegExp cannot be
 * interrupted, and refusing "dangerous" patterns cannot be made complete:
 * nested quantifiers (`(a+)+$`), overlapping alternatives (`(a|a)*$`) and mere
 * runs of quantifiers (`a*a*a*a*b`) all backtrack exponentially or polynomially
 * on short subjects. A machine that counts its steps stops all of them the way
 * the budget stops a loop, and matches as Python's sre does (leftmost first,
 * lazy and greedy repeats, backreferences, lookaround).
 */
import { charge, checkSize } from './budget.js';

const FLAG_I = 2;
const FLAG_M = 8;
const FLAG_S = 16;

/** A regex Python accepts that this module does not: the caller reports it as unsupported. */
export class RegexUnsupported extends Error {}
/** A malformed pattern (Python's re.error). */
export class RegexSyntaxError extends Error {}

type CharTest = (c: number) => boolean;

type Node =
  | { t: 'char'; test: CharTest }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; alts: Node[] }
  | { t: 'group'; index: number | null; body: Node }
  | { t: 'repeat'; body: Node; min: number; max: number; lazy: boolean }
  | { t: 'assert'; kind: Assertion }
  | { t: 'look'; behind: boolean; negate: boolean; body: Node }
  | { t: 'backref'; index: number };

type Assertion = 'bol' | 'eol' | 'start' | 'end' | 'word' | 'nonword';

/** Deepest group nesting and largest program: Python's own limits are of this order. */
const MAX_NESTING = 100;
const MAX_PROGRAM = 100_000;
/** Largest {m,n} count, as sre's MAXREPEAT on 32-bit builds. */
const MAX_REPEAT = 65_535;
/** Each backtracking entry costs this much more than a step: it is memory kept until the match ends. */
const PUSH_COST = 4;

const isWord = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const fold = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);
const CLASS_ESCAPES: Record<string, CharTest> = {
  d: isDigit,
  D: (c) => !isDigit(c),
  w: isWord,
  W: (c) => !isWord(c),
  s: isSpace,
  S: (c) => !isSpace(c),
};
const CHAR_ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11, a: 7 };

class Parser {
  private i = 0;
  private depth = 0;
  groups = 0;
  readonly names = new Map<string, number>();

  constructor(
    private readonly src: string,
    private readonly flags: number,
  ) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw new RegexSyntaxError(this.src[this.i] === ')' ? 'unbalanced parenthesis' : 'bogus characters');
    return node;
  }

  private alternation(): Node {
    const alts = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      alts.push(this.sequence());
    }
    return alts.length === 1 ? alts[0]! : { t: 'alt', alts };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const atom = this.atom();
      if (atom) items.push(this.quantified(atom));
    }
    return { t: 'seq', items };
  }

  private quantified(atom: Node): Node {
    const q = /^(?:[*+?]|\{(\d*)(?:(,)(\d*))?\})/.exec(this.src.slice(this.i, this.i + 24));
    if (!q || (q[0].startsWith('{') && q[1] === '' && q[2] === undefined)) return atom;
    if (atom.t === 'assert' || atom.t === 'look') throw new RegexSyntaxError('nothing to repeat');
    this.i += q[0].length;
    let [min, max] = q[0] === '*' ? [0, Infinity] : q[0] === '+' ? [1, Infinity] : q[0] === '?' ? [0, 1] : [0, 0];
    if (q[0].startsWith('{')) {
      min = q[1] ? Number(q[1]) : 0;
      max = q[2] === undefined ? min : q[3] ? Number(q[3]) : Infinity;
      if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) throw new RegexSyntaxError('the repetition number is too large');
      if (max < min) throw new RegexSyntaxError('bad repeat interval');
    }
    const lazy = this.src[this.i] === '?';
    if (lazy) this.i++;
    if (/^[*+?{]/.test(this.src[this.i] ?? '') && this.quantifierAhead()) throw new RegexSyntaxError('multiple repeat');
    return { t: 'repeat', body: atom, min, max, lazy };
  }

  private quantifierAhead(): boolean {
    return this.src[this.i] !== '{' || /^\{\d*(?:,\d*)?\}/.test(this.src.slice(this.i, this.i + 24));
  }

  private atom(): Node | null {
    const c = this.src[this.i++]!;
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '.':
        return { t: 'char', test: this.flags & FLAG_S ? () => true : (x) => x !== 10 };
      case '^':
        return { t: 'assert', kind: this.flags & FLAG_M ? 'bol' : 'start' };
      case '$':
        return { t: 'assert', kind: 'eol' };
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
        throw new RegexSyntaxError('nothing to repeat');
      case '{':
        if (!/^\d*(?:,\d*)?\}/.test(this.src.slice(this.i, this.i + 24)) || this.src[this.i] === '}') return this.literal(123);
        throw new RegexSyntaxError('nothing to repeat');
      default:
        return this.literal(c.charCodeAt(0));
    }
  }

  private literal(code: number): Node {
    const folded = fold(code);
    return { t: 'char', test: this.flags & FLAG_I ? (x) => fold(x) === folded : (x) => x === code };
  }

  private escape(): Node {
    const c = this.src[this.i++];
    if (c === undefined) throw new RegexSyntaxError('bogus escape (end of line)');
    const cls = CLASS_ESCAPES[c];
    if (cls) return { t: 'char', test: cls };
    if (c === 'A') return { t: 'assert', kind: 'start' };
    if (c === 'Z') return { t: 'assert', kind: 'end' };
    if (c === 'b') return { t: 'assert', kind: 'word' };
    if (c === 'B') return { t: 'assert', kind: 'nonword' };
    if (/[1-9]/.test(c)) {
      // Three octal digits are a character; one or two digits a group.
      const octal = /^[0-7]{3}/.exec(this.src.slice(this.i - 1, this.i + 2));
      if (octal) {
        this.i += 2;
        return this.literal(parseInt(octal[0], 8) & 0xff);
      }
      const digits = /^\d{1,2}/.exec(this.src.slice(this.i - 1, this.i + 1))![0];
      this.i += digits.length - 1;
      const index = Number(digits);
      if (index > this.groups) throw new RegexSyntaxError('invalid group reference');
      return { t: 'backref', index };
    }
    return this.literal(this.escapedChar(c));
  }

  /** \n, \x41, \0, \012 and any other escaped character as itself. */
  private escapedChar(c: string): number {
    if (c in CHAR_ESCAPES) return CHAR_ESCAPES[c]!;
    if (c === 'x') {
      const hex = /^[0-9a-fA-F]{2}/.exec(this.src.slice(this.i, this.i + 2));
      if (!hex) throw new RegexSyntaxError('bogus escape: \\x');
      this.i += 2;
      return parseInt(hex[0], 16);
    }
    if (/[0-7]/.test(c)) {
      const octal = /^[0-7]{0,2}/.exec(this.src.slice(this.i, this.i + 2))![0];
      this.i += octal.length;
      return parseInt(c + octal, 8) & 0xff;
    }
    return c.charCodeAt(0);
  }

  private charClass(): Node {
    const negate = this.src[this.i] === '^';
    if (negate) this.i++;
    const tests: CharTest[] = [];
    let first = true;
    for (;;) {
      const c = this.src[this.i++];
      if (c === undefined) throw new RegexSyntaxError('unexpected end of regular expression');
      if (c === ']' && !first) break;
      first = false;
      if (c === '\\' && CLASS_ESCAPES[this.src[this.i] ?? '']) {
        tests.push(CLASS_ESCAPES[this.src[this.i++]!]!);
        continue;
      }
      const low = c === '\\' ? this.classChar() : c.charCodeAt(0);
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== undefined && this.src[this.i + 1] !== ']') {
        this.i++;
        const d = this.src[this.i++]!;
        const high = d === '\\' ? this.classChar() : d.charCodeAt(0);
        if (high < low) throw new RegexSyntaxError('bad character range');
        tests.push((x) => x >= low && x <= high);
      } else tests.push((x) => x === low);
    }
    const member: CharTest = (x) => tests.some((t) => t(x));
    const cased: CharTest = this.flags & FLAG_I ? (x) => member(x) || member(fold(x)) || member(x >= 97 && x <= 122 ? x - 32 : x) : member;
    return { t: 'char', test: negate ? (x) => !cased(x) : cased };
  }

  private classChar(): number {
    const c = this.src[this.i++];
    if (c === undefined) throw new RegexSyntaxError('bogus escape (end of line)');
    if (c === 'b') return 8;
    return this.escapedChar(c);
  }

  private group(): Node | null {
    if (++this.depth > MAX_NESTING) throw new RegexUnsupported('regular expressions nested this deeply');
    const rest = this.src.slice(this.i, this.i + 40);
    let node: Node | null;
    const named = /^\?P<([A-Za-z_]\w*)>/.exec(rest);
    const backref = /^\?P=([A-Za-z_]\w*)\)/.exec(rest);
    if (named) {
      this.i += named[0].length;
      const index = ++this.groups;
      this.names.set(named[1]!, index);
      node = { t: 'group', index, body: this.closeGroup() };
    } else if (backref) {
      this.i += backref[0].length;
      const index = this.names.get(backref[1]!);
      if (index === undefined) throw new RegexSyntaxError('unknown group name');
      node = { t: 'backref', index };
    } else if (rest.startsWith('?#')) {
      const end = this.src.indexOf(')', this.i);
      if (end < 0) throw new RegexSyntaxError('unbalanced parenthesis');
      this.i = end + 1;
      node = null;
    } else if (rest.startsWith('?:')) {
      this.i += 2;
      node = { t: 'group', index: null, body: this.closeGroup() };
    } else {
      const look = /^\?(<?)([=!])/.exec(rest);
      if (look) {
        this.i += look[0].length;
        const body = this.closeGroup();
        if (look[1] && fixedWidth(body) === null) throw new RegexSyntaxError('look-behind requires fixed-width pattern');
        node = { t: 'look', behind: look[1] === '<', negate: look[2] === '!', body };
      } else if (rest.startsWith('?')) {
        throw new RegexUnsupported('this regular expression group');
      } else {
        const index = ++this.groups;
        node = { t: 'group', index, body: this.closeGroup() };
      }
    }
    this.depth--;
    return node;
  }

  private closeGroup(): Node {
    const body = this.alternation();
    if (this.src[this.i++] !== ')') throw new RegexSyntaxError('unbalanced parenthesis');
    return body;
  }
}

/** The width every match of `n` has, or null when it varies. */
function fixedWidth(n: Node): number | null {
  switch (n.t) {
    case 'char':
      return 1;
    case 'assert':
    case 'look':
      return 0;
    case 'backref':
      return null;
    case 'group':
      return fixedWidth(n.body);
    case 'repeat': {
      const w = fixedWidth(n.body);
      return w !== null && n.min === n.max ? w * n.min : null;
    }
    case 'seq': {
      let sum = 0;
      for (const item of n.items) {
        const w = fixedWidth(item);
        if (w === null) return null;
        sum += w;
      }
      return sum;
    }
    case 'alt': {
      const widths = n.alts.map(fixedWidth);
      return widths.every((w) => w !== null && w === widths[0]) ? widths[0]! : null;
    }
  }
}

// ---------------------------------------------------------------- program

type Op =
  | { op: 'char'; test: CharTest }
  | { op: 'split'; first: number; second: number }
  | { op: 'jmp'; to: number }
  | { op: 'save'; slot: number }
  | { op: 'mark'; reg: number }
  | { op: 'progress'; reg: number }
  | { op: 'assert'; kind: Assertion }
  | { op: 'look'; behind: boolean; negate: boolean; start: number; width: number }
  | { op: 'backref'; index: number }
  | { op: 'match' };

class Compiler {
  readonly prog: Op[] = [];
  registers = 0;

  emit(op: Op): number {
    if (this.prog.length >= MAX_PROGRAM) throw new RegexUnsupported('a regular expression this large');
    charge(1);
    this.prog.push(op);
    return this.prog.length - 1;
  }

  node(n: Node): void {
    switch (n.t) {
      case 'char':
        this.emit({ op: 'char', test: n.test });
        return;
      case 'seq':
        for (const item of n.items) this.node(item);
        return;
      case 'alt': {
        const ends: number[] = [];
        n.alts.forEach((alt, k) => {
          if (k === n.alts.length - 1) return this.node(alt);
          const split = this.emit({ op: 'split', first: 0, second: 0 });
          this.node(alt);
          ends.push(this.emit({ op: 'jmp', to: 0 }));
          this.prog[split] = { op: 'split', first: split + 1, second: this.prog.length };
        });
        for (const end of ends) this.prog[end] = { op: 'jmp', to: this.prog.length };
        return;
      }
      case 'group':
        if (n.index !== null) this.emit({ op: 'save', slot: 2 * n.index });
        this.node(n.body);
        if (n.index !== null) this.emit({ op: 'save', slot: 2 * n.index + 1 });
        return;
      case 'repeat':
        this.repeat(n);
        return;
      case 'assert':
        this.emit({ op: 'assert', kind: n.kind });
        return;
      case 'backref':
        this.emit({ op: 'backref', index: n.index });
        return;
      case 'look': {
        // The body runs as its own program, after a jump over it: a lookaround is atomic.
        const look = { op: 'look', behind: n.behind, negate: n.negate, start: 0, width: fixedWidth(n.body) ?? 0 } as const;
        const at = this.emit(look);
        const over = this.emit({ op: 'jmp', to: 0 });
        this.node(n.body);
        this.emit({ op: 'match' });
        this.prog[at] = { ...look, start: over + 1 };
        this.prog[over] = { op: 'jmp', to: this.prog.length };
        return;
      }
    }
  }

  /** x{min,max}: min copies, then optional ones (a loop for max = ∞, which stops when an iteration matched nothing). */
  private repeat(n: Extract<Node, { t: 'repeat' }>): void {
    for (let k = 0; k < n.min; k++) this.node(n.body);
    if (n.max === Infinity) {
      const reg = this.registers++;
      const split = this.emit({ op: 'split', first: 0, second: 0 });
      this.emit({ op: 'mark', reg });
      this.node(n.body);
      this.emit({ op: 'progress', reg });
      this.emit({ op: 'jmp', to: split });
      this.patch(split, split + 1, this.prog.length, n.lazy);
      return;
    }
    const splits: number[] = [];
    for (let k = n.min; k < n.max; k++) {
      splits.push(this.emit({ op: 'split', first: 0, second: 0 }));
      this.node(n.body);
    }
    for (const s of splits) this.patch(s, s + 1, this.prog.length, n.lazy);
  }

  private patch(at: number, body: number, after: number, lazy: boolean): void {
    this.prog[at] = lazy ? { op: 'split', first: after, second: body } : { op: 'split', first: body, second: after };
  }
}

// ---------------------------------------------------------------- matching

export interface Regex {
  readonly groups: number;
  readonly names: ReadonlyMap<string, number>;
  readonly prog: readonly Op[];
  readonly registers: number;
}

/** A match: the span of the whole match (group 0) and of each group, -1 where a group did not take part. */
export interface RegexMatch {
  readonly spans: readonly number[];
}

/** Compiles a pattern, charging its length and each instruction made (`a{60000}` is 60,000). */
export function compileRegex(pattern: string, flags: number): Regex {
  charge(pattern.length);
  const parser = new Parser(pattern, flags);
  const tree = parser.parse();
  const c = new Compiler();
  c.node(tree);
  c.emit({ op: 'match' });
  return { groups: parser.groups, names: parser.names, prog: c.prog, registers: c.registers };
}

/** The first match starting at `pos` (anchored) or at or after it (search), or null. */
export function execRegex(re: Regex, flags: number, text: string, pos: number, anchored: boolean): RegexMatch | null {
  const start = Math.max(0, Math.min(pos, text.length));
  const machine = new Machine(re, flags, text);
  for (let at = start; at <= text.length; at++) {
    const spans = machine.matchAt(at);
    if (spans) return { spans };
    if (anchored) break;
  }
  machine.flush();
  return null;
}

class Machine {
  private caps: number[];
  private regs: number[];
  /** Undo log of caps/regs writes: slot (regs after caps) and the old value. */
  private trail: number[] = [];
  private pending = 0;

  constructor(
    private readonly re: Regex,
    private readonly flags: number,
    private readonly text: string,
  ) {
    this.caps = new Array<number>(2 * (re.groups + 1)).fill(-1);
    this.regs = new Array<number>(re.registers).fill(-1);
  }

  matchAt(at: number): number[] | null {
    this.caps.fill(-1);
    this.trail.length = 0;
    const end = this.run(0, at);
    this.flush();
    if (end < 0) return null;
    this.caps[0] = at;
    this.caps[1] = end;
    return [...this.caps];
  }

  /** Charges steps in batches: a call per instruction would cost more than the step. */
  private step(units: number): void {
    this.pending += units;
    if (this.pending >= 1024) this.flush();
  }

  flush(): void {
    charge(this.pending);
    this.pending = 0;
  }

  private write(slot: number, value: number): void {
    const inCaps = slot < this.caps.length;
    this.trail.push(slot, inCaps ? this.caps[slot]! : this.regs[slot - this.caps.length]!);
    if (inCaps) this.caps[slot] = value;
    else this.regs[slot - this.caps.length] = value;
  }

  private undo(to: number): void {
    while (this.trail.length > to) {
      const old = this.trail.pop()!;
      const slot = this.trail.pop()!;
      if (slot < this.caps.length) this.caps[slot] = old;
      else this.regs[slot - this.caps.length] = old;
    }
  }

  /** Runs from `pc` at `pos`; the end of the first match, or -1 (with every write undone). */
  private run(startPc: number, startPos: number): number {
    const { prog } = this.re;
    const text = this.text;
    const stack: number[] = [];
    const base = this.trail.length;
    let pc = startPc;
    let pos = startPos;
    for (;;) {
      this.step(1);
      const op = prog[pc]!;
      let ok = true;
      switch (op.op) {
        case 'char':
          ok = pos < text.length && op.test(text.charCodeAt(pos));
          if (ok) pos++;
          pc++;
          break;
        case 'split':
          this.step(PUSH_COST);
          checkSize(stack.length / 3, 0);
          stack.push(op.second, pos, this.trail.length);
          pc = op.first;
          break;
        case 'jmp':
          pc = op.to;
          break;
        case 'save':
          this.write(op.slot, pos);
          pc++;
          break;
        case 'mark':
          this.write(this.caps.length + op.reg, pos);
          pc++;
          break;
        case 'progress':
          ok = this.regs[op.reg] !== pos;
          pc++;
          break;
        case 'assert':
          ok = this.assertion(op.kind, pos);
          pc++;
          break;
        case 'backref': {
          const [from, to] = [this.caps[2 * op.index]!, this.caps[2 * op.index + 1]!];
          ok = from >= 0 && to >= 0 && this.sameText(from, to, pos);
          if (ok) pos += to - from;
          pc++;
          break;
        }
        case 'look': {
          const at = op.behind ? pos - op.width : pos;
          const found = at >= 0 && this.run(op.start, at) >= 0;
          ok = found !== op.negate;
          pc++;
          break;
        }
        case 'match':
          return pos;
      }
      if (ok) continue;
      if (stack.length === 0) {
        this.undo(base);
        return -1;
      }
      this.undo(stack.pop()!);
      pos = stack.pop()!;
      pc = stack.pop()!;
    }
  }

  private sameText(from: number, to: number, pos: number): boolean {
    const length = to - from;
    if (pos + length > this.text.length) return false;
    this.step(length);
    for (let k = 0; k < length; k++) {
      const [a, b] = [this.text.charCodeAt(from + k), this.text.charCodeAt(pos + k)];
      if (a !== b && !(this.flags & FLAG_I && fold(a) === fold(b))) return false;
    }
    return true;
  }

  private assertion(kind: Assertion, pos: number): boolean {
    const text = this.text;
    switch (kind) {
      case 'start':
        return pos === 0;
      case 'bol':
        return pos === 0 || text.charCodeAt(pos - 1) === 10;
      case 'end':
        return pos === text.length;
      case 'eol':
        // Python's `$`: the end, or before a newline that ends the string (any newline with MULTILINE).
        return pos === text.length || (text.charCodeAt(pos) === 10 && (pos === text.length - 1 || (this.flags & FLAG_M) !== 0));
      case 'word':
      case 'nonword': {
        const before = pos > 0 && isWord(text.charCodeAt(pos - 1));
        const after = pos < text.length && isWord(text.charCodeAt(pos));
        return (before !== after) === (kind === 'word');
      }
    }
  }
}
