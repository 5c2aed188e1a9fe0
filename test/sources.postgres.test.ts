import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { auth, startTestApp, type TestApp } from './support/app.js';
import {
  available,
  freePort,
  skipReason,
  startCluster,
  type PgCluster,
} from './support/postgres.js';

if (!available) console.log(`skipping the PostgreSQL source tests: ${skipReason}`);

const ROWS = 2750;

interface Task {
  status: string;
  attempts: number;
  rowsRead: number | null;
  error: { code: string; message: string } | null;
}

async function putSource(app: TestApp, def: { name: string } & Record<string, unknown>) {
  const res = await app.http.inject({
    method: 'PUT',
    url: `/v1/instances/default/manage/datasources/${def.name}`,
    headers: auth,
    payload: def,
  });
  assert.ok(res.statusCode === 200 || res.statusCode === 201, res.body);
}

async function refresh(app: TestApp, source: string): Promise<{ status: string; task: Task }> {
  const res = await app.http.inject({
    method: 'POST',
    url: `/v1/instances/default/workflows/main/jobs?operationType=ingestion&identifiers=${source}`,
    headers: auth,
  });
  assert.equal(res.statusCode, 202, res.body);
  const { jobId } = res.json<{ jobId: string }>();
  await app.refresh.waitFor(jobId);
  const job = await app.http.inject({
    url: `/v1/instances/default/workflows/main/jobs/${jobId}`,
    headers: auth,
  });
  const body = job.json<{ status: string; tasks: Task[] }>();
  assert.equal(body.tasks.length, 1);
  return { status: body.status, task: body.tasks[0]! };
}

