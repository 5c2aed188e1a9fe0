/**
 * The measure expression language: arithmetic over the columns of the measured table.
 *
 *   expression := term (('+' | '-') term)*
 *   term       := unary (('*' | '/') unary)*
 *   unary      := '-' unary | primary
 *   primary    := number | column | function '(' expression (',' expression)* ')' | '(' expression ')'
 *
 * A column is a bare name (`Amount`) or a double-quoted one (`"Unit Price"`, `""` for a quote); a
 * name followed by `(` is a function: `coalesce` (2+ arguments), `abs` (1), `round` (1, or 2 with
 * an integer literal 0–12 as the number of decimals), `least` and `greatest` (2+). A hand-written
 * recursive-descent parser: garbage yields an error value with its 1-based position, never an
 * exception, and nesting is bounded so no input can exhaust the stack.
 */
import { err, ok, type Result } from '../errors/index.js';

export const ExpressionFunctions = ['coalesce', 'abs', 'round', 'least', 'greatest'] as const;
export type ExpressionFunction = (typeof ExpressionFunctions)[number];
export type ArithmeticOp = '+' | '-' | '*' | '/';

/** The typed AST; `pos` is the 1-based character position of the node in the text. */
export type Expr =
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'column'; name: string; pos: number }
  | { kind: 'negate'; operand: Expr; pos: number }
  | { kind: 'binary'; op: ArithmeticOp; left: Expr; right: Expr; pos: number }
  | { kind: 'call'; fn: ExpressionFunction; args: Expr[]; pos: number };

export interface ExpressionError {
  position: number;
  message: string;
}

export const maxExpressionLength = 1000;
/** Deeper nesting is refused rather than risking the stack. */
const maxDepth = 32;
export const maxRoundDecimals = 12;

const arity: Record<ExpressionFunction, { min: number; max: number }> = {
  coalesce: { min: 2, max: Infinity },
  abs: { min: 1, max: 1 },
  round: { min: 1, max: 2 },
  least: { min: 2, max: Infinity },
  greatest: { min: 2, max: Infinity },
};

type Token =
  | { kind: 'number'; text: string; value: number; pos: number }
  | { kind: 'name'; text: string; value: string; quoted: boolean; pos: number }
  | { kind: 'symbol'; text: string; pos: number }
  | { kind: 'end'; text: string; pos: number };

class ParseFailure extends Error {
  constructor(readonly error: ExpressionError) {
    super(error.message);
  }
}

function fail(pos: number, message: string): never {
  throw new ParseFailure({ position: pos, message: `${message} at position ${pos}` });
}

const numberRe = /^\d+(\.\d+)?([eE][+-]?\d+)?/;
const nameRe = /^[A-Za-z_][A-Za-z0-9_]*/;
const symbols = new Set(['+', '-', '*', '/', '(', ')', ',']);

function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '"') {
      if (text[i + 1] !== '"') return { value, end: i + 1 };
      value += '"';
      i += 2;
    } else {
      value += text[i];
      i++;
    }
  }
  return fail(start + 1, 'unterminated quoted column name');
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const pos = i + 1;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const rest = text.slice(i);
    const num = numberRe.exec(rest);
    if (num) {
      const value = Number(num[0]);
      if (!Number.isFinite(value)) fail(pos, `number ${num[0]} is out of range`);
      tokens.push({ kind: 'number', text: num[0], value, pos });
      i += num[0].length;
      continue;
    }
    const name = nameRe.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', text: name[0], value: name[0], quoted: false, pos });
      i += name[0].length;
      continue;
    }
    if (ch === '"') {
      const q = readQuoted(text, i);
      if (q.value === '') fail(pos, 'empty quoted column name');
      tokens.push({ kind: 'name', text: text.slice(i, q.end), value: q.value, quoted: true, pos });
      i = q.end;
      continue;
    }
    if (symbols.has(ch)) {
      tokens.push({ kind: 'symbol', text: ch, pos });
      i++;
      continue;
    }
    fail(pos, `unexpected character ${JSON.stringify(ch)}`);
  }
  tokens.push({ kind: 'end', text: '', pos: text.length + 1 });
  return tokens;
}

function describe(t: Token): string {
  return t.kind === 'end' ? 'the end of the expression' : `"${t.text}"`;
}

