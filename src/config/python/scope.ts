/**
 * Python decides statically which names are local to a function: every name
 * bound anywhere in its body (assignment, for, import, def, except … as, and —
 * in Python 2 — list comprehension variables), unless declared global.
 */
import type { Expr, Param, Stmt } from './ast.js';

interface Names {
  bound: Set<string>;
  globals: Set<string>;
}

export function functionScope(params: readonly Param[], body: readonly Stmt[]): { localNames: Set<string>; globalNames: Set<string> } {
  const names: Names = { bound: new Set(params.map((p) => p.name)), globals: new Set() };
  statements(body, names);
  for (const g of names.globals) names.bound.delete(g);
  return { localNames: names.bound, globalNames: names.globals };
}

/** `global` statements at module level (outside any def). */
export function moduleGlobals(body: readonly Stmt[]): Set<string> {
  const names: Names = { bound: new Set(), globals: new Set() };
  statements(body, names);
  return names.globals;
}

function statements(body: readonly Stmt[], names: Names): void {
  for (const s of body) {
    switch (s.k) {
      case 'assign':
        s.targets.forEach((t) => target(t, names));
        expression(s.value, names);
        break;
      case 'augassign':
        target(s.target, names);
        expression(s.value, names);
        break;
      case 'del':
        target(s.target, names);
        break;
      case 'for':
        target(s.target, names);
        expression(s.iter, names);
        statements(s.body, names);
        statements(s.orelse, names);
        break;
      case 'while':
      case 'if':
        expression(s.test, names);
        statements(s.body, names);
        statements(s.orelse, names);
        break;
      case 'try':
        statements(s.body, names);
        for (const h of s.handlers) {
          if (h.target) target(h.target, names);
          statements(h.body, names);
        }
        statements(s.orelse, names);
        statements(s.finalbody, names);
        break;
      case 'import':
        for (const n of s.names) names.bound.add(n.asname ?? n.module.split('.')[0]!);
        break;
      case 'from':
        if (s.names !== '*') for (const n of s.names) names.bound.add(n.asname ?? n.name);
        break;
      case 'def':
        names.bound.add(s.name);
        break;
      case 'global':
        s.names.forEach((n) => names.globals.add(n));
        break;
      case 'expr':
        expression(s.value, names);
        break;
      case 'return':
        if (s.value) expression(s.value, names);
        break;
      case 'print':
        s.values.forEach((v) => expression(v, names));
        break;
    }
  }
}

function target(e: Expr, names: Names): void {
  if (e.k === 'name') names.bound.add(e.id);
  else if (e.k === 'tuple' || e.k === 'list') e.elts.forEach((x) => target(x, names));
}

/** Finds list comprehension variables, which Python 2 binds in the enclosing scope. */
function expression(e: Expr, names: Names): void {
  switch (e.k) {
    case 'listcomp':
      for (const g of e.generators) {
        target(g.target, names);
        expression(g.iter, names);
        g.ifs.forEach((x) => expression(x, names));
      }
      expression(e.elt, names);
      break;
    case 'list':
    case 'tuple':
      e.elts.forEach((x) => expression(x, names));
      break;
    case 'dict':
      e.items.forEach(([k, v]) => (expression(k, names), expression(v, names)));
      break;
    case 'binop':
      expression(e.left, names);
      expression(e.right, names);
      break;
    case 'unary':
      expression(e.operand, names);
      break;
    case 'boolop':
      e.values.forEach((x) => expression(x, names));
      break;
    case 'compare':
      [e.left, ...e.comparators].forEach((x) => expression(x, names));
      break;
    case 'ifexp':
      [e.test, e.body, e.orelse].forEach((x) => expression(x, names));
      break;
    case 'call':
      [e.func, ...e.args, ...e.kwargs.map((k) => k.value)].forEach((x) => expression(x, names));
      break;
    case 'attr':
      expression(e.obj, names);
      break;
    case 'subscript':
      expression(e.obj, names);
      expression(e.index, names);
      break;
  }
}
