/**
 * Recursive-descent parser for the Python 2 subset xm config files use.
 * Valid Python we do not implement (class, with, yield, *args …) raises
 * PythonUnsupportedError; invalid Python raises PythonSyntaxError.
 */
import { subexpressions, type BinaryOp, type CompareOp, type Comprehension, type ExceptHandler, type Expr, type Module, type Param, type Stmt } from './ast.js';
import { PythonSyntaxError, PythonUnsupportedError } from './errors.js';
import { tokenize, type Token } from './lexer.js';

const KEYWORDS = new Set([
  'and', 'as', 'assert', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'exec',
  'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'not', 'or', 'pass', 'print',
  'raise', 'return', 'try', 'while', 'with', 'yield',
]);
const AUGMENTED: Record<string, BinaryOp> = {
  '+=': '+', '-=': '-', '*=': '*', '/=': '/', '//=': '//', '%=': '%', '**=': '**',
  '<<=': '<<', '>>=': '>>', '&=': '&', '|=': '|', '^=': '^',
};
const COMPARISON_OPS = new Set(['<', '>', '==', '>=', '<=', '!=', '<>']);
/** Futures that change nothing for the subset. */
const HARMLESS_FUTURES = new Set(['absolute_import', 'with_statement', 'nested_scopes', 'generators']);
/** Blocks, and sub-expressions the parser recurses into (brackets, unary operators, `**`). */
const MAX_NESTING = 100;
/**
 * Depth of an expression tree. Operator chains (`a + b + …`) and trailers
 * (`x[0][0]…`) are parsed in loops but make left-deep trees, which the scope
 * analysis and the evaluator walk recursively: a far deeper tree would overflow
 * the stack. No real config comes near.
 */
const MAX_EXPRESSION_DEPTH = 1000;

export function parse(source: string): Module {
  const text = source.replace(/^\uFEFF/, ''); // Python accepts a UTF-8 byte order mark
  return new Parser(tokenize(text), text.split(/\r?\n|\r/)).module();
}

class Parser {
  private i = 0;
  private nesting = 0;
  /** Set while an expression is parsed: only the outermost one checks its finished tree. */
  private inExpression = false;
  private trueDivision = false;
  /** Whether `return` / `break` are legal here, as CPython's compiler checks. */
  private inFunction = false;
  private inLoop = false;

  constructor(
    private readonly tokens: Token[],
    private readonly lines: string[],
  ) {}