function isFunction(name: string): name is ExpressionFunction {
  return (ExpressionFunctions as readonly string[]).includes(name);
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parseAll(): Expr {
    const e = this.parseSum();
    const t = this.peek();
    if (t.kind !== 'end') this.expected(t, 'an operator (+ - * /) or the end');
    return e;
  }

  private peek(): Token {
    return this.tokens[Math.min(this.i, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.i++;
    return t;
  }

  private isSymbol(s: string): boolean {
    const t = this.peek();
    return t.kind === 'symbol' && t.text === s;
  }

  private expected(t: Token, what: string): never {
    return fail(t.pos, `expected ${what}, found ${describe(t)}`);
  }

  private expectSymbol(s: string): Token {
    const t = this.peek();
    if (t.kind !== 'symbol' || t.text !== s) this.expected(t, `"${s}"`);
    return this.next();
  }

  private nest<T>(t: Token, f: () => T): T {
    if (++this.depth > maxDepth) fail(t.pos, `expression nested deeper than ${maxDepth} levels`);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private parseSum(): Expr {
    let left = this.parseProduct();
    while (this.isSymbol('+') || this.isSymbol('-')) {
      const op = this.next();
      const right = this.parseProduct();
      left = { kind: 'binary', op: op.text as ArithmeticOp, left, right, pos: op.pos };
    }
    return left;
  }

  private parseProduct(): Expr {
    let left = this.parseUnary();
    while (this.isSymbol('*') || this.isSymbol('/')) {
      const op = this.next();
      const right = this.parseUnary();
      left = { kind: 'binary', op: op.text as ArithmeticOp, left, right, pos: op.pos };
    }
    return left;
  }

  private parseUnary(): Expr {
    if (!this.isSymbol('-')) return this.parsePrimary();
    const t = this.next();
    return this.nest(t, () => ({ kind: 'negate', operand: this.parseUnary(), pos: t.pos }));
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    if (t.kind === 'number') {
      this.next();
      return { kind: 'number', value: t.value, pos: t.pos };
    }
    if (t.kind === 'symbol' && t.text === '(') {
      this.next();
      const inner = this.nest(t, () => this.parseSum());
      this.expectSymbol(')');
      return inner;
    }
    if (t.kind !== 'name') return this.expected(t, 'a number, a column, a function or "("');
    this.next();
    if (!this.isSymbol('(')) return { kind: 'column', name: t.value, pos: t.pos };
    if (t.quoted || !isFunction(t.value)) {
      fail(t.pos, `unknown function "${t.value}" (functions: ${ExpressionFunctions.join(', ')})`);
    }
    return this.nest(t, () => this.parseCall(t.value as ExpressionFunction, t.pos));
  }

  private parseCall(fn: ExpressionFunction, pos: number): Expr {
    this.expectSymbol('(');
    const args = [this.parseSum()];
    while (this.isSymbol(',')) {
      this.next();
      args.push(this.parseSum());
    }
    this.expectSymbol(')');
    const { min, max } = arity[fn];
    if (args.length < min || args.length > max) {
      const wanted = min === max ? `${min}` : max === Infinity ? `${min} or more` : `${min}–${max}`;
      fail(pos, `${fn}() takes ${wanted} argument${wanted === '1' ? '' : 's'}, got ${args.length}`);
    }
    if (fn === 'round' && args.length === 2) {
      const d = args[1]!;
      if (
        d.kind !== 'number' ||
        !Number.isInteger(d.value) ||
        d.value < 0 ||
        d.value > maxRoundDecimals
      ) {
        fail(d.pos, `round() takes the decimals as an integer from 0 to ${maxRoundDecimals}`);
      }
    }
    return { kind: 'call', fn, args, pos };
  }
}

/** Parses an expression; anything malformed is an error value naming the position. */
export function parseExpression(text: string): Result<Expr, ExpressionError> {
  if (text.length > maxExpressionLength) {
    return err({
      position: maxExpressionLength + 1,
      message: `an expression has at most ${maxExpressionLength} characters`,
    });
  }
  try {
    return ok(new Parser(tokenize(text)).parseAll());
  } catch (e) {
    if (e instanceof ParseFailure) return err(e.error);
    throw e;
  }
}
