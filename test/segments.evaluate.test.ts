/**
 * Segment evaluation against an independent computation: each rule is saved and evaluated through
 * the segment service over the fixture tables, and its members are compared with a plain JS filter
 * of the same fixture values.
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
  type FxCustomer,
} from './support/customer.fixture.js';

const ids = (pred: (c: FxCustomer) => boolean): string[] =>
  customers
    .filter(pred)
    .map((c) => c.CustomerId)
    .sort();
const acts = (c: FxCustomer, pred: (a: FxActivity) => boolean = () => true): FxActivity[] =>
  activities.filter((a) => a.CustomerId === c.CustomerId && pred(a));

void describe('segments: evaluation against an independent computation', () => {
  let app: TestApp;
  let n = 0;

  /** Saves `rule` as a new dynamic segment, evaluates it at NOW and answers its sorted members. */
  const members = async (rule: unknown, extra: Record<string, unknown> = {}): Promise<string[]> => {
    const name = `s${++n}`;
    const saved = await app.segments.save('default', { name, rule, ...extra }, '', NOW);
    assert.ok(saved.ok, saved.ok ? '' : saved.error.message);
    const r = await app.segments.evaluate('default', name, { jobId: null, now: NOW });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    const rows = await app.segments.members('default', name, { top: 1000, skip: 0 });
    assert.equal(rows.length, r.value.count);
    return rows.map((x) => x.CustomerId);
  };

  before(async () => {
    app = await startTestApp();
    await loadFixture(await app.warehouse.open('default'));
  });
  after(() => app.dispose());

  void it('compares attributes with each operator (a NULL satisfies none of them)', async () => {
    const cases: [unknown, (c: FxCustomer) => boolean][] = [
      [{ attribute: 'City', op: 'eq', value: 'Berlin' }, (c) => c.City === 'Berlin'],
      [
        { attribute: 'City', op: 'eq', value: 'LONDON', ignoreCase: true },
        (c) => c.City?.toLowerCase() === 'london',
      ],
      [
        { attribute: 'Country', op: 'ne', value: 'GB' },
        (c) => c.Country !== null && c.Country !== 'GB',
      ],
      [
        { attribute: 'LoyaltyPoints', op: 'gt', value: 5000 },
        (c) => (c.LoyaltyPoints ?? -Infinity) > 5000,
      ],
      [
        { attribute: 'LoyaltyPoints', op: 'ge', value: 5000 },
        (c) => (c.LoyaltyPoints ?? -Infinity) >= 5000,
      ],
      [
        { attribute: 'LoyaltyPoints', op: 'lt', value: 1500 },
        (c) => c.LoyaltyPoints !== null && c.LoyaltyPoints < 1500,
      ],
      [
        { attribute: 'LoyaltyPoints', op: 'le', value: 1500 },
        (c) => c.LoyaltyPoints !== null && c.LoyaltyPoints <= 1500,
      ],
      [
        { attribute: 'LoyaltyTier', op: 'in', value: ['gold', 'platinum'] },
        (c) => ['gold', 'platinum'].includes(c.LoyaltyTier ?? ''),
      ],
      [
        { attribute: 'Email', op: 'contains', value: '.co.' },
        (c) => c.Email?.includes('.co.') ?? false,
      ],
      [
        { attribute: 'FirstName', op: 'startsWith', value: 'H' },
        (c) => c.FirstName?.startsWith('H') ?? false,
      ],
      [
        { attribute: 'Email', op: 'endsWith', value: '.com' },
        (c) => c.Email?.endsWith('.com') ?? false,
      ],
      [{ attribute: 'MarketingOptIn', op: 'exists' }, (c) => c.MarketingOptIn !== null],
      [{ attribute: 'MarketingOptIn', op: 'eq', value: true }, (c) => c.MarketingOptIn === true],
      [
        { attribute: 'SignupDate', op: 'ge', value: '2026-01-01' },
        (c) => c.SignupDate !== null && c.SignupDate >= '2026-01-01',
      ],
      [
        { attribute: 'SignupDate', op: 'lt', value: { ago: 1, unit: 'year' } },
        (c) => c.SignupDate !== null && c.SignupDate < '2025-03-15',
      ],
      [
        { attribute: 'CreatedAt', op: 'gt', value: '2026-02-13T23:59:58Z' },
        (c) => c.CreatedAt !== null && ms(c.CreatedAt) > ms('2026-02-13 23:59:58'),
      ],
    ];
    for (const [rule, pred] of cases)
      assert.deepEqual(await members(rule), ids(pred), JSON.stringify(rule));
  });

  void it('resolves date windows relative to the given now', async () => {
    const createdWithin = (from: number, to: number, inclusive: boolean) => (c: FxCustomer) =>
      c.CreatedAt !== null &&
      ms(c.CreatedAt) >= from &&
      (inclusive ? ms(c.CreatedAt) <= to : ms(c.CreatedAt) < to);
    const cases: [unknown, (c: FxCustomer) => boolean][] = [
      // DATE columns compare whole UTC days: the last 30 days of 2026-03-15 start on 2026-02-13.
      [
        { attribute: 'SignupDate', op: 'within', window: { last: 30, unit: 'day' } },
        (c) =>
          c.SignupDate !== null && c.SignupDate >= '2026-02-13' && c.SignupDate <= '2026-03-15',
      ],
      [
        { attribute: 'CreatedAt', op: 'within', window: { last: 30, unit: 'day' } },
        createdWithin(daysAgo(30), NOW.getTime(), true),
      ],
      [
        { attribute: 'CreatedAt', op: 'within', window: { last: 1, unit: 'week' } },
        createdWithin(daysAgo(7), NOW.getTime(), true),
      ],
      [
        { attribute: 'SignupDate', op: 'within', window: { current: 'month' } },
        (c) => c.SignupDate !== null && c.SignupDate >= '2026-03-01' && c.SignupDate < '2026-04-01',
      ],
      [
        { attribute: 'SignupDate', op: 'within', window: { current: 'year' } },
        (c) => c.SignupDate !== null && c.SignupDate.startsWith('2026'),
      ],
      [
        { attribute: 'SignupDate', op: 'within', window: { current: 'week' } },
        (c) => c.SignupDate !== null && c.SignupDate >= '2026-03-09' && c.SignupDate < '2026-03-16',
      ],
      [
        { attribute: 'CreatedAt', op: 'within', window: { from: '2025-12-24', to: '2026-02-14' } },
        createdWithin(ms('2025-12-24'), ms('2026-02-14'), false),
      ],
      [
        { attribute: 'CreatedAt', op: 'within', window: { last: 2, unit: 'year' } },
        createdWithin(ms('2024-03-15 12:00:00'), NOW.getTime(), true),
      ],
    ];
    for (const [rule, pred] of cases)
      assert.deepEqual(await members(rule), ids(pred), JSON.stringify(rule));
  });

  void it('aggregates activities: count, sum and last, filtered and windowed', async () => {
    const purchases = (
      c: FxCustomer,
      from = -Infinity,
      pred: (a: FxActivity) => boolean = () => true,
    ) =>
      acts(
        c,
        (a) =>
          a.ActivityType === 'Purchase' &&
          ms(a.Timestamp) >= from &&
          ms(a.Timestamp) <= NOW.getTime() &&
          pred(a),
      );
    const cases: [unknown, (c: FxCustomer) => boolean][] = [
      [
        { activity: 'Purchase', op: 'ge', value: 2, within: { last: 30, unit: 'day' } },
        (c) => purchases(c, daysAgo(30)).length >= 2,
      ],
      [
        { activity: 'Purchase', op: 'eq', value: 0 },
        (c) => acts(c, (a) => a.ActivityType === 'Purchase').length === 0,
      ],
      [
        { activity: 'Purchase', aggregate: 'sum', op: 'gt', value: 500 },
        (c) =>
          acts(c, (a) => a.ActivityType === 'Purchase').reduce((s, a) => s + (a.Amount ?? 0), 0) >
          500,
      ],
      [
        {
          activity: 'Purchase',
          aggregate: 'sum',
          op: 'ge',
          value: 100,
          where: [{ attribute: 'Status', op: 'in', value: ['completed', 'shipped'] }],
          within: { last: 90, unit: 'day' },
        },
        (c) =>
          purchases(c, daysAgo(90), (a) =>
            ['completed', 'shipped'].includes(a.Status ?? ''),
          ).reduce((s, a) => s + (a.Amount ?? 0), 0) >= 100,
      ],
      [
        { activity: 'Purchase', aggregate: 'last', op: 'lt', value: { ago: 60, unit: 'day' } },
        (c) => {
          const t = acts(c, (a) => a.ActivityType === 'Purchase').map((a) => ms(a.Timestamp));
          return t.length > 0 && Math.max(...t) < daysAgo(60);
        },
      ],
      [
        { activity: 'Purchase', aggregate: 'last', op: 'within', window: { last: 7, unit: 'day' } },
        (c) => {
          const t = acts(c, (a) => a.ActivityType === 'Purchase').map((a) => ms(a.Timestamp));
          return t.length > 0 && Math.max(...t) >= daysAgo(7) && Math.max(...t) <= NOW.getTime();
        },
      ],
      [
        { activity: 'Visit', op: 'ge', value: 1, where: [{ attribute: 'Channel', op: 'exists' }] },
        () => false,
      ],
    ];
    for (const [rule, pred] of cases)
      assert.deepEqual(await members(rule), ids(pred), JSON.stringify(rule));
  });

  void it('combines with and, or, not and the set operators', async () => {
    const gb = { attribute: 'Country', op: 'eq', value: 'GB' };
    const rich = { attribute: 'LoyaltyPoints', op: 'ge', value: 5000 };
    const buyer = { activity: 'Purchase', op: 'ge', value: 1 };
    const isGb = (c: FxCustomer) => c.Country === 'GB';
    const isRich = (c: FxCustomer) => (c.LoyaltyPoints ?? -1) >= 5000;
    const isBuyer = (c: FxCustomer) => acts(c, (a) => a.ActivityType === 'Purchase').length >= 1;
    const cases: [unknown, (c: FxCustomer) => boolean][] = [
      [{ and: [gb, rich] }, (c) => isGb(c) && isRich(c)],
      [{ or: [gb, rich] }, (c) => isGb(c) || isRich(c)],
      [{ not: gb }, (c) => !isGb(c)], // includes the customer with no Country
      [{ not: { or: [gb, { not: buyer }] } }, (c) => !isGb(c) && isBuyer(c)],
      [{ union: [gb, rich] }, (c) => isGb(c) || isRich(c)],
      [{ intersect: [gb, rich, buyer] }, (c) => isGb(c) && isRich(c) && isBuyer(c)],
      [{ except: [buyer, gb, rich] }, (c) => isBuyer(c) && !isGb(c) && !isRich(c)],
      [{ and: [buyer, { except: [rich, gb] }] }, (c) => isBuyer(c) && isRich(c) && !isGb(c)],
      [
        { union: [{ intersect: [gb, rich] }, { except: [buyer, { or: [gb, rich] }] }] },
        (c) => (isGb(c) && isRich(c)) || (isBuyer(c) && !isGb(c) && !isRich(c)),
      ],
    ];
    for (const [rule, pred] of cases)
      assert.deepEqual(await members(rule), ids(pred), JSON.stringify(rule));
  });

  void it('reads other segments and customer-level measures', async () => {
    const saved = await app.segments.save(
      'default',
      { name: 'gbOnly', rule: { attribute: 'Country', op: 'eq', value: 'GB' } },
      '',
      NOW,
    );
    assert.ok(saved.ok);
    assert.ok((await app.segments.evaluate('default', 'gbOnly', { jobId: null, now: NOW })).ok);
    const m = await app.measures.save(
      'default',
      {
        name: 'Spend',
        aggregate: 'sum',
        expression: 'Amount',
        activityType: 'Purchase',
        perCustomer: true,
      },
      '',
      NOW,
    );
    assert.ok(m.ok, m.ok ? '' : m.error.message);
    assert.ok((await app.measures.evaluate('default', 'Spend', { jobId: null, now: NOW })).ok);
    const spend = (c: FxCustomer) =>
      acts(c, (a) => a.ActivityType === 'Purchase').reduce((s, a) => s + (a.Amount ?? 0), 0);
    const hasPurchase = (c: FxCustomer) => acts(c, (a) => a.ActivityType === 'Purchase').length > 0;
    assert.deepEqual(
      await members({ and: [{ inSegment: 'gbOnly' }, { measure: 'Spend', op: 'gt', value: 100 }] }),
      ids((c) => c.Country === 'GB' && hasPurchase(c) && spend(c) > 100),
    );
    // A customer without activities has no Spend value: the comparison is false, `not` is its complement.
    assert.deepEqual(
      await members({ not: { measure: 'Spend', op: 'gt', value: 100 } }),
      ids((c) => !(hasPurchase(c) && spend(c) > 100)),
    );
  });
});
