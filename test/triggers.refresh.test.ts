/**
 * Each of the six triggers fired by a real refresh (real CSV ingest into DuckDB, the refresh engine,
 * the outbox and delivery to a real receiver). Unification and segments are stand-in task kinds
 * here (their domains are other branches): `merge` reports profile counts as the real one does,
 * `segment(Vip)` counts the ingested rows of `crm_people` and writes them with `recordMetric`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppOptions } from '../src/app.js';
import type { TaskKind } from '../src/refresh/index.js';
import { auth, startTestApp, type TestApp } from './support/app.js';
import { Receiver, type Received } from './support/receiver.js';
import { deliverAt, subscribe } from './support/triggers.js';

let app: TestApp;
let rx: Receiver;

function stageKinds(core: Parameters<NonNullable<AppOptions['extraTaskKinds']>>[0]): TaskKind[] {
  const merge: TaskKind = {
    kind: 'merge',
    after: ['ingest'],
    downstream: true,
    plan: () => Promise.resolve([null]),
    run: () =>
      Promise.resolve({
        ok: true,
        warnings: false,
        details: { profiles: { total: 120, created: 4, kept: 113, merged: 3, split: 0 } },
      }),
  };
  const segment: TaskKind = {
    kind: 'segment',
    after: ['merge'],
    downstream: true,
    plan: () => Promise.resolve(['Vip']),
    async run(ctx) {
      const wh = await core.warehouse.open(ctx.instance);
      const [row] = await wh.query('SELECT count(*)::INTEGER AS n FROM crm_people');
      await core.recordMetric({
        instance: ctx.instance,
        metricKind: 'segment',
        metricName: 'Vip',
        jobId: ctx.jobId,
        observedAt: ctx.now().toISOString(),
        value: Number(row!.n),
        details: { added: 0, removed: 0, addedSample: [], owners: ['vip@example.com'] },
      });
      return { ok: true, warnings: false };
    },
  };
  const measure: TaskKind = {
    kind: 'measure',
    after: ['merge'],
    downstream: true,
    plan: () => Promise.resolve(['OrderTotal']),
    async run(ctx) {
      const wh = await core.warehouse.open(ctx.instance);
      const [row] = await wh.query('SELECT sum(amount)::DOUBLE AS v FROM shop_orders');
      await core.recordMetric({
        instance: ctx.instance,
        metricKind: 'measure',
        metricName: 'OrderTotal',
        jobId: ctx.jobId,
        observedAt: ctx.now().toISOString(),
        value: row!.v === null ? null : Number(row!.v),
        details: { kind: 'scalar', owners: ['finance@example.com'] },
      });
      return { ok: true, warnings: false };
    },
  };
  return [merge, segment, measure];
}

async function put(name: string, def: Record<string, unknown>): Promise<void> {
  const res = await app.http.inject({
    method: 'PUT',
    url: `/v1/instances/default/manage/datasources/${name}`,
    headers: auth,
    payload: def,
  });
  assert.ok(res.statusCode === 201 || res.statusCode === 200, res.body);
}

function writePeople(n: number): void {
  const rows = Array.from({ length: n }, (_, i) => `${i + 1},person${i + 1}`);
  writeFileSync(join(app.dir, 'people.csv'), `id,name\n${rows.join('\n')}\n`);
}

/** Runs a job to its end and delivers what it caused; returns the requests received meanwhile. */
async function refresh(
  submissionKind: 'onDemand' | 'scheduled',
  identifiers: string[] = [],
): Promise<Received[]> {
  const before = rx.received.length;
  const r = await app.refresh.submit({ instance: 'default', submissionKind, identifiers });
  assert.ok(r.ok);
  await app.refresh.waitFor(r.value.jobId);
  await deliverAt(app, new Date());
  return rx.received.slice(before);
}

const of = (received: Received[], path: string) => received.filter((r) => r.path === path);

before(async () => {
  app = await startTestApp(
    { TRIBUTARY_ALLOW_PRIVATE_TARGETS: 'true', TRIBUTARY_TASK_MAX_ATTEMPTS: '3' },
    { extraTaskKinds: stageKinds },
  );
  rx = await Receiver.start();
  writePeople(3);
  writeFileSync(join(app.dir, 'orders.csv'), 'id,amount\n1,10\n2,20\n');
  await put('crm', {
    name: 'crm',
    owners: ['crm@example.com'],
    tables: [
      { name: 'people', format: 'csv', path: join(app.dir, 'people.csv'), primaryKey: 'id' },
    ],
  });
  await put('shop', {
    name: 'shop',
    owners: ['shop@example.com'],
    tables: [
      { name: 'orders', format: 'csv', path: join(app.dir, 'orders.csv'), primaryKey: 'id' },
    ],
  });
});

after(async () => {
  await rx.close();
  await app.dispose();
});

