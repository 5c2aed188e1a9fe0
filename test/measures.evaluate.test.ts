/**
 * Measures (each aggregation, dimensions, date buckets, scalar and customer-level) and segment
 * deltas over the fixture, against plain JS computations of the same values.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.js';
import {
  NOW,
  activities,
  customers,
  daysAgo,
  loadFixture,
  ms,
  type FxActivity,
} from './support/customer.fixture.js';

const purchases = activities.filter((a) => a.ActivityType === 'Purchase');
const amounts = (as: FxActivity[]): number[] =>
  as.map((a) => a.Amount).filter((x): x is number => x !== null);
const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);
const byTime = (as: FxActivity[]): FxActivity[] =>
  [...as].sort((x, y) => ms(x.Timestamp) - ms(y.Timestamp));

void describe('measures and segment history against an independent computation', () => {
  let app: TestApp;
  let n = 0;

  const evaluate = async (body: Record<string, unknown>) => {
    const name = `m${++n}`;
    const saved = await app.measures.save('default', { name, ...body }, '', NOW);
    assert.ok(saved.ok, saved.ok ? '' : saved.error.message);
    const r = await app.measures.evaluate('default', name, { jobId: 'job-1', now: NOW });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    return { name, outcome: r.value };
  };

  before(async () => {
    app = await startTestApp();
    await loadFixture(await app.warehouse.open('default'));
  });
  after(() => app.dispose());

  void it('computes every aggregation as a scalar business measure', async () => {
    const p = { activityType: 'Purchase' };
    const ordered = byTime(purchases);
    const cases: [Record<string, unknown>, number][] = [
      [{ ...p, aggregate: 'sum', expression: 'Amount' }, sum(amounts(purchases))],
      [
        { ...p, aggregate: 'avg', expression: 'Amount' },
        sum(amounts(purchases)) / amounts(purchases).length,
      ],
      [{ ...p, aggregate: 'count' }, purchases.length],
      [{ ...p, aggregate: 'count', expression: 'Amount' }, amounts(purchases).length],
      [
        { ...p, aggregate: 'countDistinct', expression: 'CustomerId' },
        new Set(purchases.map((a) => a.CustomerId).filter(Boolean)).size,
      ],
      [{ ...p, aggregate: 'min', expression: 'Amount' }, Math.min(...amounts(purchases))],
      [{ ...p, aggregate: 'max', expression: 'Amount' }, Math.max(...amounts(purchases))],
      [{ ...p, aggregate: 'first', expression: 'Amount' }, ordered[0]!.Amount!],
      [{ ...p, aggregate: 'last', expression: 'Amount' }, ordered.at(-1)!.Amount!],
      [
        {
          from: 'Customer',
          aggregate: 'sum',
          expression: 'LoyaltyPoints',
          where: [{ attribute: 'Country', op: 'eq', value: 'GB' }],
        },
        sum(customers.filter((c) => c.Country === 'GB').map((c) => c.LoyaltyPoints ?? 0)),
      ],
      [
        { ...p, aggregate: 'sum', expression: 'Amount', within: { last: 30, unit: 'day' } },
        sum(
          amounts(
            purchases.filter(
              (a) => ms(a.Timestamp) >= daysAgo(30) && ms(a.Timestamp) <= NOW.getTime(),
            ),
          ),
        ),
      ],
    ];
    for (const [body, expected] of cases) {
      const { name, outcome } = await evaluate(body);
      assert.equal(outcome.kind, 'scalar');
      assert.ok(
        Math.abs((outcome.value ?? NaN) - expected) < 1e-9,
        `${JSON.stringify(body)}: ${outcome.value} != ${expected}`,
      );
      const [h] = await app.measures.history('default', name, 10);
      assert.deepEqual([h?.value, h?.jobId, h?.details?.kind], [outcome.value, 'job-1', 'scalar']);
    }
  });

  void it('groups by dimensions and date buckets', async () => {
    const { name, outcome } = await evaluate({
      activityType: 'Purchase',
      aggregate: 'sum',
      expression: 'Amount',
      dimensions: ['Channel', { column: 'Timestamp', bucket: 'month', as: 'Month' }],
    });
    const expected = new Map<string, number>();
    for (const a of purchases) {
      const key = `${a.Channel}|${a.Timestamp.slice(0, 7)}-01`;
      expected.set(key, (expected.get(key) ?? 0) + (a.Amount ?? 0));
    }
    const values = outcome.values ?? [];
    assert.equal(outcome.groups, expected.size);
    assert.equal(values.length, expected.size);
    for (const v of values)
      assert.equal(
        v.value,
        expected.get(`${String(v.Channel)}|${String(v.Month)}`),
        JSON.stringify(v),
      );
    const rows = await (
      await app.warehouse.open('default')
    ).query(`SELECT count(*) AS n FROM "Measure_${name}"`);
    assert.equal(rows[0]?.n, expected.size);
    for (const bucket of ['day', 'year'] as const) {
      const r = await evaluate({
        aggregate: 'count',
        dimensions: [{ column: 'Timestamp', bucket }],
      });
      const keys = new Set(
        activities.map((a) =>
          bucket === 'day' ? a.Timestamp.slice(0, 10) : `${a.Timestamp.slice(0, 4)}-01-01`,
        ),
      );
      assert.deepEqual(
        r.outcome.values?.map((v) => v.Timestamp_day ?? v.Timestamp_year),
        [...keys].sort(),
      );
    }
  });

  void it('stores customer-level measures as columns of Customer_Measure', async () => {
    await evaluate({ activityType: 'Purchase', aggregate: 'count', perCustomer: true });
    const last = await evaluate({
      activityType: 'Purchase',
      aggregate: 'max',
      expression: 'Timestamp',
      perCustomer: true,
    });
    assert.equal(last.outcome.kind, 'customer');
    const wh = await app.warehouse.open('default');
    const rows = await wh.query(`SELECT * FROM Customer_Measure ORDER BY CustomerId`);
    assert.equal(rows.length, customers.length);
    for (const r of rows) {
      const mine = purchases.filter((a) => a.CustomerId === r.CustomerId);
      const count = r[`m${n - 1}`];
      assert.equal(count ?? 0, mine.length, String(r.CustomerId));
      const max = r[`m${n}`] as Date | null;
      assert.equal(
        max?.getTime() ?? null,
        mine.length ? Math.max(...mine.map((a) => ms(a.Timestamp))) : null,
      );
    }
  });

  void it('records member counts and added/removed deltas per evaluation', async () => {
    const wh = await app.warehouse.open('default');
    const rule = { attribute: 'LoyaltyPoints', op: 'ge', value: 5000 };
    assert.ok(
      (
        await app.segments.save(
          'default',
          { name: 'rich', rule, owners: ['a@example.com'] },
          '',
          NOW,
        )
      ).ok,
    );
    const first = await app.segments.evaluate('default', 'rich', { jobId: 'j1', now: NOW });
    assert.ok(first.ok);
    const rich = customers
      .filter((c) => (c.LoyaltyPoints ?? -1) >= 5000)
      .map((c) => c.CustomerId)
      .sort();
    assert.deepEqual(
      [first.value.count, first.value.added, first.value.removed],
      [rich.length, rich.length, 0],
    );
    assert.deepEqual(first.value.addedSample, rich.slice(0, 10));
    // Change the data: one member drops below, one customer rises above, one new customer joins.
    await wh.write(async (w) => {
      await w.run(`UPDATE Customer SET LoyaltyPoints = 10 WHERE CustomerId = 'c-01'`);
      await w.run(`UPDATE Customer SET LoyaltyPoints = 9000 WHERE CustomerId = 'c-02'`);
      await w.run(`INSERT INTO Customer (CustomerId, LoyaltyPoints) VALUES ('c-99', 6000)`);
    });
    const later = new Date(NOW.getTime() + 86_400_000);
    const second = await app.segments.evaluate('default', 'rich', { jobId: 'j2', now: later });
    assert.ok(second.ok);
    assert.deepEqual(
      [second.value.count, second.value.added, second.value.removed],
      [rich.length + 1, 2, 1],
    );
    assert.deepEqual(second.value.addedSample, ['c-02', 'c-99']);
    const deltas = await wh.query(
      `SELECT CustomerId, Change, JobId FROM SegmentMembershipDelta WHERE Segment = 'rich' AND JobId = 'j2' ORDER BY 1`,
    );
    assert.deepEqual(
      deltas.map((d) => `${String(d.CustomerId)} ${String(d.Change)}`),
      ['c-01 removed', 'c-02 added', 'c-99 added'],
    );
    const kept = await app.segments.members('default', 'rich', { top: 100, skip: 0 });
    const addedAt = new Map(kept.map((m) => [m.CustomerId, (m.AddedAt as Date).toISOString()]));
    assert.equal(addedAt.get('c-03'), NOW.toISOString()); // kept from the first evaluation
    assert.equal(addedAt.get('c-99'), later.toISOString());
    const history = await app.segments.history('default', 'rich', 10);
    assert.deepEqual(
      history.map((h) => [
        h.value,
        h.details?.added,
        h.details?.removed,
        h.jobId,
        h.details?.owners,
      ]),
      [
        [rich.length, rich.length, 0, 'j1', ['a@example.com']],
        [rich.length + 1, 2, 1, 'j2', ['a@example.com']],
      ],
    );
    await loadFixture(wh);
  });
});
