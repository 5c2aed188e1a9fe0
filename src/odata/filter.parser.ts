/**
 * A hand-written recursive-descent parser for the OData 4.01 `$filter` subset of design §7:
 * `eq ne gt ge lt le and or not ( )`, `in (…)`, `contains startswith endswith tolower toupper`,
 * `Collection/any(v: …)`, and string, number, boolean, null, date, date-time and GUID literals.
 * Precedence (loosest first): or, and, not, comparison/in. Errors say where and what was expected.
 */
import type { CompareOp, FilterError, FilterExpr, StringFunction } from './filter.ast.js';
import { tokenize, type Token } from './filter.lexer.js';

const compareOps = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const functions = new Map<string, number>([
  ['contains', 2],
  ['startswith', 2],
  ['endswith', 2],
  ['tolower', 1],
  ['toupper', 1],
]);
const reserved = new Set(['and', 'or', 'not', 'in', 'true', 'false', 'null', ...compareOps]);
/** Deeper nesting is refused rather than risking the stack. */
const maxDepth = 64;
export const maxFilterLength = 4000;

class ParseFailure extends Error {
  constructor(readonly error: FilterError) {
    super(error.message);
  }
}

function describe(t: Token): string {
  return t.kind === 'end' ? 'the end of the expression' : `"${t.text}"`;
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parseAll(): FilterExpr {
    const e = this.parseOr();
    const t = this.peek();
    if (t.kind !== 'end') this.fail(t, 'an operator (and, or, eq, …) or the end');
    return e;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.i++;
    return t;
  }

  private fail(t: Token, expected: string): never {
    throw new ParseFailure({
      position: t.pos,
      message: `expected ${expected} at position ${t.pos}, found ${describe(t)}`,
    });
  }

  private expect(kind: Token['kind'], expected: string): Token {
    const t = this.peek();
    if (t.kind !== kind) this.fail(t, expected);
    return this.next();
  }

  private isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text === word;
  }

  private nest<T>(t: Token, f: () => T): T {
    if (++this.depth > maxDepth) {
      throw new ParseFailure({
        position: t.pos,
        message: `expression nested deeper than ${maxDepth} levels at position ${t.pos}`,
      });
    }
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private parseOr(): FilterExpr {
    let left = this.parseAnd();
    while (this.isKeyword('or')) {
      const op = this.next();
      left = { kind: 'logical', op: 'or', left, right: this.parseAnd(), pos: op.pos };
    }
    return left;
  }

  private parseAnd(): FilterExpr {
    let left = this.parseNot();
    while (this.isKeyword('and')) {
      const op = this.next();
      left = { kind: 'logical', op: 'and', left, right: this.parseNot(), pos: op.pos };
    }
    return left;
  }

  private parseNot(): FilterExpr {
    if (this.isKeyword('not')) {
      const t = this.next();
      return this.nest(t, () => ({ kind: 'not', operand: this.parseNot(), pos: t.pos }));
    }
    return this.parseComparison();
  }

  private parseComparison(): FilterExpr {
    const left = this.parsePrimary();
    const t = this.peek();
    if (t.kind === 'ident' && compareOps.has(t.text)) {
      this.next();
      return {
        kind: 'compare',
        op: t.text as CompareOp,
        left,
        right: this.parsePrimary(),
        pos: t.pos,
      };
    }
    if (this.isKeyword('in')) {
      this.next();
      this.expect('(', '"(" after in');
      const list = [this.parsePrimary()];
      while (this.peek().kind === ',') {
        this.next();
        list.push(this.parsePrimary());
      }
      this.expect(')', '"," or ")" in the in-list');
      return { kind: 'in', operand: left, list, pos: t.pos };
    }
    return left;
  }

  private parsePrimary(): FilterExpr {
    const t = this.next();
    switch (t.kind) {
      case '(': {
        const inner = this.nest(t, () => this.parseOr());
        this.expect(')', '")"');
        return inner;
      }
      case 'string':
        return { kind: 'literal', type: 'string', value: t.value, pos: t.pos };
      case 'number':
        return { kind: 'literal', type: 'number', value: Number(t.text), pos: t.pos };
      case 'date':
      case 'datetime':
      case 'guid':
        return { kind: 'literal', type: t.kind, value: t.text, pos: t.pos };
      case 'ident':
        return this.parseIdentifier(t);
      default:
        return this.fail(t, 'a column, a literal, a function or "("');
    }
  }

  private parseIdentifier(t: Token): FilterExpr {
    if (t.text === 'true' || t.text === 'false')
      return { kind: 'literal', type: 'boolean', value: t.text === 'true', pos: t.pos };
    if (t.text === 'null') return { kind: 'literal', type: 'null', value: null, pos: t.pos };
    if (reserved.has(t.text)) this.fail(t, 'a column, a literal, a function or "("');
    if (this.peek().kind === '(') {
      const arity = functions.get(t.text);
      if (arity === undefined) {
        this.fail(t, `a function (${[...functions.keys()].join(', ')})`);
      }
      this.next();
      const args = this.nest(t, () => {
        const out = [this.parseOr()];
        while (out.length < arity && this.peek().kind === ',') {
          this.next();
          out.push(this.parseOr());
        }
        return out;
      });
      if (args.length < arity)
        this.fail(this.peek(), `"," and argument ${args.length + 1} of ${t.text}`);
      this.expect(')', `")" closing ${t.text}`);
      return { kind: 'call', name: t.text as StringFunction, args, pos: t.pos };
    }
    if (this.peek().kind === '/') {
      this.next();
      const op = this.expect('ident', '"any" after "/"');
      if (op.text !== 'any') this.fail(op, '"any" after "/" (the only lambda operator supported)');
      this.expect('(', '"(" after any');
      if (this.peek().kind === ')') {
        this.next();
        return { kind: 'any', collection: t.text, variable: null, body: null, pos: t.pos };
      }
      const v = this.expect('ident', 'a lambda variable name');
      if (reserved.has(v.text)) this.fail(v, 'a lambda variable name');
      this.expect(':', '":" after the lambda variable');
      const body = this.nest(t, () => this.parseOr());
      this.expect(')', '")" closing any');
      return { kind: 'any', collection: t.text, variable: v.text, body, pos: t.pos };
    }
    return { kind: 'member', name: t.text, pos: t.pos };
  }
}

/** Parses `$filter` text into an AST, or says where and what was expected. */
export function parseFilter(
  src: string,
): { ok: true; expr: FilterExpr } | { ok: false; error: FilterError } {
  if (src.length > maxFilterLength) {
    return {
      ok: false,
      error: {
        position: maxFilterLength + 1,
        message: `longer than ${maxFilterLength} characters`,
      },
    };
  }
  const lexed = tokenize(src);
  if (!lexed.ok) return lexed;
  if (lexed.tokens.length === 1) {
    return { ok: false, error: { position: 1, message: 'expected an expression, found nothing' } };
  }
  try {
    return { ok: true, expr: new Parser(lexed.tokens).parseAll() };
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, error: e.error };
    throw e;
  }
}
