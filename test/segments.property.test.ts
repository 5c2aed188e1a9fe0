/**
 * A property test of the segment rule compiler: random rule trees (and / or / not, union /
 * intersect / except, every operator on every column type, date windows and relative dates for a
 * given `now`, activity counts, sums and last dates with filters and windows, a customer-level
 * measure, membership of another segment) are validated, compiled to SQL and run in DuckDB on a
 * small random fixture, and must select exactly the customers an independent JS evaluator selects.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readCatalog } from '../src/conditions/index.js';
import type { MeasureDefinition } from '../src/measures/index.js';
import { checkSegment, compileSegment, validateSegment } from '../src/segments/index.js';
import type { InstanceWarehouse } from '../src/warehouse/index.js';
import { startTestApp, type TestApp } from './support/app.js';
import { loadFixture, type FxActivity, type FxCustomer } from './support/customer.fixture.js';

type Category = 'string' | 'number' | 'boolean' | 'date' | 'timestamp' | 'list';
type Value = string | number | boolean | { ago: number; unit: Unit };
type Unit = 'day' | 'week' | 'month' | 'year';
interface Window {
  last?: number;
  unit?: Unit;
  current?: Unit;
  from?: string;
  to?: string;
}
interface Cmp {
  op: string;
  value?: Value | Value[];
  window?: Window;
  ignoreCase?: boolean;
}
type Rule = Record<string, unknown>;

interface Fixture {
  customers: (FxCustomer & { PreviousCustomerId: string[] })[];
  activities: FxActivity[];
  measure: Map<string, number>;
  members: string[];
}

const DAY = 86_400_000;
const units: Unit[] = ['day', 'week', 'month', 'year'];
const customerColumns: Record<string, Category> = {
  FirstName: 'string',
  City: 'string',
  LoyaltyTier: 'string',
  LoyaltyPoints: 'number',
  MarketingOptIn: 'boolean',
  SignupDate: 'date',
  CreatedAt: 'timestamp',
  PreviousCustomerId: 'list',
};
const activityColumns: Record<string, Category> = {
  Channel: 'string',
  Status: 'string',
  Amount: 'number',
};

// ---- the independent evaluator -------------------------------------------------------------

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const dayOf = (t: number): string => new Date(t).toISOString().slice(0, 10);
const timeOf = (s: string): number => Date.parse(s.includes('T') ? s : `${s.replace(' ', 'T')}Z`);

/** `now` moved back by n units; months and years as the UTC calendar does (Date.UTC overflow). */
function back(now: Date, n: number, unit: Unit): number {
  const [y, m, d] = [now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()];
  const rest = now.getTime() % DAY;
  if (unit === 'day' || unit === 'week') return now.getTime() - n * (unit === 'week' ? 7 : 1) * DAY;
  const months = unit === 'month' ? n : 12 * n;
  return Date.UTC(y, m - months, d) + rest;
}

/** The UTC calendar period of `now` as [start, end). */
function period(now: Date, unit: Unit): [number, number] {
  const [y, m, d] = [now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()];
  if (unit === 'year') return [Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1)];
  if (unit === 'month') return [Date.UTC(y, m, 1), Date.UTC(y, m + 1, 1)];
  if (unit === 'day') return [Date.UTC(y, m, d), Date.UTC(y, m, d + 1)];
  const monday = Date.UTC(y, m, d) - ((now.getUTCDay() + 6) % 7) * DAY;
  return [monday, monday + 7 * DAY];
}

/** A window as [from, to, whether `to` is inside]; an absent bound is undefined. */
function bounds(w: Window, now: Date): [number | undefined, number | undefined, boolean] {
  if (w.last !== undefined) return [back(now, w.last, w.unit!), now.getTime(), true];
  if (w.current !== undefined) return [...period(now, w.current), false];
  const at = (s: string | undefined) => (s === undefined ? undefined : Date.parse(s));
  return [at(w.from), at(w.to), false];
}

type Cell = string | number | boolean | string[] | null;

