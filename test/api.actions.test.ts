/**
 * The connector's actions over real HTTP: connections and scopes, instance isolation, the rate
 * limit with a controlled clock, OData reads with keyset paging across a table swap, real-time
 * writes (show at once, expire, superseded by a refresh, never touch segments), partitions and
 * status reports.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { indexEntityKeys, reconcileOverlay, snapshotEntities } from '../src/odata/index.js';
import { startTestApp, type TestApp } from './support/app.js';
import { createActivities, createCustomers, createMembership } from './support/entities.js';

const admin = { authorization: 'Bearer test-admin-key' };
type Json = Record<string, unknown>;

void describe('actions API', () => {
  let app: TestApp;
  let base: string;
  let clock = Date.parse('2026-07-01T12:00:00.000Z');
  const call = async (
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
  ): Promise<{ status: number; body: Json; headers: Headers }> => {
    const res = await fetch(path.startsWith('http') ? path : `${base}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.headers ?? admin),
        ...(init.body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? (JSON.parse(text) as Json) : {},
      headers: res.headers,
    };
  };
  const data = '/v1/instances/default/data';
  const items = async (query: string): Promise<Json[]> => {
    const r = await call(`${data}/Customer?${query}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.value as Json[];
  };
  const createKey = async (body: Json): Promise<{ id: string; key: string }> => {
    const r = await call('/v1/connections', { method: 'POST', body });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: string; key: string };
  };

  before(async () => {
    app = await startTestApp({}, { now: () => new Date(clock) });
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
    await app.state.createInstance({ name: 'other', createdAt: new Date(clock).toISOString() });
    const wh = await app.warehouse.open('default');
    await createCustomers(wh, 30);
    await createActivities(wh);
    await createMembership(wh, [
      ['vip', 'c-001'],
      ['vip', 'c-002'],
      ['lapsed', 'c-002'],
    ]);
  });
  after(() => app.dispose());

  void it('creates a connection whose key is shown once, stored hashed, and works in both headers', async () => {
    const created = await createKey({ name: 'flows', instances: ['default'], scopes: ['read'] });
    assert.match(created.key, /^trbk_[0-9a-f]{16}_/);
    const stored = await app.state.getConnection(created.id);
    assert.equal(stored?.keyHash, createHash('sha256').update(created.key).digest('hex'));
    const listed = await call('/v1/connections');
    assert.ok(!JSON.stringify(listed.body).includes(created.key));
    assert.equal(
      (await call('/v1/instances', { headers: { authorization: `Bearer ${created.key}` } })).status,
      200,
    );
    const viaSub = await call('/v1/instances', {
      headers: { 'ocp-apim-subscription-key': created.key },
    });
    assert.deepEqual(
      (viaSub.body.value as Json[]).map((i) => i.name),
      ['default'],
    );
  });

  void it('hides other instances (404), enforces scopes (403) and stops a revoked key (401)', async () => {
    const other = await createKey({
      name: 'other only',
      instances: ['other'],
      scopes: ['read', 'write'],
    });
    const h = { authorization: `Bearer ${other.key}` };
    const hidden = await call(`${data}/Customer`, { headers: h });
    assert.equal(hidden.status, 404);
    assert.equal(hidden.body.code, 'TRIB_ERR_NOT_FOUND');
    assert.equal((await call('/v1/instances/nope/data/Customer', { headers: h })).status, 404);
    const reader = await createKey({ name: 'reader', instances: ['*'], scopes: ['read'] });
    const r = { authorization: `Bearer ${reader.key}` };
    assert.equal((await call(`${data}/Customer?$top=1`, { headers: r })).status, 200);
    const denied = await call(`${data}/Customer/c-001`, {
      method: 'PATCH',
      headers: r,
      body: { City: 'Oslo' },
    });
    assert.equal(denied.status, 403);
    assert.equal((await call('/v1/connections', { headers: r })).status, 403);
    assert.equal((await call(`/v1/connections/${reader.id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await call(`/v1/connections/${reader.id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await call(`${data}/Customer`, { headers: r })).status, 401);
    assert.equal(
      (
        await call(`${data}/Customer`, {
          headers: { authorization: 'Bearer trbk_0000000000000000_nope-nope-nope-nope-nope' },
        })
      ).status,
      401,
    );
    const bad = await call('/v1/connections', {
      method: 'POST',
      body: { name: 'x', instances: ['default'], scopes: ['root'] },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'body/scopes/0');
    const unknown = await call('/v1/connections', {
      method: 'POST',
      body: { name: 'x', instances: ['ghost'], scopes: ['read'] },
    });
    assert.equal(unknown.body.field, 'body/instances/0');
  });

  void it('limits a connection to its calls per window, with headers and Retry-After; health is free', async () => {
    const limited = await createKey({
      name: 'limited',
      instances: ['default'],
      scopes: ['read'],
      rateLimit: { calls: 3, windowSeconds: 60 },
    });
    const h = { authorization: `Bearer ${limited.key}` };
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await call('/v1/instances', { headers: h });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('ratelimit-policy'), '"conn";q=3;w=60');
      seen.push(r.headers.get('ratelimit') ?? '');
      clock += 10_000;
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      assert.equal((await fetch(`${base}/v1/openapi.json`)).status, 200);
    }
    assert.deepEqual(seen, ['"conn";r=2;t=60', '"conn";r=1;t=50', '"conn";r=0;t=40']);
    const over = await call('/v1/instances', { headers: h });
    assert.equal(over.status, 429);
    assert.equal(over.headers.get('retry-after'), '30');
    assert.equal(over.body.code, 'TRIB_ERR_RATE_LIMITED');
    clock += 29_999;
    assert.equal((await call('/v1/instances', { headers: h })).status, 429);
    clock += 1;
    assert.equal((await call('/v1/instances', { headers: h })).status, 200);
  });

  void it('lists entities with kind, key, columns, collections and row counts', async () => {
    const r = await call('/v1/instances/default/manage/entities');
    const byName = new Map((r.body.value as Json[]).map((e) => [e.name, e]));
    assert.deepEqual([...byName.keys()], ['Customer', 'UnifiedActivity', 'SegmentMembership']);
    const c = byName.get('Customer')!;
    assert.deepEqual(
      [c.kind, c.key, c.rowCount, c.collections],
      ['profile', ['CustomerId'], 30, ['Segments']],
    );
    assert.deepEqual((c.columns as Json[])[3], { name: 'LoyaltyPoints', type: 'INTEGER' });
  });

  void it('answers Get items with $filter, $select, $orderby, $top, $skip and $count', async () => {
    const r = await call(
      `${data}/Customer?$filter=${encodeURIComponent("City eq 'Oslo' and LoyaltyPoints ge 100")}&$select=CustomerId,City,JoinedOn,CreatedAt&$orderby=LoyaltyPoints desc&$top=2&$count=true`,
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body['@odata.count'], 4);
    assert.match(
      String(r.body['@odata.context']),
      /\/v1\/instances\/default\/data\/\$metadata#Customer$/,
    );
    assert.deepEqual(r.body.value, [
      {
        CustomerId: 'c-024',
        City: 'Oslo',
        JoinedOn: '2024-01-25',
        CreatedAt: '2025-01-02T00:00:00.000Z',
      },
      {
        CustomerId: 'c-020',
        City: 'Oslo',
        JoinedOn: '2024-01-21',
        CreatedAt: '2025-01-01T20:00:00.000Z',
      },
    ]);
    assert.ok(new URL(String(r.body['@odata.nextLink'])).searchParams.has('$skiptoken'));
    assert.deepEqual(
      (await items('$select=CustomerId&$skip=28')).map((x) => x.CustomerId),
      ['c-028', 'c-029'],
    );
    assert.deepEqual(
      (
        await items(
          `$filter=${encodeURIComponent("Segments/any(s: s eq 'vip')")}&$select=CustomerId`,
        )
      ).map((x) => x.CustomerId),
      ['c-001', 'c-002'],
    );
    const seg = await call(
      `${data}/SegmentMembership?$filter=${encodeURIComponent("CustomerId eq 'c-002'")}&$orderby=Segment`,
    );
    assert.deepEqual(
      (seg.body.value as Json[]).map((m) => m.Segment),
      ['lapsed', 'vip'],
    );
    const one = await call(`${data}/Customer/c-003`);
    assert.deepEqual(
      [one.body.CustomerId, one.body.City, one.body.PreviousCustomerId],
      ['c-003', 'Madrid', []],
    );
    assert.equal((await call(`${data}/Customer/c-999`)).status, 404);
  });

  const problems: [string, number, string, RegExp][] = [
    [
      `Customer?$filter=${encodeURIComponent("City eq 'Oslo' and")}`,
      400,
      'querystring/$filter',
      /position 19/,
    ],
    [
      `Customer?$filter=${encodeURIComponent("LoyaltyPoints eq '10'")}`,
      400,
      'querystring/$filter',
      /cannot compare a number with a string using "eq" at position 15/,
    ],
    [
      `Customer?$filter=${encodeURIComponent('Nope eq 1')}`,
      400,
      'querystring/$filter',
      /unknown column "Nope"/,
    ],
    [
      'Customer?$select=CustomerId,Nope',
      400,
      'querystring/$select',
      /unknown column "Nope" at position 12/,
    ],
    [
      'Customer?$orderby=City%20sideways',
      400,
      'querystring/$orderby',
      /expected "<column> \[asc\|desc\]"/,
    ],
    ['Customer?$top=0', 400, 'querystring/$top', /must be >= 1/],
    ['Customer?$top=10001', 400, 'querystring/$top', /must be <= 10000/],
    ['Customer?$skiptoken=garbage', 400, 'querystring/$skiptoken', /follow @odata.nextLink/],
    ['Customer?$bogus=1', 400, 'querystring/$bogus', /unknown field/],
    ['Nothing', 404, 'entity', /no entity "Nothing"/],
    ['_realtime_profile', 404, 'entity', /no entity/],
  ];
  for (const [path, status, field, detail] of problems) {
    void it(`answers ${path} with ${status} naming ${field}`, async () => {
      const r = await call(`${data}/${path}`);
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.equal(r.body.field, field);
      assert.match(String(r.body.detail), detail);
    });
  }

  void it('pages with a keyset that stays correct while a refresh replaces the table between pages', async () => {
    const wh = await app.warehouse.open('default');
    const seen: string[] = [];
    let next: string | undefined =
      `${data}/Customer?$select=CustomerId,LoyaltyPoints&$orderby=LoyaltyPoints desc&$top=7`;
    let pages = 0;
    while (next) {
      const r = await call(next);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      seen.push(...(r.body.value as Json[]).map((x) => String(x.CustomerId)));
      next = r.body['@odata.nextLink'] as string | undefined;
      if (++pages === 2) {
        // A refresh swaps Customer: one row already served and one not yet served disappear, one
        // row appears ahead of the cursor and one behind it.
        await wh.write(async (w) => {
          await w.run(
            `CREATE TABLE "Customer_next" AS SELECT * FROM "Customer" WHERE "CustomerId" NOT IN ('c-029', 'c-003')`,
          );
          await w.run(
            `INSERT INTO "Customer_next" SELECT 'c-new-high', NULL, NULL, 1000, false, NULL, NULL, [] UNION ALL SELECT 'c-new-low', NULL, NULL, 1, false, NULL, NULL, []`,
          );
          await w.run('BEGIN TRANSACTION');
          await w.run('DROP TABLE "Customer"');
          await w.run('ALTER TABLE "Customer_next" RENAME TO "Customer"');
          await w.run('COMMIT');
        });
      }
    }
    assert.equal(new Set(seen).size, seen.length, 'no row served twice');
    const expected = Array.from({ length: 30 }, (_, i) => `c-${String(29 - i).padStart(3, '0')}`)
      .filter((id) => id !== 'c-003')
      .flatMap((id) => (id === 'c-000' ? ['c-new-low', id] : [id]));
    assert.deepEqual(seen, expected);
    await createCustomers(wh, 30);
  });

  void it('reads follow a refresh that changes columns at once (cached column lists and prepared statements end with each write)', async () => {
    const wh = await app.warehouse.open('default');
    const read = async (): Promise<[Json, Json[]]> => [
      (await call(`${data}/Customer/c-004`)).body,
      await items("$filter=CustomerId le 'c-001'&$select=CustomerId,LoyaltyPoints"),
    ];
    const [item, rows] = await read();
    assert.equal(item.LoyaltyPoints, 40);
    assert.equal('Tier' in item, false);
    assert.deepEqual(rows, [
      { CustomerId: 'c-000', LoyaltyPoints: 0 },
      { CustomerId: 'c-001', LoyaltyPoints: 10 },
    ]);
    await wh.write(async (w) => {
      await w.run(`CREATE OR REPLACE TABLE "Customer" AS
        SELECT * REPLACE (CAST("LoyaltyPoints" AS VARCHAR) || ' pts' AS "LoyaltyPoints"), 'gold' AS "Tier"
        FROM "Customer"`);
    });
    const [changed, changedRows] = await read();
    assert.equal(changed.LoyaltyPoints, '40 pts');
    assert.equal(changed.Tier, 'gold');
    assert.deepEqual(changedRows, [
      { CustomerId: 'c-000', LoyaltyPoints: '0 pts' },
      { CustomerId: 'c-001', LoyaltyPoints: '10 pts' },
    ]);
    assert.equal((await items("$filter=Tier eq 'gold'&$top=100")).length, 30);
    await createCustomers(wh, 30);
    assert.equal('Tier' in (await call(`${data}/Customer/c-004`)).body, false);
  });

  void it('Update item shows a profile change at once, until validUntil, without touching segments', async () => {
    const before = await call(`${data}/SegmentMembership?$count=true`);
    const patched = await call(`${data}/Customer/c-005`, {
      method: 'PATCH',
      body: {
        City: 'Oslo',
        LoyaltyPoints: 999,
        validUntil: new Date(clock + 3_600_000).toISOString(),
      },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.deepEqual(
      [patched.body.City, patched.body.LoyaltyPoints, patched.body.FirstName],
      ['Oslo', 999, 'First5'],
    );
    assert.deepEqual(
      (await items(`$filter=${encodeURIComponent('LoyaltyPoints eq 999')}&$select=CustomerId`)).map(
        (x) => x.CustomerId,
      ),
      ['c-005'],
    );
    assert.deepEqual((await call(`${data}/SegmentMembership?$count=true`)).body, before.body);
    const wh = await app.warehouse.open('default');
    assert.equal(
      (await wh.query(`SELECT "LoyaltyPoints" FROM "Customer" WHERE "CustomerId" = 'c-005'`))[0]
        ?.LoyaltyPoints,
      50,
    );
    clock += 3_600_000;
    assert.equal((await call(`${data}/Customer/c-005`)).body.LoyaltyPoints, 50);
  });

  void it('refuses bad real-time writes without changing data', async () => {
    const cases: [string, string, Json, number, string][] = [
      [
        'PATCH',
        'Customer/c-006',
        { City: 'Oslo', validUntil: new Date(clock + 31 * 86_400_000).toISOString() },
        400,
        'body/validUntil',
      ],
      ['PATCH', 'Customer/c-006', { LoyaltyPoints: 'many' }, 400, 'body/LoyaltyPoints'],
      ['PATCH', 'Customer/c-006', { CustomerId: 'c-x' }, 400, 'body/CustomerId'],
      ['PATCH', 'Customer/c-006', { Shoe: 42 }, 400, 'body/Shoe'],
      ['PATCH', 'Customer/c-999', { City: 'Oslo' }, 404, 'key'],
      ['POST', 'Customer', { CustomerId: 'c-x' }, 405, 'entity'],
      ['PATCH', 'UnifiedActivity/shop_orders:1', { Amount: 1 }, 405, 'entity'],
      ['DELETE', 'Customer/c-006', {}, 405, 'entity'],
      ['POST', 'UnifiedActivity', { CustomerId: 'c-001' }, 400, 'body/ActivityType'],
      [
        'POST',
        'UnifiedActivity',
        { ActivityId: 'shop_orders:1', CustomerId: 'c-001', ActivityType: 'Purchase' },
        409,
        'body/ActivityId',
      ],
    ];
    for (const [method, path, body, status, field] of cases) {
      const r = await call(`${data}/${path}`, { method, body });
      assert.equal(r.status, status, `${method} ${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.field, field);
    }
    const big = await fetch(`${base}${data}/UnifiedActivity`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ ActivityType: 'x'.repeat(2_000_000) }),
    });
    assert.equal(big.status, 413);
    assert.equal((await call(`${data}/Customer/c-006`)).body.City, 'Berlin');
    assert.equal(
      (await call(`${data}/UnifiedActivity?$count=true&$top=1`)).body['@odata.count'],
      10,
    );
  });

  void it('a refresh bringing the same change supersedes it; a later source change then wins', async () => {
    const wh = await app.warehouse.open('default');
    await call(`${data}/Customer/c-010`, { method: 'PATCH', body: { City: 'Lisbon' } });
    await call(`${data}/Customer/c-011`, { method: 'PATCH', body: { City: 'Lisbon' } });
    await wh.write((w) =>
      w.run(`UPDATE "Customer" SET "City" = 'Lisbon' WHERE "CustomerId" = 'c-010'`),
    );
    // Two changes of c-005 expired in an earlier test; c-010's is superseded; c-011's stays.
    assert.deepEqual(await reconcileOverlay(wh, new Date(clock)), {
      profileChanges: 3,
      activities: 0,
    });
    await wh.write((w) =>
      w.run(`UPDATE "Customer" SET "City" = 'Porto' WHERE "CustomerId" IN ('c-010', 'c-011')`),
    );
    assert.equal((await call(`${data}/Customer/c-010`)).body.City, 'Porto');
    assert.equal((await call(`${data}/Customer/c-011`)).body.City, 'Lisbon');
  });

  void it('Create item adds an activity at once; a refresh with the same ActivityId supersedes it', async () => {
    const created = await call(`${data}/UnifiedActivity`, {
      method: 'POST',
      body: {
        ActivityId: 'pos:77',
        CustomerId: 'c-001',
        ActivityType: 'Purchase',
        Amount: 12.5,
        Timestamp: '2026-07-01T11:00:00Z',
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(
      created.headers.get('location'),
      '/v1/instances/default/data/UnifiedActivity/pos%3A77',
    );
    assert.deepEqual(
      [created.body.Amount, created.body.Timestamp, created.body.Source],
      [12.5, '2026-07-01T11:00:00.000Z', 'realtime'],
    );
    const list = await call(
      `${data}/UnifiedActivity?$filter=${encodeURIComponent("CustomerId eq 'c-001'")}&$orderby=Timestamp desc&$select=ActivityId`,
    );
    assert.deepEqual(
      (list.body.value as Json[]).map((a) => a.ActivityId),
      ['pos:77', 'shop_orders:6', 'shop_orders:1'],
    );
    const wh = await app.warehouse.open('default');
    await wh.write((w) =>
      w.run(
        `INSERT INTO "UnifiedActivity" VALUES ('pos:77', 'c-001', 'Purchase', TIMESTAMP '2026-07-01 11:00:00', 12.5, 'pos', 'pos_sales', 'EUR')`,
      ),
    );
    assert.deepEqual(await reconcileOverlay(wh, new Date(clock)), {
      profileChanges: 0,
      activities: 1,
    });
    assert.equal(
      (await call(`${data}/UnifiedActivity?$count=true&$top=1`)).body['@odata.count'],
      11,
    );
  });

  void it('writes full and incremental partitions per refresh and serves their rows', async () => {
    const wh = await app.warehouse.open('default');
    const snap = (jobId: string): Promise<unknown> =>
      snapshotEntities({
        state: app.state,
        wh,
        instance: 'default',
        dataDir: app.config.dataDir,
        jobId,
        now: new Date(clock),
      });
    await snap('job1');
    await wh.write(async (w) => {
      await w.run(`DELETE FROM "Customer" WHERE "CustomerId" = 'c-000'`);
      await w.run(`UPDATE "Customer" SET "City" = 'Rome' WHERE "CustomerId" = 'c-001'`);
    });
    clock += 1000;
    await snap('job2');
    const v1 = await call('/v1/instances/default/manage/entities/Customer/partitions');
    assert.deepEqual(
      (v1.body.value as Json[]).map((p) => [p.kind, p.refreshJobId, p.rowCount]),
      [
        ['full', 'job2', 29],
        ['full', 'job1', 30],
      ],
    );
    const v2 = await call('/v2/instances/default/manage/entities/Customer/partitions');
    const latest = (v2.body.value as Json[]).filter((p) => p.refreshJobId === 'job2');
    assert.deepEqual(
      latest.map((p) => [p.kind, p.rowCount]),
      [
        ['full', 29],
        ['upsert', 1],
        ['delete', 1],
      ],
    );
    const upsert = await call(
      `/v1/instances/default/manage/entities/Customer/partitions/${String(latest[1]!.partitionId)}/data`,
    );
    assert.deepEqual(
      (upsert.body.value as Json[]).map((r) => [r.CustomerId, r.City]),
      [['c-001', 'Rome']],
    );
    const page = await call(
      `/v1/instances/default/manage/entities/Customer/partitions/${String(latest[0]!.partitionId)}/data?$top=20`,
    );
    assert.equal((page.body.value as Json[]).length, 20);
    const rest = await call(String(page.body['@odata.nextLink']));
    assert.equal((rest.body.value as Json[]).length, 9);
    assert.equal(
      (await call('/v1/instances/default/manage/entities/Customer/partitions/x.full/data')).status,
      404,
    );
  });

  void it('indexes one-column entity keys so Get item is a point lookup', async () => {
    const wh = await app.warehouse.open('default');
    assert.equal(await indexEntityKeys(app.state, wh, 'default'), 2);
    assert.equal(await indexEntityKeys(app.state, wh, 'default'), 2);
    const names = await wh.query(`SELECT index_name FROM duckdb_indexes() ORDER BY index_name`);
    assert.deepEqual(
      names.map((n) => n.index_name),
      ['Customer__key', 'UnifiedActivity__key'],
    );
    assert.equal((await call(`${data}/Customer/c-004`)).body.CustomerId, 'c-004');
  });

  void it('records status reports (V1 and V2) in the status history', async () => {
    const v1 = await call('/v1/instances/default/statusreports', {
      method: 'POST',
      body: { reportType: 'export', status: 'failed', message: 'SFTP refused' },
    });
    assert.equal(v1.status, 201, JSON.stringify(v1.body));
    clock += 1000;
    const v2 = await call('/v2/instances/default/statusreports', {
      method: 'POST',
      body: { reportType: 'export', status: 'successful', runId: 'run-9', details: { rows: 120 } },
    });
    assert.equal(v2.status, 201);
    const bad = await call('/v1/instances/default/statusreports', {
      method: 'POST',
      body: { reportType: 'export', status: 'fine' },
    });
    assert.equal(bad.body.field, 'body/status');
    assert.equal(
      (
        await call('/v1/instances/default/statusreports', {
          method: 'POST',
          body: { reportType: 'x', status: 'failed', runId: 'r' },
        })
      ).body.field,
      'body/runId',
    );
    const list = await call('/v1/instances/default/statusreports');
    assert.deepEqual(
      (list.body.value as Json[]).map((r) => [r.status, r.runId, r.details, r.connectionId]),
      [
        ['successful', 'run-9', { rows: 120 }, 'admin'],
        ['failed', null, null, 'admin'],
      ],
    );
  });
});
