/**
 * The $filter parser and compiler: examples, errors with positions, a cross-check of the OData 4.0
 * subset against odata-v4-parser, fuzzing (random and mutated text never throws and never puts user
 * text into SQL), and the compiled SQL run on DuckDB against a reference evaluation.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  compileFilter,
  parseFilter,
  SqlParams,
  type EntityColumn,
  type FilterExpr,
} from '../src/odata/index.js';

const require = createRequire(import.meta.url);
const odataV4 = require('odata-v4-parser') as { filter(src: string): OdataToken };
interface OdataToken {
  type: string;
  raw: string;
  value: unknown;
}

const columns: EntityColumn[] = [
  { name: 'Name', sqlType: 'VARCHAR', category: 'string' },
  { name: 'City', sqlType: 'VARCHAR', category: 'string' },
  { name: 'Points', sqlType: 'INTEGER', category: 'number' },
  { name: 'Score', sqlType: 'DOUBLE', category: 'number' },
  { name: 'OptIn', sqlType: 'BOOLEAN', category: 'boolean' },
  { name: 'Born', sqlType: 'DATE', category: 'date' },
  { name: 'Seen', sqlType: 'TIMESTAMP', category: 'datetime' },
  { name: 'Tags', sqlType: 'VARCHAR[]', category: 'other' },
];
const scope = {
  alias: 'e',
  columns,
  collections: [
    {
      name: 'Segments',
      table: 'M',
      joinColumn: 'Id',
      entityColumn: 'Name',
      valueColumn: 'Segment',
      valueCategory: 'string' as const,
    },
  ],
};

function compile(
  src: string,
): { ok: true; sql: string; params: unknown[] } | { ok: false; message: string; position: number } {
  const parsed = parseFilter(src);
  if (!parsed.ok) return { ok: false, ...parsed.error };
  const params = new SqlParams();
  const c = compileFilter(parsed.expr, scope, params);
  return c.ok ? { ok: true, sql: c.sql, params: params.values } : { ok: false, ...c.error };
}

void describe('$filter parser and compiler', () => {
  void it('parses precedence: not binds tighter than and, and tighter than or', () => {
    const r = parseFilter("not OptIn and City eq 'Oslo' or Points gt 3");
    assert.ok(r.ok);
    const e = r.expr;
    assert.equal(e.kind, 'logical');
    assert.equal(e.op, 'or');
    const left = e.left as Extract<FilterExpr, { kind: 'logical' }>;
    assert.equal(left.op, 'and');
    assert.equal(left.left.kind, 'not');
  });

  void it('turns every literal into a parameter and names columns only from the allow-list', () => {
    const r = compile(
      "City eq 'O''Brien' and Points ge -12 and Score lt 1.5e3 and OptIn eq true and Born gt 2000-02-29 and Seen le 2026-01-01T10:00:00+02:00 and Name in ('a', null)",
    );
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.params, [
      "O'Brien",
      -12,
      1500,
      true,
      '2000-02-29',
      '2026-01-01 08:00:00.000',
      'a',
    ]);
    assert.ok(!r.sql.includes('Brien'));
    assert.match(r.sql, /e\."City" IS NULL|e\."Name" IS NULL/);
  });

  void it('compiles eq null to IS NULL and Segments/any to an EXISTS over the membership table', () => {
    const r = compile("City eq null and Segments/any(s: s eq 'vip' or startswith(s, 'gold'))");
    assert.ok(r.ok, JSON.stringify(r));
    assert.match(r.sql, /\(e\."City" IS NULL\)/);
    assert.match(r.sql, /EXISTS \(SELECT 1 FROM "M" m0 WHERE m0\."Id" = e\."Name" AND/);
    assert.ok(compile('Segments/any()').ok);
  });

  const errors: [string, number, RegExp][] = [
    ["City eq 'Oslo", 9, /unterminated string/],
    ['City eq', 8, /expected a column, a literal, a function or "\(" at position 8, found the end/],
    ["City eq 'a' and", 16, /expected a column/],
    ['(Points gt 1', 13, /expected "\)"/],
    ["City eq 'a' Points", 13, /expected an operator/],
    ["Points eq '3'", 8, /cannot compare a number with a string/],
    ["Nope eq 'x'", 1, /unknown column "Nope"/],
    ['Tags eq null', 1, /cannot be used in \$filter/],
    ['City', 1, /expected a true\/false condition, found a string/],
    ["substringof('a', City)", 1, /expected a function/],
    ['Points gt null', 8, /cannot compare with null/],
    ["City eq 'a' & Points eq 1", 13, /unexpected character "&"/],
    ['Born eq 2021-02-30', 9, /invalid date literal/],
    ['Points/any(x: x eq 1)', 1, /unknown collection "Points"/],
    ["contains(Points, 'a')", 10, /contains expects text, found a number/],
    ['', 1, /found nothing/],
  ];
  for (const [src, position, message] of errors) {
    void it(`rejects ${JSON.stringify(src)} at position ${position}`, () => {
      const r = compile(src);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.match(r.message, message);
      assert.equal(r.position, position);
    });
  }

  void it('refuses deep nesting and overlong input with an error, not a crash', () => {
    const deep = `${'('.repeat(5000)}OptIn${')'.repeat(5000)}`;
    assert.equal(compile(deep).ok, false);
    assert.equal(compile('not '.repeat(3000) + 'OptIn').ok, false);
  });
});

/** Random well-typed ASTs printed as OData 4.0 text (no `in`, which 4.0 lacks). */
const stringLeaf = fc.oneof(
  fc.constantFrom('Name', 'City'),
  // odata-v4-parser expects URL-safe literal text; ours takes any (see the fuzz tests below).
  fc.stringMatching(/^[A-Za-z0-9 ']{0,8}$/).map((s) => `'${s.replaceAll("'", "''")}'`),
  fc.constantFrom('tolower(Name)', 'toupper(City)'),
);
const numberLeaf = fc.oneof(
  fc.constantFrom('Points', 'Score'),
  fc.integer({ min: -1000, max: 1000 }).map(String),
);
const comparison = fc.oneof(
  fc
    .tuple(stringLeaf, fc.constantFrom('eq', 'ne', 'gt', 'lt'), stringLeaf)
    .map(([a, op, b]) => `${a} ${op} ${b}`),
  fc
    .tuple(numberLeaf, fc.constantFrom('eq', 'ge', 'le'), numberLeaf)
    .map(([a, op, b]) => `${a} ${op} ${b}`),
  fc
    .tuple(fc.constantFrom('contains', 'startswith', 'endswith'), stringLeaf, stringLeaf)
    .map(([f, a, b]) => `${f}(${a},${b})`),
  fc.constantFrom(
    'OptIn eq true',
    'City eq null',
    'Born ge 2020-01-01',
    'Seen lt 2026-05-01T00:00:00Z',
  ),
  fc.stringMatching(/^[A-Za-z0-9-]{0,6}$/).map((s) => `Segments/any(s: s eq '${s}')`),
);
const { expr: filterText } = fc.letrec((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    comparison,
    fc
      .tuple(tie('expr'), fc.constantFrom('and', 'or'), tie('expr'))
      .map(([a, op, b]) => `(${a as string}) ${op} (${b as string})`),
    tie('expr').map((a) => `not (${a as string})`),
  ),
}));

