/** Syntax tree of the supported Python subset. Every node carries its source line. */
import type { PyValue } from './values.js';

export type Expr =
  | { k: 'const'; line: number; value: PyValue }
  | { k: 'name'; line: number; id: string }
  | { k: 'list'; line: number; elts: Expr[] }
  | { k: 'tuple'; line: number; elts: Expr[] }
  | { k: 'dict'; line: number; items: [Expr, Expr][] }
  | { k: 'listcomp'; line: number; elt: Expr; generators: Comprehension[] }
  | { k: 'binop'; line: number; op: BinaryOp; left: Expr; right: Expr }
  | { k: 'unary'; line: number; op: '-' | '+' | '~' | 'not'; operand: Expr }
  | { k: 'boolop'; line: number; op: 'and' | 'or'; values: Expr[] }
  | { k: 'compare'; line: number; left: Expr; ops: CompareOp[]; comparators: Expr[] }
  | { k: 'ifexp'; line: number; test: Expr; body: Expr; orelse: Expr }
  | { k: 'call'; line: number; func: Expr; args: Expr[]; kwargs: { name: string; value: Expr }[] }
  | { k: 'attr'; line: number; obj: Expr; name: string }
  | { k: 'subscript'; line: number; obj: Expr; index: Expr }
  | { k: 'slice'; line: number; lower: Expr | null; upper: Expr | null; step: Expr | null }
  | { k: 'lambda'; line: number; params: Param[]; body: Expr };

export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '<<' | '>>' | '&' | '|' | '^';
export type CompareOp = '<' | '>' | '==' | '>=' | '<=' | '!=' | 'in' | 'not in' | 'is' | 'is not';

export interface Comprehension {
  target: Expr;
  iter: Expr;
  ifs: Expr[];
}

export interface Param {
  name: string;
  default: Expr | null;
}

export interface ExceptHandler {
  type: Expr | null;
  target: Expr | null;
  body: Stmt[];
}

export type Stmt =
  | { k: 'expr'; line: number; value: Expr }
  | { k: 'assign'; line: number; targets: Expr[]; value: Expr }
  | { k: 'augassign'; line: number; target: Expr; op: BinaryOp; value: Expr }
  | { k: 'print'; line: number; dest: Expr | null; values: Expr[]; newline: boolean }
  | { k: 'del'; line: number; target: Expr }
  | { k: 'pass'; line: number }
  | { k: 'break'; line: number }
  | { k: 'continue'; line: number }
  | { k: 'return'; line: number; value: Expr | null }
  | { k: 'raise'; line: number; type: Expr | null; message: Expr | null }
  | { k: 'global'; line: number; names: string[] }
  | { k: 'import'; line: number; names: { module: string; asname: string | null }[] }
  | { k: 'from'; line: number; module: string; names: { name: string; asname: string | null }[] | '*' }
  | { k: 'if'; line: number; test: Expr; body: Stmt[]; orelse: Stmt[] }
  | { k: 'while'; line: number; test: Expr; body: Stmt[]; orelse: Stmt[] }
  | { k: 'for'; line: number; target: Expr; iter: Expr; body: Stmt[]; orelse: Stmt[] }
  | { k: 'try'; line: number; body: Stmt[]; handlers: ExceptHandler[]; orelse: Stmt[]; finalbody: Stmt[] }
  | { k: 'def'; line: number; name: string; params: Param[]; body: Stmt[] }
  | { k: 'assert'; line: number; test: Expr; message: Expr | null };

export interface Module {
  body: Stmt[];
  /** `from __future__ import division` was seen: `/` is true division. */
  trueDivision: boolean;
}

/** The expressions directly inside a node, for walks that must cover every kind. */
export function subexpressions(e: Expr): Expr[] {
  switch (e.k) {
    case 'const':
    case 'name':
      return [];
    case 'list':
    case 'tuple':
      return e.elts;
    case 'dict':
      return e.items.flat();
    case 'listcomp':
      return [e.elt, ...e.generators.flatMap((g) => [g.target, g.iter, ...g.ifs])];
    case 'binop':
      return [e.left, e.right];
    case 'unary':
      return [e.operand];
    case 'boolop':
      return e.values;
    case 'compare':
      return [e.left, ...e.comparators];
    case 'ifexp':
      return [e.test, e.body, e.orelse];
    case 'call':
      return [e.func, ...e.args, ...e.kwargs.map((k) => k.value)];
    case 'attr':
      return [e.obj];
    case 'subscript':
      return [e.obj, e.index];
    case 'slice':
      return [e.lower, e.upper, e.step].filter((x) => x !== null);
    case 'lambda':
      return [...e.params.flatMap((p) => (p.default ? [p.default] : [])), e.body];
  }
}