/** A comparison of one value; NULL satisfies nothing but `exists` is false for it too. */
function holds(c: Cmp, category: Category, x: Cell, now: Date): boolean {
  if (x === null) return false;
  if (c.op === 'exists') return true;
  if (category === 'list') return (x as string[]).includes(c.value as string);
  if (category === 'date' || category === 'timestamp') {
    // Values are resolved to instants, then truncated to whole UTC days on DATE columns.
    const key = (t: number): string | number => (category === 'date' ? dayOf(t) : t);
    const resolve = (v: Value): number =>
      typeof v === 'object' ? back(now, v.ago, v.unit) : Date.parse(v as string);
    const have = category === 'date' ? (x as string) : timeOf(x as string);
    if (c.op === 'within') {
      const [from, to, inclusive] = bounds(c.window!, now);
      return (
        (from === undefined || have >= key(from)) &&
        (to === undefined || (inclusive ? have <= key(to) : have < key(to)))
      );
    }
    if (c.op === 'in') return (c.value as Value[]).some((v) => key(resolve(v)) === have);
    return order(c.op, have, key(resolve(c.value as Value)));
  }
  const fold = (v: Cell | Value): Cell | Value =>
    c.ignoreCase && typeof v === 'string' ? v.toLowerCase() : v;
  const have = fold(x);
  if (c.op === 'in') return (c.value as Value[]).some((v) => fold(v) === have);
  const want = fold(c.value as Value);
  if (c.op === 'contains') return (have as string).includes(want as string);
  if (c.op === 'startsWith') return (have as string).startsWith(want as string);
  if (c.op === 'endsWith') return (have as string).endsWith(want as string);
  return order(c.op, have as string | number | boolean, want as string | number | boolean);
}

function order<T>(op: string, a: T, b: T): boolean {
  if (op === 'eq') return a === b;
  if (op === 'ne') return a !== b;
  if (op === 'gt') return a > b;
  if (op === 'ge') return a >= b;
  if (op === 'lt') return a < b;
  if (op === 'le') return a <= b;
  throw new Error(`unexpected op ${op}`);
}

function selects(rule: Rule, c: Fixture['customers'][number], fx: Fixture, now: Date): boolean {
  const sub = (r: Rule): boolean => selects(r, c, fx, now);
  if ('and' in rule) return (rule.and as Rule[]).every(sub);
  if ('or' in rule) return (rule.or as Rule[]).some(sub);
  if ('not' in rule) return !sub(rule.not as Rule);
  if ('union' in rule) return (rule.union as Rule[]).some(sub);
  if ('intersect' in rule) return (rule.intersect as Rule[]).every(sub);
  if ('except' in rule) {
    const [first, ...rest] = rule.except as Rule[];
    return sub(first!) && !rest.some(sub);
  }
  if ('inSegment' in rule) return fx.members.includes(c.CustomerId);
  if ('measure' in rule) {
    return holds(rule as unknown as Cmp, 'number', fx.measure.get(c.CustomerId) ?? null, now);
  }
  if ('attribute' in rule) {
    const attribute = rule.attribute as keyof typeof c;
    const category = customerColumns[attribute]!;
    return holds(rule as unknown as Cmp, category, c[attribute], now);
  }
  const where = (rule.where ?? []) as (Cmp & { attribute: keyof FxActivity })[];
  const matching = fx.activities.filter(
    (a) =>
      a.CustomerId === c.CustomerId &&
      a.ActivityType === rule.activity &&
      where.every((w) => holds(w, activityColumns[w.attribute]!, a[w.attribute], now)) &&
      (rule.within === undefined ||
        holds({ op: 'within', window: rule.within as Window }, 'timestamp', a.Timestamp, now)),
  );
  const aggregate = (rule.aggregate ?? 'count') as string;
  if (aggregate === 'last') {
    const last =
      matching
        .map((a) => a.Timestamp)
        .sort()
        .at(-1) ?? null;
    return holds(rule as unknown as Cmp, 'timestamp', last, now);
  }
  const value =
    aggregate === 'count' ? matching.length : matching.reduce((s, a) => s + (a.Amount ?? 0), 0);
  return holds(rule as unknown as Cmp, 'number', value, now);
}

