/**
 * Measure expressions: parse errors and type errors with path and position, the printed form of a
 * random AST parses back to the same tree, random valid expressions evaluated by the compiled SQL
 * in DuckDB (through the measure service's dry run) equal an independent JS evaluation on a small
 * fixture, and random garbage never throws but is an error value (or, when it happens to be valid,
 * runs).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  parseExpression,
  validateMeasure,
  type Expr,
  type MeasureOutcome,
} from '../src/measures/index.js';
import type { SqlValue } from '../src/warehouse/index.js';
import { startTestApp, type TestApp } from './support/app.js';

const NOW = new Date('2026-03-15T12:00:00Z');

interface Row {
  CustomerId: string;
  A: number | null; // INTEGER
  B: number | null; // DOUBLE
  C: number | null; // DECIMAL(10, 2)
  'Unit Price': number | null; // DOUBLE, a name that needs quoting
  Name: string | null;
}
const numberColumns = ['A', 'B', 'C', 'Unit Price'] as const;

const rows: Row[] = [
  [3, 2.5, 10.25, 4, 'ada'],
  [0, -1.5, 0, 0.5, 'bob'],
  [-7, 0, 99.99, null, null],
  [null, 3.75, -12.5, 2, 'cleo'],
  [12, null, 1.05, 10, 'dan'],
  [1, 1, null, -3.25, 'eve'],
  [250, 0.125, 7.77, 1.5, 'finn'],
  [-2, -0.5, -0.01, 0, 'gus'],
  [5, 100, 0.5, null, 'hana'],
  [null, null, null, null, 'ivo'],
].map(([A, B, C, P, Name], i) => ({
  CustomerId: `c-${String(i + 1).padStart(2, '0')}`,
  A: A as number | null,
  B: B as number | null,
  C: C as number | null,
  'Unit Price': P as number | null,
  Name: Name as string | null,
}));

/** The independent evaluation: NULL propagates, x / 0 is NULL, least/greatest skip NULLs. */
function evaluate(e: Expr, row: Row): number | null {
  const sub = (x: Expr): number | null => evaluate(x, row);
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'column':
      return row[e.name as (typeof numberColumns)[number]];
    case 'negate': {
      const v = sub(e.operand);
      return v === null ? null : -v;
    }
    case 'binary': {
      const l = sub(e.left);
      const r = sub(e.right);
      if (l === null || r === null) return null;
      if (e.op === '+') return l + r;
      if (e.op === '-') return l - r;
      if (e.op === '*') return l * r;
      return r === 0 ? null : l / r;
    }
    case 'call': {
      const args = e.args.map(sub);
      const present = args.filter((v): v is number => v !== null);
      if (e.fn === 'coalesce') return present[0] ?? null;
      if (e.fn === 'least') return present.length > 0 ? Math.min(...present) : null;
      if (e.fn === 'greatest') return present.length > 0 ? Math.max(...present) : null;
      const x = args[0]!;
      if (x === null) return null;
      if (e.fn === 'abs') return Math.abs(x);
      // round half away from zero, as C's round(x * 10^d) / 10^d
      const m = 10 ** (e.args.length === 2 ? (e.args[1] as { value: number }).value : 0);
      const r = (Math.sign(x) * Math.round(Math.abs(x) * m)) / m;
      return Number.isFinite(r) ? r : x;
    }
  }
}

const close = (a: number | null, b: number | null): boolean =>
  a === null || b === null
    ? a === b
    : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

const precedence = (e: Expr): number =>
  e.kind === 'binary' ? (e.op === '+' || e.op === '-' ? 1 : 2) : 3;

/** Prints `e` with the parentheses its structure needs (and `extra` ones where asked). */
function print(e: Expr, extra: (e: Expr) => boolean): string {
  const p = (x: Expr): string => print(x, extra);
  const wrap = (x: Expr, min: number): string =>
    precedence(x) < min || extra(x) ? `(${p(x)})` : p(x);
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'column':
      return /^[A-Za-z_]\w*$/.test(e.name) ? e.name : `"${e.name.replaceAll('"', '""')}"`;
    case 'negate':
      return `-${wrap(e.operand, 3)}`;
    case 'binary': {
      const prec = precedence(e);
      return `${wrap(e.left, prec)} ${e.op} ${wrap(e.right, prec + 1)}`;
    }
    case 'call':
      return `${e.fn}(${e.args.map(p).join(', ')})`;
  }
}

/** Removes positions, so trees can be compared by structure. */
function strip(e: Expr): unknown {
  switch (e.kind) {
    case 'number':
      return { n: e.value };
    case 'column':
      return { c: e.name };
    case 'negate':
      return { neg: strip(e.operand) };
    case 'binary':
      return { op: e.op, l: strip(e.left), r: strip(e.right) };
    case 'call':
      return { fn: e.fn, args: e.args.map(strip) };
  }
}