void describe('triggers fired by real refreshes', () => {
  void it('datasource.refresh.succeeded, unification.completed; no scheduled event for an on-demand job', async () => {
    await subscribe(app, { event: 'datasource.refresh.succeeded', url: rx.url('/ok') });
    await subscribe(app, { event: 'unification.completed', url: rx.url('/unified') });
    await subscribe(app, { event: 'refresh.scheduled.completed', url: rx.url('/scheduled') });
    const got = await refresh('onDemand');
    const ok = of(got, '/ok').map((r) => r.json.data);
    assert.deepEqual(ok.map((d) => d.source).sort(), ['crm', 'shop']);
    const crm = ok.find((d) => d.source === 'crm')!;
    assert.deepEqual(crm.tables, ['people']);
    assert.equal(crm.status, 'successful');
    assert.equal(crm.submissionKind, 'onDemand');
    assert.equal(crm.rowsRead, 3);
    assert.equal(crm.rowsRejected, 0);
    assert.equal(crm.attempts, 1);
    assert.deepEqual(crm.owners, ['crm@example.com']);
    assert.equal(typeof crm.jobId, 'string');
    const unified = of(got, '/unified');
    assert.equal(unified.length, 1);
    assert.deepEqual(unified[0]!.json.data.profiles, {
      total: 120,
      created: 4,
      kept: 113,
      merged: 3,
      split: 0,
    });
    assert.equal(of(got, '/scheduled').length, 0, 'on-demand jobs never fire it');
  });

  void it('refresh.scheduled.completed for a scheduled full job, with the per-task summary', async () => {
    const got = await refresh('scheduled');
    const [ev] = of(got, '/scheduled');
    assert.ok(ev);
    assert.equal(ev.json.data.status, 'successful');
    assert.equal(ev.json.data.jobType, 'full');
    const tasks = ev.json.data.tasks as { kind: string; target: string | null; status: string }[];
    assert.deepEqual(tasks.map((t) => `${t.kind}:${t.target}:${t.status}`).sort(), [
      'ingest:crm:successful',
      'ingest:shop:successful',
      'measure:OrderTotal:successful',
      'merge:null:successful',
      'segment:Vip:successful',
      'snapshot:null:successful',
    ]);
    assert.equal(
      of(await refresh('scheduled', ['crm']), '/scheduled').length,
      0,
      'a scoped job is not a full refresh',
    );
  });

  void it('datasource.refresh.failed once when a file disappears, and once after retries for an unreachable database', async () => {
    await subscribe(app, { event: 'datasource.refresh.failed', url: rx.url('/failed') });
    await subscribe(app, {
      event: 'datasource.refresh.failed',
      url: rx.url('/failed-crm'),
      source: 'crm',
    });
    await put('warehouse', {
      name: 'warehouse',
      kind: 'postgres',
      connection: { connectionString: 'postgres://u:p@127.0.0.1:1/db', connectTimeoutMs: 200 },
      tables: [{ name: 'accounts', table: 'public.accounts', primaryKey: 'id' }],
    });
    rmSync(join(app.dir, 'orders.csv'));
    const got = await refresh('onDemand');
    const failed = of(got, '/failed').map((r) => r.json.data);
    assert.deepEqual(failed.map((d) => d.source).sort(), ['shop', 'warehouse']);
    const shop = failed.find((d) => d.source === 'shop')!;
    assert.equal(shop.status, 'failed');
    assert.equal((shop.error as { code: string }).code, 'TRIB_ERR_SOURCE_MISSING');
    assert.deepEqual(shop.tables, ['orders']);
    assert.deepEqual(shop.owners, ['shop@example.com']);
    const pg = failed.find((d) => d.source === 'warehouse')!;
    assert.equal(
      pg.attempts,
      3,
      'failed after its retries, one event (failedRetrying never fires)',
    );
    assert.equal((pg.error as { code: string }).code, 'TRIB_ERR_SOURCE_UNREACHABLE');
    assert.equal(of(got, '/failed-crm').length, 0, 'the source filter holds');
    assert.deepEqual(
      of(got, '/ok').map((r) => r.json.data.source),
      ['crm'],
    );
    await app.http.inject({
      method: 'DELETE',
      url: '/v1/instances/default/manage/datasources/warehouse',
      headers: auth,
    });
    writeFileSync(join(app.dir, 'orders.csv'), 'id,amount\n1,10\n');
  });

  void it('segment.threshold.crossed fires once when the segment grows past it, not again while above, again after falling back', async () => {
    // The baseline is the latest count when subscribing (3 members): subscribing never fires.
    const sub = await subscribe(app, {
      event: 'segment.threshold.crossed',
      url: rx.url('/vip'),
      segment: 'Vip',
      threshold: 4,
    });
    const counts = [5, 6, 4, 2, 7];
    const fired: number[] = [];
    for (const n of counts) {
      writePeople(n);
      const got = of(await refresh('onDemand', ['crm']), '/vip');
      fired.push(got.length);
      if (got.length > 0) {
        assert.equal(got[0]!.json.data.currentCount, n);
        assert.deepEqual(got[0]!.json.data.owners, ['vip@example.com']);
      }
    }
    assert.deepEqual(fired, [1, 0, 0, 0, 1]);
    const state = await app.state.getTriggerState(sub.id);
    assert.deepEqual([state!.lastValue, state!.armed], [7, false]);
  });

  void it('measure.threshold.crossed fires when a scalar measure crosses above its threshold', async () => {
    // Baseline: the latest value when subscribing (10 + 20 from the last good shop ingest).
    await subscribe(app, {
      event: 'measure.threshold.crossed',
      url: rx.url('/total'),
      measure: 'OrderTotal',
      threshold: 35,
    });
    writeFileSync(join(app.dir, 'orders.csv'), 'id,amount\n1,10\n2,20\n3,20.5\n');
    const [ev] = of(await refresh('onDemand', ['shop']), '/total');
    assert.ok(ev);
    assert.equal(ev.json.data.measure, 'OrderTotal');
    assert.equal(ev.json.data.previousValue, 30);
    assert.equal(ev.json.data.currentValue, 50.5);
    assert.equal(of(await refresh('onDemand', ['shop']), '/total').length, 0);
  });
});