// ---- generators ----------------------------------------------------------------------------

const nows = ['2026-03-15T12:00:00Z', '2026-01-31T23:30:00Z', '2024-02-29T00:00:00Z'];
const anchor = Date.parse('2026-03-15T12:00:00Z');
/** Instants within about two years around the anchor, to the second. */
const instant = fc.integer({ min: -800 * 86_400, max: 200 * 86_400 }).map((s) => anchor + s * 1000);
const sqlTime = instant.map((t) => new Date(t).toISOString().slice(0, 19).replace('T', ' '));
const isoDay = instant.map(dayOf);
const isoTime = instant.map((t) => `${new Date(t).toISOString().slice(0, 19)}Z`);
const relative = fc.record({
  ago: fc.integer({ min: 0, max: 14 }),
  unit: fc.constantFrom(...units),
});
const words = ['Ada', 'ada', 'Bob', 'London', 'london', 'Berlin', 'gold', 'silver', 'web', ''];
const word = fc.constantFrom(...words);
const part = fc.constantFrom('a', 'A', 'Lo', 'on', 'in', 'b', '');

const windowArb: fc.Arbitrary<Window> = fc.oneof(
  fc.record({ last: fc.integer({ min: 1, max: 40 }), unit: fc.constantFrom(...units) }),
  fc.record({ current: fc.constantFrom(...units) }),
  fc.record({ from: fc.oneof(isoDay, isoTime) }),
  fc.record({ to: fc.oneof(isoDay, isoTime) }),
  fc.record({ from: fc.oneof(isoDay, isoTime), to: fc.oneof(isoDay, isoTime) }),
);

const ordering = fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le');
const listOf = <T>(a: fc.Arbitrary<T>) => fc.array(a, { minLength: 1, maxLength: 3 });

/** A comparison for a value of `category`. */
function comparison(category: Category): fc.Arbitrary<Cmp> {
  const exists = fc.constant<Cmp>({ op: 'exists' });
  switch (category) {
    case 'string': {
      const ignoreCase = fc.option(fc.boolean(), { nil: undefined });
      const withCase = (a: fc.Arbitrary<Cmp>) =>
        fc.tuple(a, ignoreCase).map(([c, i]) => (i === undefined ? c : { ...c, ignoreCase: i }));
      return fc.oneof(
        withCase(fc.record({ op: ordering, value: word })),
        withCase(fc.record({ op: fc.constant('in'), value: listOf(word) })),
        withCase(
          fc.record({ op: fc.constantFrom('contains', 'startsWith', 'endsWith'), value: part }),
        ),
        exists,
      );
    }
    case 'number': {
      const n = fc.integer({ min: -2, max: 12 }).map((x) => x * 50);
      return fc.oneof(
        fc.record({ op: ordering, value: n }),
        fc.record({ op: fc.constant('in'), value: listOf(n) }),
        exists,
      );
    }
    case 'boolean':
      return fc.oneof(
        fc.record({ op: fc.constantFrom('eq', 'ne'), value: fc.boolean() }),
        fc.record({ op: fc.constant('in'), value: listOf(fc.boolean()) }),
        exists,
      );
    case 'list':
      return fc.oneof(
        fc.record({ op: fc.constant('contains'), value: fc.constantFrom('c-01', 'c-02', 'x') }),
        exists,
      );
    default: {
      const v: fc.Arbitrary<Value> = fc.oneof(isoDay, isoTime, relative);
      return fc.oneof(
        fc.record({ op: ordering, value: v }),
        // a list holds plain values only, not relative dates
        fc.record({ op: fc.constant('in'), value: listOf(fc.oneof(isoDay, isoTime)) }),
        fc.record({ op: fc.constant('within'), window: windowArb }),
        exists,
      );
    }
  }
}