const pos = 0;
const literal = fc
  .oneof(fc.integer({ min: 0, max: 1000 }), fc.constantFrom(0.5, 2.25, 0.001, 0.1, 1e-7, 1.5e3))
  .map((value): Expr => ({ kind: 'number', value, pos }));
const column = fc
  .constantFrom(...numberColumns)
  .map((name): Expr => ({ kind: 'column', name, pos }));
const { expr: arbitraryExpr } = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    column,
    literal,
    tie('expr').map((operand): Expr => ({ kind: 'negate', operand, pos })),
    fc
      .tuple(fc.constantFrom('+', '-', '*', '/' as const), tie('expr'), tie('expr'))
      .map(([op, left, right]): Expr => ({ kind: 'binary', op, left, right, pos })),
    fc
      .tuple(
        fc.constantFrom('coalesce', 'least', 'greatest' as const),
        fc.array(tie('expr'), { minLength: 2, maxLength: 3 }),
      )
      .map(([fn, args]): Expr => ({ kind: 'call', fn, args, pos })),
    tie('expr').map((x): Expr => ({ kind: 'call', fn: 'abs', args: [x], pos })),
    fc
      .tuple(tie('expr'), fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }))
      .map(([x, d]): Expr => ({
        kind: 'call',
        fn: 'round',
        args: d === undefined ? [x] : [x, { kind: 'number', value: d, pos }],
        pos,
      })),
  ),
}));
const printed = fc
  .tuple(arbitraryExpr, fc.func(fc.boolean()))
  .map(([e, extra]) => ({ e, text: print(e, (x) => x.kind !== 'number' && extra(strip(x))) }));