/** A canonical shape of both parsers' trees: operators, members and literal text. */
function shapeOurs(e: FilterExpr): string {
  switch (e.kind) {
    case 'literal':
      return 'lit';
    case 'member':
      return e.name;
    case 'compare':
    case 'logical':
      return `${e.op}(${shapeOurs(e.left)},${shapeOurs(e.right)})`;
    case 'not':
      return `not(${shapeOurs(e.operand)})`;
    case 'in':
      return 'in';
    case 'call':
      return `${e.name}(${e.args.map(shapeOurs).join(',')})`;
    case 'any':
      return `any(${e.collection},${e.body ? shapeOurs(e.body) : ''})`;
  }
}

const theirOps: Record<string, string> = {
  EqualsExpression: 'eq',
  NotEqualsExpression: 'ne',
  GreaterThanExpression: 'gt',
  GreaterOrEqualsExpression: 'ge',
  LesserThanExpression: 'lt',
  LesserOrEqualsExpression: 'le',
  AndExpression: 'and',
  OrExpression: 'or',
};

function shapeTheirs(t: OdataToken): string {
  const v = t.value as Record<string, OdataToken> & { method?: string; parameters?: OdataToken[] };
  if (t.type in theirOps)
    return `${theirOps[t.type]!}(${shapeTheirs(v.left!)},${shapeTheirs(v.right!)})`;
  switch (t.type) {
    case 'BoolParenExpression':
    case 'ParenExpression':
    case 'CommonExpression':
    case 'FirstMemberExpression':
    case 'MemberExpression':
    case 'LambdaPredicateExpression':
      return shapeTheirs(t.value as OdataToken);
    case 'NotExpression':
      return `not(${shapeTheirs(t.value as OdataToken)})`;
    case 'Literal':
      return 'lit';
    case 'LambdaVariableExpression':
    case 'ODataIdentifier':
      return t.raw;
    case 'MethodCallExpression':
      return `${v.method!}(${v.parameters!.map(shapeTheirs).join(',')})`;
    case 'PropertyPathExpression': {
      if ((t.value as OdataToken).type !== undefined) return shapeTheirs(t.value as OdataToken);
      const p = t.value as { current: OdataToken; next: OdataToken };
      const anyExpr = (p.next.value as OdataToken).value as { predicate: OdataToken };
      return `any(${p.current.raw},${shapeTheirs(anyExpr.predicate)})`;
    }
    default:
      return `?${t.type}`;
  }
}