const attributeLeaf = fc
  .constantFrom(...Object.keys(customerColumns))
  .chain((attribute) => comparison(customerColumns[attribute]!).map((c) => ({ attribute, ...c })));
const activityWhere = fc
  .constantFrom(...Object.keys(activityColumns))
  .chain((attribute) => comparison(activityColumns[attribute]!).map((c) => ({ attribute, ...c })));
const countComparison = fc.oneof(
  fc.record({ op: ordering, value: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ op: fc.constant('in'), value: listOf(fc.integer({ min: 0, max: 3 })) }),
  fc.constant<Cmp>({ op: 'exists' }),
);
const activityLeaf = fc
  .record(
    {
      activity: fc.constantFrom('Purchase', 'Visit'),
      aggregate: fc.constantFrom('count', 'sum', 'last'),
      where: fc.array(activityWhere, { maxLength: 2 }),
      within: windowArb,
    },
    { requiredKeys: ['activity', 'aggregate'] },
  )
  .chain((a) =>
    (a.aggregate === 'count'
      ? countComparison
      : a.aggregate === 'sum'
        ? comparison('number')
        : comparison('timestamp')
    ).map((c) => ({ ...a, ...c })),
  );
const measureLeaf = comparison('number').map((c) => ({ measure: 'M', ...c }));
const leaf: fc.Arbitrary<Rule> = fc.oneof(
  { weight: 4, arbitrary: attributeLeaf },
  { weight: 3, arbitrary: activityLeaf },
  { weight: 1, arbitrary: measureLeaf },
  { weight: 1, arbitrary: fc.constant({ inSegment: 'S' }) },
);

const { rule: ruleArb } = fc.letrec<{ rule: Rule }>((tie) => ({
  rule: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'rule' },
    leaf,
    fc.array(tie('rule'), { minLength: 1, maxLength: 3 }).map((and) => ({ and })),
    fc.array(tie('rule'), { minLength: 1, maxLength: 3 }).map((or) => ({ or })),
    tie('rule').map((not) => ({ not })),
    fc
      .tuple(
        fc.constantFrom('union', 'intersect', 'except'),
        fc.array(tie('rule'), { minLength: 2, maxLength: 3 }),
      )
      .map(([op, rules]) => ({ [op]: rules })),
  ),
}));

const ids = Array.from({ length: 10 }, (_, i) => `c-${pad(i + 1)}`);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 4 });
const fixtureArb: fc.Arbitrary<Fixture> = fc
  .record({
    customers: fc
      .uniqueArray(fc.constantFrom(...ids), { minLength: 1, maxLength: 10 })
      .chain((cs) =>
        fc.tuple(
          ...cs.map((CustomerId) =>
            fc.record({
              CustomerId: fc.constant(CustomerId),
              FirstName: maybe(word),
              City: maybe(word),
              Country: fc.constant(null),
              Email: fc.constant(null),
              LoyaltyTier: maybe(fc.constantFrom('gold', 'silver', 'Gold')),
              LoyaltyPoints: maybe(fc.integer({ min: -1, max: 11 }).map((x) => x * 50)),
              MarketingOptIn: maybe(fc.boolean()),
              SignupDate: maybe(isoDay),
              CreatedAt: maybe(sqlTime),
              PreviousCustomerId: fc.uniqueArray(fc.constantFrom('c-01', 'c-02', 'c-77'), {
                maxLength: 2,
              }),
            }),
          ),
        ),
      ),
    activities: fc.array(
      fc.record({
        CustomerId: maybe(fc.constantFrom(...ids, 'c-99')),
        ActivityType: fc.constantFrom('Purchase', 'Purchase', 'Visit'),
        Timestamp: sqlTime,
        // Multiples of 0.5 add up exactly in any order, so sums compare exactly.
        Amount: maybe(fc.integer({ min: -20, max: 400 }).map((x) => x / 2)),
        Channel: maybe(fc.constantFrom('web', 'mobile_app', 'Web')),
        Status: maybe(fc.constantFrom('completed', 'refunded')),
      }),
      { maxLength: 25 },
    ),
    measure: fc
      .array(
        fc.tuple(
          fc.constantFrom(...ids),
          fc.integer({ min: -2, max: 12 }).map((x) => x * 50),
        ),
        {
          maxLength: 8,
        },
      )
      .map((pairs) => new Map(pairs)),
    members: fc.uniqueArray(fc.constantFrom(...ids, 'c-99'), { maxLength: 6 }),
  })
  .map((fx) => ({
    ...fx,
    activities: fx.activities.map((a, i) => ({ ActivityId: `a${i}`, ...a })),
  }));