void describe('measure expressions', () => {
  let app: TestApp;

  const preview = async (body: Record<string, unknown>): Promise<MeasureOutcome> => {
    const r = await app.measures.preview('default', { name: 'Preview', ...body }, '', NOW);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    return r.value;
  };
  const previewError = async (body: Record<string, unknown>): Promise<string> => {
    const r = await app.measures.preview('default', { name: 'Preview', ...body }, '', NOW);
    assert.ok(!r.ok, 'expected an error');
    assert.equal(r.error.field, '/expression');
    return r.error.message;
  };

  before(async () => {
    app = await startTestApp();
    const wh = await app.warehouse.open('default');
    await wh.write(async (w) => {
      await w.run(`CREATE TABLE Customer (CustomerId VARCHAR PRIMARY KEY, A INTEGER, B DOUBLE,
        C DECIMAL(10, 2), "Unit Price" DOUBLE, Name VARCHAR, Joined DATE)`);
      for (const r of rows) {
        const v: SqlValue[] = [r.CustomerId, r.A, r.B, r.C, r['Unit Price'], r.Name];
        await w.run(`INSERT INTO Customer VALUES ($1, $2, $3, $4, $5, $6, DATE '2026-01-01')`, v);
      }
    });
  });
  after(() => app.dispose());

  void it('evaluates a worked example per customer and as a scalar', async () => {
    const perRow = await preview({
      from: 'Customer',
      aggregate: 'sum',
      expression: 'round((A - coalesce(C, 0)) * "Unit Price" / 2, 1)',
      dimensions: [{ column: 'CustomerId', as: 'Id' }],
    });
    // c-01: (3 - 10.25) * 4 / 2; c-02: 0; c-03: "Unit Price" is NULL
    assert.deepEqual(perRow.values?.slice(0, 3), [
      { Id: 'c-01', value: -14.5 },
      { Id: 'c-02', value: 0 },
      { Id: 'c-03', value: null },
    ]);
    const total = await preview({ from: 'Customer', aggregate: 'avg', expression: '-B * 2' });
    const bs = rows.map((r) => r.B).filter((b): b is number => b !== null);
    assert.ok(close(total.value, bs.reduce((s, b) => s - 2 * b, 0) / bs.length));
  });

  void it('names the path and position of syntax and type errors', async () => {
    const cases: [string, RegExp][] = [
      ['A +', /expected a number, a column, a function or "\(", found the end .* at position 4/],
      ['A $ 2', /unexpected character "\$" at position 3/],
      ['(A + B', /expected "\)", found the end of the expression at position 7/],
      ['A B', /expected an operator \(\+ - \* \/\) or the end, found "B" at position 3/],
      [
        'foo(A)',
        /unknown function "foo" \(functions: coalesce, abs, round, least, greatest\) at position 1/,
      ],
      ['abs(A, B)', /abs\(\) takes 1 argument, got 2 at position 1/],
      ['round(A, 2.5)', /round\(\) takes the decimals as an integer from 0 to 12 at position 10/],
      ['"Unit Price', /unterminated quoted column name at position 1/],
      ['A - Discount', /unknown column "Discount" of Customer at position 5/],
      [
        'A * Name',
        /type mismatch: arithmetic needs number columns; "Name" at position 5 is string/,
      ],
      ['coalesce(Joined, 0)', /"Joined" at position 10 is date/],
      ['Name', /type mismatch: a scalar measure's sum needs a number column; "Name" is string/],
    ];
    for (const [expression, message] of cases) {
      const m = await previewError({ from: 'Customer', aggregate: 'sum', expression });
      assert.match(m, message, expression);
      assert.ok(m.startsWith('/expression: '), m);
    }
    const deep = `${'('.repeat(40)}A${')'.repeat(40)}`;
    assert.match(
      await previewError({ from: 'Customer', aggregate: 'sum', expression: deep }),
      /nested deeper than 32 levels/,
    );
  });

  void it('keeps the single-column form: any column type where the aggregate allows it', async () => {
    const names = await preview({
      from: 'Customer',
      aggregate: 'countDistinct',
      expression: 'Name',
    });
    assert.equal(names.value, new Set(rows.map((r) => r.Name).filter(Boolean)).size);
    const v = validateMeasure({ name: 'M', aggregate: 'max', expression: 'Joined' }, '/measures/3');
    assert.ok(v.ok);
  });

  void it('prints and parses back to the same tree', () => {
    fc.assert(
      fc.property(printed, ({ e, text }) => {
        const parsed = parseExpression(text);
        assert.ok(parsed.ok, parsed.ok ? '' : `${text}: ${parsed.error.message}`);
        assert.deepEqual(strip(parsed.value), strip(e), text);
      }),
      { numRuns: 300 },
    );
  });

  void it('compiled SQL in DuckDB equals an independent JS evaluation, row by row', async () => {
    await fc.assert(
      fc.asyncProperty(printed, async ({ e, text }) => {
        const out = await preview({
          from: 'Customer',
          aggregate: 'sum',
          expression: text,
          dimensions: [{ column: 'CustomerId', as: 'Id' }],
        });
        const got = new Map(out.values?.map((v) => [v.Id, v.value as number | null]));
        for (const row of rows) {
          const want = evaluate(e, row);
          const have = got.get(row.CustomerId) ?? null;
          assert.ok(close(have, want), `${text} on ${row.CustomerId}: ${have} ≠ ${want}`);
        }
      }),
      { numRuns: 120 },
    );
  });

  void it('aggregates random expressions like the JS evaluation', async () => {
    await fc.assert(
      fc.asyncProperty(printed, fc.constantFrom('sum', 'avg', 'min', 'max'), async (p, agg) => {
        const out = await preview({ from: 'Customer', aggregate: agg, expression: p.text });
        const values = rows.map((r) => evaluate(p.e, r)).filter((v): v is number => v !== null);
        const want =
          values.length === 0
            ? null
            : agg === 'sum'
              ? values.reduce((s, v) => s + v, 0)
              : agg === 'avg'
                ? values.reduce((s, v) => s + v, 0) / values.length
                : agg === 'min'
                  ? Math.min(...values)
                  : Math.max(...values);
        assert.ok(close(out.value, want), `${agg}(${p.text}): ${out.value} ≠ ${want}`);
      }),
      { numRuns: 40 },
    );
  });

  void it('answers garbage with an error value naming a position, never an exception', async () => {
    const soup = fc
      .array(
        fc.constantFrom(
          'A',
          'B',
          'C',
          '"Unit Price"',
          'Name',
          'Nope',
          '"',
          '1',
          '2.5',
          '1e400',
          '+',
          '-',
          '*',
          '/',
          '(',
          ')',
          ',',
          ' ',
          'abs',
          'round',
          'coalesce',
          'least',
          '$',
          '.',
          ';',
          "'",
        ),
        { maxLength: 14 },
      )
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 40 }), soup), async (text) => {
        const v = validateMeasure({
          name: 'G',
          from: 'Customer',
          aggregate: 'sum',
          expression: text,
        });
        const parsed = parseExpression(text);
        if (!parsed.ok) {
          assert.ok(parsed.error.position >= 1 && parsed.error.position <= text.length + 1);
          assert.match(parsed.error.message, /at position \d+/);
          assert.ok(!v.ok && v.error.field === '/expression', text);
          return;
        }
        // Valid syntax: the service either names a type error or runs it without a SQL error.
        const r = await app.measures.preview(
          'default',
          { name: 'G', from: 'Customer', aggregate: 'sum', expression: text },
          '',
          NOW,
        );
        assert.ok(r.ok || r.error.field === '/expression', r.ok ? '' : r.error.message);
      }),
      { numRuns: 300 },
    );
  });
});