void describe('$filter cross-checked with odata-v4-parser (OData 4.0 subset)', () => {
  void it('both parsers accept the same generated expressions with the same tree shape', () => {
    fc.assert(
      fc.property(filterText, (src) => {
        const ours = parseFilter(src);
        assert.ok(ours.ok, `${src}: ${JSON.stringify(ours)}`);
        // The generator parenthesises both sides of and/or, so associativity cannot differ.
        assert.equal(shapeOurs(ours.expr), shapeTheirs(odataV4.filter(src)), src);
      }),
      { numRuns: 300 },
    );
  });

  void it('both reject the same malformed inputs', () => {
    for (const bad of [
      "City eq 'x",
      'City eq',
      "(City eq 'a'",
      "City eq 'a' and",
      "City eq 'a' Points",
      'eq 1',
    ]) {
      assert.equal(parseFilter(bad).ok, false, bad);
      assert.throws(() => odataV4.filter(bad), Error, bad);
    }
  });
});

void describe('$filter fuzzing', () => {
  void it('random text never throws; user text never reaches the SQL', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (src) => {
        const r = compile(src);
        if (r.ok) assert.ok(!/'/.test(r.sql), r.sql);
      }),
      { numRuns: 2000 },
    );
  });

  void it('mutated valid filters never throw and keep literals out of the SQL', () => {
    fc.assert(
      fc.property(
        filterText,
        fc.nat(),
        fc.constantFrom('(', ')', "'", ' ', ',', '/', ':', 'eq', 'not', '-', '9', 'x', ''),
        (src, at, ins) => {
          const i = at % (src.length + 1);
          const r = compile(src.slice(0, i) + ins + src.slice(i + (ins === '' ? 1 : 0)));
          if (r.ok) assert.ok(!/'/.test(r.sql), r.sql);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

void describe('$filter semantics on DuckDB', () => {
  let con: DuckDBConnection;
  before(async () => {
    const db = await DuckDBInstance.create(':memory:');
    con = await db.connect();
    await con.run(`CREATE TABLE T ("Name" VARCHAR, "City" VARCHAR, "Points" INTEGER, "Score" DOUBLE,
      "OptIn" BOOLEAN, "Born" DATE, "Seen" TIMESTAMP, "Tags" VARCHAR[])`);
    await con.run(`INSERT INTO T VALUES
      ('ann', 'Oslo', 10, 1.5, true, '1990-05-01', '2026-01-01 10:00:00', ['a']),
      ('bob', 'Paris', 20, NULL, false, '1985-01-01', '2026-02-01 00:00:00', []),
      ('cid', NULL, NULL, 3.0, NULL, NULL, NULL, NULL),
      ('O''x', 'oslo', 5, 0.5, true, '2001-12-31', '2025-12-31 23:59:59', NULL)`);
    await con.run(`CREATE TABLE M ("Id" VARCHAR, "Segment" VARCHAR)`);
    await con.run(
      `INSERT INTO M VALUES ('ann', 'vip'), ('bob', 'gold-buyers'), ('ann', 'gold-buyers')`,
    );
  });
  after(() => con.closeSync());

  const cases: [string, string[]][] = [
    ["City eq 'Oslo'", ['ann']],
    ["tolower(City) eq 'oslo'", ["O'x", 'ann']],
    ['City eq null', ['cid']],
    ['City ne null and Points gt 5', ['ann', 'bob']],
    ['not (Points ge 10)', ["O'x"]],
    ["Name in ('ann', 'cid', 'zed')", ['ann', 'cid']],
    ['Points in (5, null)', ["O'x", 'cid']],
    ["contains(Name, '''')", ["O'x"]],
    ['Born lt 1990-01-01 or Seen ge 2026-01-01T10:00:00Z', ['ann', 'bob']],
    ['OptIn', ["O'x", 'ann']],
    ["Segments/any(s: s eq 'gold-buyers')", ['ann', 'bob']],
    ["Segments/any(s: s eq 'vip') and not Segments/any(s: s eq 'none')", ['ann']],
    ['Score le 1.5', ["O'x", 'ann']],
  ];
  for (const [src, expected] of cases) {
    void it(`${src} selects ${expected.join(', ')}`, async () => {
      const r = compile(src);
      assert.ok(r.ok, JSON.stringify(r));
      const reader = await con.runAndReadAll(
        `SELECT "Name" FROM T e WHERE ${r.sql} ORDER BY "Name"`,
        r.params as (string | number | boolean | null)[],
      );
      assert.deepEqual(
        reader.getRowObjectsJS().map((x) => x.Name),
        expected,
      );
    });
  }
});