  module(): Module {
    const body: Stmt[] = [];
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'newline') this.next();
      else body.push(...this.statement());
    }
    return { body, trueDivision: this.trueDivision };
  }

  // ------------------------------------------------------------ statements

  private statement(): Stmt[] {
    const t = this.peek();
    if (t.type === 'indent') this.fail('unexpected indent');
    if (t.type === 'op' && t.value === '@') throw new PythonUnsupportedError('decorators', t.line);
    if (t.type === 'name') {
      switch (t.value) {
        case 'if':
          return [this.ifStatement()];
        case 'while':
          return [this.whileStatement()];
        case 'for':
          return [this.forStatement()];
        case 'try':
          return [this.tryStatement()];
        case 'def':
          return [this.defStatement()];
        case 'class':
          throw new PythonUnsupportedError('class definition', t.line);
        case 'with':
          throw new PythonUnsupportedError('with statement', t.line);
      }
    }
    return this.simpleStatements();
  }

  private simpleStatements(): Stmt[] {
    const stmts = [this.smallStatement()];
    while (this.acceptOp(';')) {
      if (this.peek().type === 'newline') break;
      stmts.push(this.smallStatement());
    }
    this.expect('newline');
    return stmts.filter((s): s is Stmt => s !== null);
  }

  /** null for statements that leave nothing to execute (`from __future__ import …`). */
  private smallStatement(): Stmt | null {
    const t = this.peek();
    const line = t.line;
    if (t.type === 'name') {
      switch (t.value) {
        case 'pass':
          this.next();
          return { k: 'pass', line };
        case 'break':
          if (!this.inLoop) this.fail("'break' outside loop");
          this.next();
          return { k: 'break', line };
        case 'continue':
          if (!this.inLoop) this.fail("'continue' not properly in loop");
          this.next();
          return { k: 'continue', line };
        case 'return':
          if (!this.inFunction) this.fail("'return' outside function");
          this.next();
          return { k: 'return', line, value: this.atStatementEnd() ? null : this.testList() };
        case 'raise':
          return this.raiseStatement();
        case 'global':
          this.next();
          return { k: 'global', line, names: this.nameList() };
        case 'import':
          return this.importStatement();
        case 'from':
          return this.fromStatement();
        case 'print':
          return this.printStatement();
        case 'del':
          this.next();
          return { k: 'del', line, target: this.assignable(this.targetTuple(), 'delete') };
        case 'assert': {
          this.next();
          const test = this.test();
          return { k: 'assert', line, test, message: this.acceptOp(',') ? this.test() : null };
        }
        case 'exec':
          throw new PythonUnsupportedError('exec statement', line);
        case 'yield':
          throw new PythonUnsupportedError('yield', line);
      }
    }
    return this.expressionStatement();
  }

  private expressionStatement(): Stmt {
    const line = this.peek().line;
    const first = this.testList();
    const op = this.peek();
    if (op.type === 'op' && op.value in AUGMENTED) {
      this.next();
      if (first.k === 'tuple' || first.k === 'list') this.fail('illegal expression for augmented assignment', op);
      return { k: 'augassign', line, target: this.assignable(first, 'assign to'), op: AUGMENTED[op.value]!, value: this.testList() };
    }
    if (!this.isOp('=')) return { k: 'expr', line, value: first };
    const targets = [first];
    let value = first;
    while (this.acceptOp('=')) {
      value = this.testList();
      targets.push(value);
    }
    targets.pop();
    return { k: 'assign', line, targets: targets.map((e) => this.assignable(e, 'assign to')), value };
  }

  private raiseStatement(): Stmt {
    const line = this.next().line;
    if (this.atStatementEnd()) return { k: 'raise', line, type: null, message: null };
    const type = this.test();
    let message: Expr | null = null;
    if (this.acceptOp(',')) {
      message = this.test();
      if (this.isOp(',')) throw new PythonUnsupportedError('raise with a traceback', line);
    }
    return { k: 'raise', line, type, message };
  }

  private importStatement(): Stmt {
    const line = this.next().line;
    const names: { module: string; asname: string | null }[] = [];
    do {
      const module = this.dottedName();
      names.push({ module, asname: this.acceptName('as') ? this.name() : null });
    } while (this.acceptOp(','));
    return { k: 'import', line, names };
  }

  private fromStatement(): Stmt | null {
    const line = this.next().line;
    if (this.isOp('.')) throw new PythonUnsupportedError('relative import', line);
    const module = this.dottedName();
    this.expectName('import');
    if (this.acceptOp('*')) return { k: 'from', line, module, names: '*' };
    const parenthesized = this.acceptOp('(');
    const names: { name: string; asname: string | null }[] = [];
    do {
      if (parenthesized && this.isOp(')')) break;
      const name = this.name();
      names.push({ name, asname: this.acceptName('as') ? this.name() : null });
    } while (this.acceptOp(','));
    if (parenthesized) this.expectOp(')');
    if (module !== '__future__') return { k: 'from', line, module, names };
    for (const { name } of names) {
      if (name === 'division') this.trueDivision = true;
      else if (!HARMLESS_FUTURES.has(name)) throw new PythonUnsupportedError(`from __future__ import ${name}`, line);
    }
    return null;
  }

  /** Python 2's print statement, including `print >>sys.stderr, x` and a trailing comma. */
  private printStatement(): Stmt {
    const line = this.next().line;
    let dest: Expr | null = null;
    if (this.acceptOp('>>')) {
      dest = this.test();
      if (!this.acceptOp(',')) return { k: 'print', line, dest, values: [], newline: true };
    }
    const values: Expr[] = [];
    let newline = true;
    while (!this.atStatementEnd()) {
      values.push(this.test());
      newline = !this.acceptOp(',');
      if (newline) break;
    }
    return { k: 'print', line, dest, values, newline };
  }

  private ifStatement(): Stmt {
    const line = this.next().line;
    const test = this.test();
    const body = this.block();
    let orelse: Stmt[] = [];
    if (this.isName('elif')) orelse = [this.ifStatement()];
    else if (this.acceptName('else')) orelse = this.block();
    return { k: 'if', line, test, body, orelse };
  }

  private whileStatement(): Stmt {
    const line = this.next().line;
    const test = this.test();
    const body = this.loopBody();
    return { k: 'while', line, test, body, orelse: this.acceptName('else') ? this.block() : [] };
  }

  private forStatement(): Stmt {
    const line = this.next().line;
    const target = this.assignable(this.targetTuple(), 'assign to');
    this.expectName('in');
    const iter = this.testList();
    const body = this.loopBody();
    return { k: 'for', line, target, iter, body, orelse: this.acceptName('else') ? this.block() : [] };
  }

  private loopBody(): Stmt[] {
    const outer = this.inLoop;
    this.inLoop = true;
    try {
      return this.block();
    } finally {
      this.inLoop = outer;
    }
  }

  private tryStatement(): Stmt {
    const line = this.next().line;
    const body = this.block();
    const handlers: ExceptHandler[] = [];
    while (this.acceptName('except')) {
      let type: Expr | null = null;
      let target: Expr | null = null;
      if (!this.isOp(':')) {
        type = this.test();
        if (this.acceptName('as') || this.acceptOp(',')) target = this.assignable(this.test(), 'assign to');
      }
      handlers.push({ type, target, body: this.block() });
    }
    const orelse = handlers.length > 0 && this.acceptName('else') ? this.block() : [];
    const finalbody = this.acceptName('finally') ? this.block() : [];
    if (handlers.length === 0 && finalbody.length === 0) this.fail();
    return { k: 'try', line, body, handlers, orelse, finalbody };
  }

  private defStatement(): Stmt {
    const line = this.next().line;
    const name = this.name();
    this.expectOp('(');
    const params = this.parameters(')');
    this.expectOp(')');
    const outer = [this.inFunction, this.inLoop] as const;
    [this.inFunction, this.inLoop] = [true, false];
    try {
      return { k: 'def', line, name, params, body: this.block() };
    } finally {
      [this.inFunction, this.inLoop] = outer;
    }
  }

  private parameters(end: string): Param[] {
    const params: Param[] = [];
    while (!this.isOp(end)) {
      const t = this.peek();
      if (t.type === 'op' && (t.value === '*' || t.value === '**')) throw new PythonUnsupportedError(`${t.value}-parameters`, t.line);
      if (t.type === 'op' && t.value === '(') throw new PythonUnsupportedError('tuple parameters', t.line);
      const name = this.name();
      const def = this.acceptOp('=') ? this.test() : null;
      if (def === null && params.some((p) => p.default)) this.fail('non-default argument follows default argument', t);
      if (params.some((p) => p.name === name)) this.fail("duplicate argument '" + name + "' in function definition", t);
      params.push({ name, default: def });
      if (!this.acceptOp(',')) break;
    }
    return params;
  }

  /** The suite after a colon: statements on the same line, or an indented block. */
  private block(): Stmt[] {
    this.expectOp(':');
    if (this.peek().type !== 'newline') return this.simpleStatements();
    this.next();
    if (this.peek().type !== 'indent') this.fail('expected an indented block');
    this.next();
    const body = this.nested('blocks', () => {
      const stmts: Stmt[] = [];
      while (this.peek().type !== 'dedent' && this.peek().type !== 'eof') {
        if (this.peek().type === 'newline') this.next();
        else stmts.push(...this.statement());
      }
      return stmts;
    });
    if (this.peek().type === 'dedent') this.next();
    return body;
  }

  // ------------------------------------------------------------ expressions

  /** `a, b, c` without brackets is a tuple. */
  private testList(): Expr {
    const line = this.peek().line;
    const first = this.test();
    if (!this.isOp(',')) return first;
    const elts = [first];
    while (this.acceptOp(',')) {
      if (!this.canStartExpression()) break;
      elts.push(this.test());
    }
    return { k: 'tuple', line, elts };
  }

  /** Targets of `for` and `del` stop before `in`, so they are parsed at `expr` level. */
  private targetTuple(): Expr {
    return this.whole(() => {
      const line = this.peek().line;
      const first = this.bitOr();
      if (!this.isOp(',')) return first;
      const elts = [first];
      while (this.acceptOp(',')) {
        if (!this.canStartExpression()) break;
        elts.push(this.bitOr());
      }
      return { k: 'tuple', line, elts };
    });
  }

  private test(): Expr {
    return this.whole(() =>
      this.nested('expressions', () => {
        if (this.isName('lambda')) return this.lambda();
        const line = this.peek().line;
        const body = this.orTest();
        if (!this.acceptName('if')) return body;
        const test = this.orTest();
        this.expectName('else');
        return { k: 'ifexp', line, test, body, orelse: this.test() };
      }),
    );
  }

  /** Parses a whole expression (the outermost one under way), refusing a tree too deep to walk. */
  private whole(parse: () => Expr): Expr {
    if (this.inExpression) return parse();
    this.inExpression = true;
    try {
      return checkDepth(parse());
    } finally {
      this.inExpression = false;
    }
  }

  /** Parses a construct inside another; the parser's own recursion is bounded here. */
  private nested<T>(what: 'blocks' | 'expressions', parse: () => T): T {
    if (++this.nesting > MAX_NESTING) throw new PythonUnsupportedError(`${what} nested this deeply`, this.peek().line);
    try {
      return parse();
    } finally {
      this.nesting--;
    }
  }

  private lambda(): Expr {
    const line = this.next().line;
    const params = this.parameters(':');
    this.expectOp(':');
    return { k: 'lambda', line, params, body: this.test() };
  }

  private orTest(): Expr {
    return this.boolean('or', () => this.andTest());
  }

  private andTest(): Expr {
    return this.boolean('and', () => this.notTest());
  }

  private boolean(op: 'and' | 'or', operand: () => Expr): Expr {
    const line = this.peek().line;
    const values = [operand()];
    while (this.acceptName(op)) values.push(operand());
    return values.length === 1 ? values[0]! : { k: 'boolop', line, op, values };
  }

  private notTest(): Expr {
    const t = this.peek();
    if (this.acceptName('not')) return { k: 'unary', line: t.line, op: 'not', operand: this.nested('expressions', () => this.notTest()) };
    return this.comparison();
  }

  private comparison(): Expr {
    const line = this.peek().line;
    const left = this.bitOr();
    const ops: CompareOp[] = [];
    const comparators: Expr[] = [];
    for (;;) {
      const op = this.comparisonOperator();
      if (!op) break;
      ops.push(op);
      comparators.push(this.bitOr());
    }
    return ops.length === 0 ? left : { k: 'compare', line, left, ops, comparators };
  }

  private comparisonOperator(): CompareOp | null {
    const t = this.peek();
    if (t.type === 'op' && COMPARISON_OPS.has(t.value)) {
      this.next();
      return t.value === '<>' ? '!=' : (t.value as CompareOp);
    }
    if (this.acceptName('in')) return 'in';
    if (this.acceptName('is')) return this.acceptName('not') ? 'is not' : 'is';
    if (this.isName('not') && this.peekAt(1).type === 'name' && this.peekAt(1).value === 'in') {
      this.next();
      this.next();
      return 'not in';
    }
    return null;
  }

  private bitOr(): Expr {
    return this.binary(['|'], () => this.bitXor());
  }
  private bitXor(): Expr {
    return this.binary(['^'], () => this.bitAnd());
  }
  private bitAnd(): Expr {
    return this.binary(['&'], () => this.shift());
  }
  private shift(): Expr {
    return this.binary(['<<', '>>'], () => this.arith());
  }
  private arith(): Expr {
    return this.binary(['+', '-'], () => this.term());
  }
  private term(): Expr {
    return this.binary(['*', '/', '//', '%'], () => this.factor());
  }

  private binary(ops: BinaryOp[], operand: () => Expr): Expr {
    let left = operand();
    for (;;) {
      const t = this.peek();
      if (t.type !== 'op' || !ops.includes(t.value as BinaryOp)) return left;
      this.next();
      left = { k: 'binop', line: t.line, op: t.value as BinaryOp, left, right: operand() };
    }
  }

  private factor(): Expr {
    const t = this.peek();
    if (t.type === 'op' && (t.value === '-' || t.value === '+' || t.value === '~')) {
      this.next();
      const operand = this.nested('expressions', () => this.factor());
      // Fold negative literals so that -9223372036854775808 and -1.5 are plain constants.
      if (t.value === '-' && operand.k === 'const' && (typeof operand.value === 'bigint' || typeof operand.value === 'number')) {
        return { k: 'const', line: t.line, value: -operand.value };
      }
      return { k: 'unary', line: t.line, op: t.value, operand };
    }
    return this.power();
  }

  private power(): Expr {
    let expr = this.atom();
    for (;;) {
      const t = this.peek();
      if (t.type !== 'op') break;
      if (t.value === '(') expr = this.call(expr);
      else if (t.value === '[') expr = this.subscript(expr);
      else if (t.value === '.') {
        this.next();
        expr = { k: 'attr', line: t.line, obj: expr, name: this.name() };
      } else break;
    }
    const t = this.peek();
    if (t.type === 'op' && t.value === '**') {
      this.next();
      return { k: 'binop', line: t.line, op: '**', left: expr, right: this.nested('expressions', () => this.factor()) };
    }
    return expr;
  }

  private call(func: Expr): Expr {
    const line = this.next().line;
    const args: Expr[] = [];
    const kwargs: { name: string; value: Expr }[] = [];
    while (!this.isOp(')')) {
      const t = this.peek();
      if (t.type === 'op' && (t.value === '*' || t.value === '**')) throw new PythonUnsupportedError(`${t.value}-arguments in calls`, t.line);
      if (t.type === 'name' && this.peekAt(1).type === 'op' && this.peekAt(1).value === '=') {
        this.next();
        this.next();
        if (kwargs.some((k) => k.name === t.value)) this.fail('keyword argument repeated', t);
        kwargs.push({ name: t.value, value: this.test() });
      } else {
        if (kwargs.length > 0) this.fail('non-keyword arg after keyword arg', t);
        const arg = this.test();
        args.push(this.isName('for') ? this.comprehension(arg, line) : arg);
      }
      if (!this.acceptOp(',')) break;
    }
    this.expectOp(')');
    return { k: 'call', line, func, args, kwargs };
  }

  private subscript(obj: Expr): Expr {
    const line = this.next().line;
    const items = [this.sliceItem()];
    let tuple = false;
    while (this.acceptOp(',')) {
      tuple = true;
      if (this.isOp(']')) break;
      items.push(this.sliceItem());
    }
    this.expectOp(']');
    const index: Expr = tuple ? { k: 'tuple', line, elts: items } : items[0]!;
    return { k: 'subscript', line, obj, index };
  }

  private sliceItem(): Expr {
    const line = this.peek().line;
    const lower = this.isOp(':') ? null : this.test();
    if (!this.acceptOp(':')) return lower!;
    const upper = this.isOp(':') || this.isOp(']') || this.isOp(',') ? null : this.test();
    let step: Expr | null = null;
    if (this.acceptOp(':') && !this.isOp(']') && !this.isOp(',')) step = this.test();
    return { k: 'slice', line, lower, upper, step };
  }

  private atom(): Expr {
    const t = this.next();
    const line = t.line;
    switch (t.type) {
      case 'int':
      case 'float':
        return { k: 'const', line, value: t.value };
      case 'string': {
        let value = t.value;
        while (this.peek().type === 'string') value += this.next().value as string;
        return { k: 'const', line, value };
      }
      case 'name':
        if (t.value === 'None') return { k: 'const', line, value: null };
        if (t.value === 'True' || t.value === 'False') return { k: 'const', line, value: t.value === 'True' };
        if (t.value === 'yield') throw new PythonUnsupportedError('yield', line);
        if (KEYWORDS.has(t.value)) this.fail('invalid syntax', t);
        return { k: 'name', line, id: t.value };
      case 'op':
        if (t.value === '(') return this.parenthesized(line);
        if (t.value === '[') return this.listDisplay(line);
        if (t.value === '{') return this.dictDisplay(line);
        if (t.value === '`') throw new PythonUnsupportedError('backquotes', line);
    }
    return this.fail('invalid syntax', t);
  }

  private parenthesized(line: number): Expr {
    if (this.acceptOp(')')) return { k: 'tuple', line, elts: [] };
    const first = this.test();
    if (this.isName('for')) {
      // A generator expression; evaluating it eagerly as a list is indistinguishable here.
      const comp = this.comprehension(first, line);
      this.expectOp(')');
      return comp;
    }
    if (!this.isOp(',')) {
      this.expectOp(')');
      return first;
    }
    const elts = [first];
    while (this.acceptOp(',')) {
      if (this.isOp(')')) break;
      elts.push(this.test());
    }
    this.expectOp(')');
    return { k: 'tuple', line, elts };
  }

  private listDisplay(line: number): Expr {
    if (this.acceptOp(']')) return { k: 'list', line, elts: [] };
    const first = this.test();
    if (this.isName('for')) {
      const comp = this.comprehension(first, line);
      this.expectOp(']');
      return comp;
    }
    const elts = [first];
    while (this.acceptOp(',')) {
      if (this.isOp(']')) break;
      elts.push(this.test());
    }
    this.expectOp(']');
    return { k: 'list', line, elts };
  }

  private dictDisplay(line: number): Expr {
    const items: [Expr, Expr][] = [];
    while (!this.isOp('}')) {
      const key = this.test();
      if (!this.isOp(':')) throw new PythonUnsupportedError('set literals', line);
      this.next();
      items.push([key, this.test()]);
      if (this.isName('for')) throw new PythonUnsupportedError('dict comprehensions', line);
      if (!this.acceptOp(',')) break;
    }
    this.expectOp('}');
    return { k: 'dict', line, items };
  }

  private comprehension(elt: Expr, line: number): Expr {
    const generators: Comprehension[] = [];
    while (this.acceptName('for')) {
      const target = this.assignable(this.targetTuple(), 'assign to');
      this.expectName('in');
      const iter = this.orTest();
      const ifs: Expr[] = [];
      while (this.acceptName('if')) ifs.push(this.orTest());
      generators.push({ target, iter, ifs });
    }
    return { k: 'listcomp', line, elt, generators };
  }

  /** Checks that an expression can be assigned to, as CPython's compiler does. */
  private assignable(e: Expr, verb: string): Expr {
    switch (e.k) {
      case 'name':
      case 'subscript':
      case 'attr':
        return e;
      case 'tuple':
      case 'list':
        e.elts.forEach((x) => this.assignable(x, verb));
        return e;
      case 'const':
        if (e.value === null) this.failAt(`cannot ${verb} None`, e.line);
        return this.failAt(`can't ${verb} literal`, e.line);
      case 'call':
        return this.failAt(`can't ${verb} function call`, e.line);
      default:
        return this.failAt(`can't ${verb} operator`, e.line);
    }
  }

  // ------------------------------------------------------------ token helpers

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private peekAt(offset: number): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.type !== 'eof') this.i++;
    return t;
  }
  private isOp(value: string): boolean {
    const t = this.peek();
    return t.type === 'op' && t.value === value;
  }
  private isName(value: string): boolean {
    const t = this.peek();
    return t.type === 'name' && t.value === value;
  }
  private acceptOp(value: string): boolean {
    if (!this.isOp(value)) return false;
    this.next();
    return true;
  }
  private acceptName(value: string): boolean {
    if (!this.isName(value)) return false;
    this.next();
    return true;
  }
  private expectOp(value: string): void {
    if (!this.acceptOp(value)) this.fail();
  }
  private expectName(value: string): void {
    if (!this.acceptName(value)) this.fail();
  }
  private expect(type: Token['type']): void {
    if (this.peek().type !== type) this.fail();
    this.next();
  }

  /** An identifier (Python 2 refuses keywords even after a dot). */
  private name(): string {
    const t = this.next();
    if (t.type !== 'name' || KEYWORDS.has(t.value)) this.fail('invalid syntax', t);
    return t.value;
  }

  private nameList(): string[] {
    const names = [this.name()];
    while (this.acceptOp(',')) names.push(this.name());
    return names;
  }

  private dottedName(): string {
    let name = this.name();
    while (this.acceptOp('.')) name += '.' + this.name();
    return name;
  }

  private atStatementEnd(): boolean {
    const t = this.peek();
    return t.type === 'newline' || t.type === 'eof' || (t.type === 'op' && t.value === ';');
  }

  private canStartExpression(): boolean {
    const t = this.peek();
    switch (t.type) {
      case 'int':
      case 'float':
      case 'string':
        return true;
      case 'name':
        return !KEYWORDS.has(t.value) || t.value === 'not' || t.value === 'lambda';
      case 'op':
        return ['(', '[', '{', '-', '+', '~', '`'].includes(t.value);
      default:
        return false;
    }
  }

  private fail(message = 'invalid syntax', token: Token = this.peek()): never {
    return this.failAt(message, token.line);
  }

  private failAt(message: string, line: number): never {
    throw new PythonSyntaxError(message, line, this.lines[line - 1] ?? '');
  }
}

/** The tree, once checked (without recursion: it may be hostile) to be no deeper than MAX_EXPRESSION_DEPTH. */
function checkDepth(tree: Expr): Expr {
  const pending: [Expr, number][] = [[tree, 1]];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const [e, depth] = item;
    if (depth > MAX_EXPRESSION_DEPTH) throw new PythonUnsupportedError('expressions nested this deeply', e.line);
    for (const sub of subexpressions(e)) pending.push([sub, depth + 1]);
  }
  return tree;
}