void describe('PostgreSQL sources', { skip: available ? false : skipReason }, () => {
  let cluster: PgCluster | undefined;
  let connectionString: string;
  let app: TestApp;
  const progress: { table?: string; rows: number }[] = [];

  const source = (name: string, conn: string, extra: Record<string, unknown> = {}) => ({
    name,
    kind: 'postgres',
    connection: { connectionString: conn, ...extra },
    tables: [
      { name: 't', table: 'public.t', primaryKey: 'id' },
      {
        name: 'q',
        query: 'SELECT id, name, amount * 2 AS doubled FROM public.t WHERE id <= 1000',
        primaryKey: 'id',
      },
    ],
  });

  before(async () => {
    cluster = await startCluster('tributary-pg-');
    connectionString = cluster.url();
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      await client.query(`
        CREATE TABLE public.t (
          id int PRIMARY KEY, big bigint, name text, amount numeric(12, 2), active boolean,
          day date, at timestamptz, doc jsonb);
        INSERT INTO public.t
        SELECT i,
               CASE WHEN i % 100 <> 0 THEN i * 10000000000 END,
               CASE WHEN i % 100 <> 0 THEN 'name ' || i || CASE WHEN i % 7 = 0 THEN ' O''Neil, "q"' ELSE '' END END,
               CASE WHEN i % 100 <> 0 THEN i * 1.25 END,
               CASE WHEN i % 100 <> 0 THEN i % 2 = 0 END,
               CASE WHEN i % 100 <> 0 THEN DATE '2024-01-01' + i END,
               CASE WHEN i % 100 <> 0 THEN TIMESTAMPTZ '2024-01-01 00:00:00+00' + i * INTERVAL '1 minute' END,
               CASE WHEN i % 100 <> 0 THEN jsonb_build_object('i', i, 'tags', jsonb_build_array('a', 'b')) END
        FROM generate_series(1, ${ROWS}) AS s(i);`);
    } finally {
      await client.end();
    }
    app = await startTestApp(
      { TRIBUTARY_PG_BATCH_ROWS: '500', TRIBUTARY_RETRY_BASE_DELAY_MS: '1' },
      { listener: { onTaskProgress: (_job, _task, p) => progress.push(p) } },
    );
  });

  after(async () => {
    await app?.dispose();
    cluster?.stop();
  });

  const query = async (sql: string) => (await app.warehouse.open('default')).query(sql);

  void it('ingests a table and a query in batches with mapped DuckDB types and exact values', async () => {
    await putSource(app, source('crm', connectionString));
    const { status, task } = await refresh(app, 'crm');
    assert.equal(status, 'successful', JSON.stringify(task.error));
    assert.equal(task.rowsRead, ROWS + 1000);

    const types = await query(
      `SELECT table_name || '.' || column_name || ' ' || data_type AS c FROM information_schema.columns
       WHERE table_name IN ('crm_t', 'crm_q') ORDER BY table_name DESC, ordinal_position`,
    );
    assert.deepEqual(
      types.map((r) => r.c),
      [
        'crm_t.id INTEGER',
        'crm_t.big BIGINT',
        'crm_t.name VARCHAR',
        'crm_t.amount DECIMAL(38,10)',
        'crm_t.active BOOLEAN',
        'crm_t.day DATE',
        'crm_t.at TIMESTAMP WITH TIME ZONE',
        'crm_t.doc JSON',
        'crm_q.id INTEGER',
        'crm_q.name VARCHAR',
        'crm_q.doubled DECIMAL(38,10)',
      ],
    );

    const [totals] = await query(
      `SELECT count(*) AS n, sum(id) AS ids, count(big) AS bigs, sum(big)::VARCHAR AS big_sum,
              count(name) AS names, sum(amount)::VARCHAR AS amounts, count(*) FILTER (WHERE active) AS actives,
              count(day) AS days, count("at") AS ats, count(doc) AS docs
       FROM crm_t`,
    );
    const nonNull = ROWS - Math.floor(ROWS / 100);
    const idSum = (ROWS * (ROWS + 1)) / 2;
    const nullIdSum = (100 * (27 * 28)) / 2; // ids 100, 200, ..., 2700
    assert.deepEqual(totals, {
      n: ROWS,
      ids: idSum,
      bigs: nonNull,
      big_sum: (BigInt(idSum - nullIdSum) * 10_000_000_000n).toString(),
      names: nonNull,
      amounts: ((idSum - nullIdSum) * 1.25).toFixed(10),
      actives: 1375 - 27,
      days: nonNull,
      ats: nonNull,
      docs: nonNull,
    });

    const [row] = await query(
      `SELECT id, big, name, amount::VARCHAR AS amount, active, day, epoch_ms("at") AS at_ms,
              doc->>'i' AS doc_i, json_array_length(doc->'tags') AS tags
       FROM crm_t WHERE id = 7`,
    );
    assert.ok(row);
    assert.ok(row.day instanceof Date);
    assert.deepEqual(
      { ...row, day: row.day.toISOString() },
      {
        id: 7,
        big: 70_000_000_000,
        name: `name 7 O'Neil, "q"`,
        amount: '8.7500000000',
        active: false,
        day: '2024-01-08T00:00:00.000Z',
        at_ms: Date.UTC(2024, 0, 1, 0, 7),
        doc_i: '7',
        tags: 2,
      },
    );
    const [empty] = await query(
      `SELECT big, name, amount, active, day, "at", doc FROM crm_t WHERE id = 200`,
    );
    assert.deepEqual(Object.values(empty ?? { missing: true }), Array(7).fill(null));

    const [q] = await query(
      `SELECT count(*) AS n, max(id) AS m, max(doubled)::VARCHAR AS d FROM crm_q`,
    );
    assert.deepEqual(q, { n: 1000, m: 1000, d: '2497.5000000000' });

    const batches = progress.filter((p) => p.table === 't').map((p) => p.rows);
    for (const n of [500, 1000, 1500, 2000, 2500, ROWS]) {
      assert.ok(batches.includes(n), `progress after ${n} rows: ${batches.join(', ')}`);
    }
  });

  void it('fails an unreachable server after 3 attempts and keeps the ingested data', async () => {
    await putSource(app, source('flaky', connectionString));
    assert.equal((await refresh(app, 'flaky')).status, 'successful');
    const [before] = await query('SELECT count(*) AS n FROM flaky_t');
    assert.equal(before?.n, ROWS);

    const closed = `postgres://postgres@127.0.0.1:${await freePort()}/postgres`;
    await putSource(app, source('flaky', closed, { connectTimeoutMs: 500 }));
    const { status, task } = await refresh(app, 'flaky');
    assert.equal(status, 'failed');
    assert.equal(task.status, 'failed');
    assert.equal(task.attempts, 3);
    assert.equal(task.error?.code, 'TRIB_ERR_SOURCE_UNREACHABLE');
    assert.match(task.error?.message ?? '', /ECONNREFUSED|refused/i);
    const [t] = await query('SELECT count(*) AS n FROM flaky_t');
    const [q] = await query('SELECT count(*) AS n FROM flaky_q');
    assert.deepEqual([t?.n, q?.n], [ROWS, 1000], 'both tables keep the last good load');
  });
});
