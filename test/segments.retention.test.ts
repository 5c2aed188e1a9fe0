/**
 * Retention of membership deltas: at each evaluation a segment's delta rows outside the configured
 * number of evaluations or days are pruned (an evaluation that changed nothing still counts), while
 * the member-count history keeps every evaluation.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../src/config/index.js';
import { startTestApp, type TestApp } from './support/app.js';
import { loadFixture } from './support/customer.fixture.js';

const day = (n: number): Date => new Date(Date.UTC(2026, 2, 1 + n, 12));

async function deltaRows(app: TestApp, segment: string): Promise<string[]> {
  const wh = await app.warehouse.open('default');
  const rows = await wh.query(
    `SELECT strftime("EvaluatedAt", '%Y-%m-%d') AS d, "Change" AS c, count(*) AS n
     FROM SegmentMembershipDelta WHERE "Segment" = $1 GROUP BY ALL ORDER BY 1, 2`,
    [segment],
  );
  return rows.map((r) => `${String(r.d)} ${String(r.c)} ${String(r.n)}`);
}

/** Saves `name` as "LoyaltyPoints >= threshold" and evaluates it at `now`. */
async function evaluateAt(app: TestApp, name: string, threshold: number, now: Date) {
  const rule = { attribute: 'LoyaltyPoints', op: 'ge', value: threshold };
  const saved = await app.segments.save('default', { name, rule }, '', now);
  assert.ok(saved.ok, saved.ok ? '' : saved.error.message);
  const r = await app.segments.evaluate('default', name, { jobId: null, now });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

void describe('segments: retention of membership deltas', () => {
  void describe('keeping the last 2 evaluations', () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ TRIBUTARY_SEGMENT_DELTA_EVALUATIONS: '2' });
      await loadFixture(await app.warehouse.open('default'));
    });
    after(() => app.dispose());

    void it('prunes older deltas, counting evaluations that changed nothing', async () => {
      // Members with ≥ 10,000 points: c-03, c-09, c-10; ≥ 5,000 adds c-01 and c-06.
      const e1 = await evaluateAt(app, 'Loyal', 10_000, day(0));
      const e2 = await evaluateAt(app, 'Loyal', 5_000, day(1));
      assert.deepEqual([e1.pruned, e2.pruned], [0, 0]);
      assert.deepEqual(await deltaRows(app, 'Loyal'), ['2026-03-01 added 3', '2026-03-02 added 2']);
      const e3 = await evaluateAt(app, 'Loyal', 5_000, day(2));
      assert.equal(e3.added + e3.removed, 0);
      assert.equal(e3.pruned, 3);
      assert.deepEqual(await deltaRows(app, 'Loyal'), ['2026-03-02 added 2']);
      // ≥ 20,000 keeps c-03 and c-10: three removed.
      const e4 = await evaluateAt(app, 'Loyal', 20_000, day(3));
      assert.equal(e4.pruned, 2);
      assert.deepEqual(await deltaRows(app, 'Loyal'), ['2026-03-04 removed 3']);
      const history = await app.segments.history('default', 'Loyal', 100);
      assert.deepEqual(
        history.map((h) => h.value),
        [3, 5, 5, 2],
      );
      assert.deepEqual(
        (await app.segments.members('default', 'Loyal', { top: 10, skip: 0 })).map(
          (m) => m.CustomerId,
        ),
        ['c-03', 'c-10'],
      );
    });

    void it('prunes only the evaluated segment', async () => {
      await evaluateAt(app, 'Other', 10_000, day(0));
      for (const n of [1, 2, 3]) await evaluateAt(app, 'Other', 10_000, day(n));
      assert.deepEqual(await deltaRows(app, 'Other'), []);
      assert.deepEqual(await deltaRows(app, 'Loyal'), ['2026-03-04 removed 3']);
    });
  });

  void describe('keeping 10 days, any number of evaluations', () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp({
        TRIBUTARY_SEGMENT_DELTA_EVALUATIONS: '0',
        TRIBUTARY_SEGMENT_DELTA_DAYS: '10',
      });
      await loadFixture(await app.warehouse.open('default'));
    });
    after(() => app.dispose());

    void it('prunes the deltas of evaluations more than 10 days old', async () => {
      await evaluateAt(app, 'Loyal', 10_000, day(0));
      await evaluateAt(app, 'Loyal', 5_000, day(5));
      const e3 = await evaluateAt(app, 'Loyal', 20_000, day(12));
      assert.equal(e3.pruned, 3);
      assert.deepEqual(await deltaRows(app, 'Loyal'), [
        '2026-03-06 added 2',
        '2026-03-13 removed 3',
      ]);
      const e4 = await evaluateAt(app, 'Loyal', 20_000, day(16));
      assert.equal(e4.pruned, 2);
      assert.deepEqual(await deltaRows(app, 'Loyal'), ['2026-03-13 removed 3']);
      assert.equal((await app.segments.history('default', 'Loyal', 100)).length, 4);
    });
  });

  void it('refuses a retention that is not a whole number', () => {
    for (const v of ['-1', '2.5', 'ten']) {
      assert.throws(
        () => loadConfig({ TRIBUTARY_SEGMENT_DELTA_EVALUATIONS: v }),
        (e) => e instanceof ConfigError && /TRIBUTARY_SEGMENT_DELTA_EVALUATIONS/.test(e.message),
      );
    }
    assert.deepEqual(loadConfig({}).segments, { deltaKeepEvaluations: 30, deltaKeepDays: 0 });
  });
});