async function load(wh: InstanceWarehouse, fx: Fixture): Promise<void> {
  await loadFixture(wh, fx.customers, fx.activities);
  await wh.write(async (w) => {
    for (const c of fx.customers.filter((x) => x.PreviousCustomerId.length > 0)) {
      await w.run(
        `UPDATE Customer SET PreviousCustomerId = string_split($2, ',') WHERE CustomerId = $1`,
        [c.CustomerId, c.PreviousCustomerId.join(',')],
      );
    }
    await w.run(`CREATE OR REPLACE TABLE Measure_M ("CustomerId" VARCHAR, "Value" DOUBLE)`);
    for (const [id, v] of fx.measure) await w.run(`INSERT INTO Measure_M VALUES ($1, $2)`, [id, v]);
    await w.run(`CREATE OR REPLACE TABLE SegmentMembership
      ("Segment" VARCHAR, "CustomerId" VARCHAR, "AddedAt" TIMESTAMP)`);
    for (const id of fx.members) {
      await w.run(`INSERT INTO SegmentMembership VALUES ('S', $1, TIMESTAMP '2026-01-01')`, [id]);
      await w.run(`INSERT INTO SegmentMembership VALUES ('Other', $1, TIMESTAMP '2026-01-01')`, [
        `${id}x`,
      ]);
    }
  });
}

const measureDef: MeasureDefinition = {
  name: 'M',
  aggregate: 'sum',
  expression: 'Amount',
  perCustomer: true,
};

void describe('segments: the rule compiler against an independent evaluator', () => {
  let app: TestApp;
  let wh: InstanceWarehouse;
  before(async () => {
    app = await startTestApp();
    wh = await app.warehouse.open('default');
  });
  after(() => app.dispose());

  void it('selects exactly the customers the JS evaluator selects', async () => {
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(
        fixtureArb,
        fc.array(ruleArb, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...nows),
        async (fx, rules, nowText) => {
          const now = new Date(nowText);
          await load(wh, fx);
          const catalog = await readCatalog(wh);
          for (const rule of rules) {
            const def = validateSegment({ name: 'P', rule });
            assert.ok(def.ok, def.ok ? '' : `${def.error.message}\n${JSON.stringify(rule)}`);
            const ctx = {
              catalog,
              measures: new Map([['M', measureDef]]),
              graph: new Map([
                ['P', ['S']],
                ['S', []],
              ]),
              activityTypes: false,
            };
            const checked = checkSegment(def.value, ctx);
            assert.ok(checked.ok, checked.ok ? '' : checked.error.message);
            const compiled = compileSegment(def.value, catalog, ctx.measures, now);
            const rows = await wh.query(compiled.sql, compiled.params);
            const got = rows.map((r) => String(r.CustomerId)).sort();
            const want = fx.customers
              .filter((c) => selects(rule, c, fx, now))
              .map((c) => c.CustomerId)
              .sort();
            assert.deepEqual(got, want, `${JSON.stringify(rule)} at ${nowText}`);
            if (want.length > 0 && want.length < fx.customers.length) nonEmpty++;
          }
        },
      ),
      { numRuns: 80 },
    );
    // The generators reach rules that split the customers, not only all-or-nothing ones.
    assert.ok(nonEmpty > 50, `only ${nonEmpty} rules selected a proper subset`);
  });
});
