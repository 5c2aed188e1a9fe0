import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { auth, startTestApp, type TestApp } from './support/app.js';

type Table = Record<string, unknown>;
interface Run {
  job: string;
  status: string;
  attempts: number;
  rowsRead: number | null;
  rowsRejected: number | null;
  error: { code: string; message: string } | null;
  details: { tables?: { nullKeys: number; duplicateKeys: number }[] } | null;
}
interface Corrupt {
  file: string | null;
  line: number | null;
  reason: string;
  raw: string;
}

/** A table `t` read from `path`, CSV with key `id` unless `extra` says otherwise. */
const table = (path: string, extra: Table = {}): Table => ({
  name: 't',
  format: 'csv',
  path,
  primaryKey: 'id',
  ...extra,
});

async function putSource(app: TestApp, name: string, tables: Table | Table[]): Promise<void> {
  const res = await app.http.inject({
    method: 'PUT',
    url: `/v1/instances/default/manage/datasources/${name}`,
    headers: auth,
    payload: { name, tables: Array.isArray(tables) ? tables : [tables] },
  });
  assert.ok(res.statusCode === 200 || res.statusCode === 201, res.body);
}

async function submit(app: TestApp, source: string): Promise<string> {
  const res = await app.http.inject({
    method: 'POST',
    url: `/v1/instances/default/workflows/main/jobs?operationType=ingestion&identifiers=${source}`,
    headers: auth,
  });
  assert.equal(res.statusCode, 202, res.body);
  return res.json<{ jobId: string }>().jobId;
}

/** Runs an ingestion job for `source` and returns its one task, with the job's status as `job`. */
async function refresh(app: TestApp, source: string): Promise<Run> {
  const jobId = await submit(app, source);
  await app.refresh.waitFor(jobId);
  const res = await app.http.inject({
    url: `/v1/instances/default/workflows/main/jobs/${jobId}`,
    headers: auth,
  });
  assert.equal(res.statusCode, 200, res.body);
  const job = res.json<{ status: string; tasks: Omit<Run, 'job'>[] }>();
  assert.equal(job.tasks.length, 1);
  return { ...job.tasks[0]!, job: job.status };
}

async function query(app: TestApp, sql: string): Promise<Record<string, unknown>[]> {
  return (await app.warehouse.open('default')).query(sql);
}

async function count(app: TestApp, table: string): Promise<number> {
  const [row] = await query(app, `SELECT count(*) AS n FROM ${table}`);
  return Number(row?.n);
}

async function corrupt(app: TestApp, source: string): Promise<Corrupt[]> {
  const res = await app.http.inject({
    url: `/v1/instances/default/manage/datasources/${source}/corrupt?table=t&$top=1000`,
    headers: auth,
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<{ value: Corrupt[] }>().value;
}

/** `n` rows `id,name,amount` with a header; `bad` lists 1-based data rows given a 4th column. */
function csv(n: number, bad: number[] = [], offset = 0): string {
  const lines = ['id,name,amount'];
  for (let i = 1; i <= n; i++) {
    const row = `${i + offset},name${i},${i}.5`;
    lines.push(bad.includes(i) ? `${row},extra` : row);
  }
  return `${lines.join('\n')}\n`;
}

void describe('file sources ingest through the refresh engine', () => {
  let app: TestApp;
  let files: string;
  const file = (name: string, content?: string): string => {
    const p = join(files, name);
    if (content !== undefined) writeFileSync(p, content);
    return p;
  };

  before(async () => {
    app = await startTestApp();
    files = join(app.dir, 'files');
    mkdirSync(files, { recursive: true });
  });
  after(() => app.dispose());

  void it('reads CSVs with header, delimiter and quote options', async () => {
    const p = file('semi.csv', "id;name;city\n1;'Smith; John';Oslo\n2;'O''Neil';'Bergen'\n");
    const options = { header: true, delimiter: ';', quote: "'" };
    await putSource(app, 'semi', table(p, { options }));
    const r = await refresh(app, 'semi');
    assert.equal(r.job, 'successful');
    assert.equal(r.rowsRead, 2);
    assert.deepEqual(await query(app, 'SELECT id, name, city FROM semi_t ORDER BY id'), [
      { id: 1, name: 'Smith; John', city: 'Oslo' },
      { id: 2, name: "O'Neil", city: 'Bergen' },
    ]);
    const noHeader = table(file('nohead.csv', '10,a\n20,b\n'), {
      primaryKey: 'column0',
      options: { header: false },
    });
    await putSource(app, 'nohead', noHeader);
    assert.equal((await refresh(app, 'nohead')).job, 'successful');
    assert.deepEqual(await query(app, 'SELECT * FROM nohead_t ORDER BY column0'), [
      { column0: 10, column1: 'a' },
      { column0: 20, column1: 'b' },
    ]);
  });

  void it('infers column types: integers come out numeric', async () => {
    const p = file(
      'types.csv',
      'id,name,amount,day\n1,ann,1.25,2024-01-31\n2,bob,3.5,2024-02-29\n',
    );
    await putSource(app, 'typed', table(p));
    assert.equal((await refresh(app, 'typed')).job, 'successful');
    const types = await query(
      app,
      `SELECT column_name || ' ' || data_type AS c FROM information_schema.columns
       WHERE table_name = 'typed_t' ORDER BY ordinal_position`,
    );
    const got = types.map((r) => r.c);
    assert.deepEqual(got, ['id BIGINT', 'name VARCHAR', 'amount DOUBLE', 'day DATE']);
    const [row] = await query(app, 'SELECT id, amount FROM typed_t WHERE id = 2');
    assert.deepEqual(row, { id: 2, amount: 3.5 });
  });

  void it('reads every file matched by a glob', async () => {
    mkdirSync(join(files, 'parts'));
    file('parts/part-1.csv', csv(3));
    file('parts/part-2.csv', csv(4, [], 100));
    file('parts/other.txt', 'not,a,match\n');
    await putSource(app, 'globbed', table(join(files, 'parts', 'part-*.csv')));
    const r = await refresh(app, 'globbed');
    assert.equal(r.job, 'successful');
    assert.equal(r.rowsRead, 7);
    const ids = (await query(app, 'SELECT id FROM globbed_t ORDER BY id')).map((x) => x.id);
    assert.deepEqual(ids, [1, 2, 3, 101, 102, 103, 104]);
  });

  void it('reads a Parquet file with its column types', async () => {
    const p = file('data.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    await con.run(
      `COPY (SELECT i::INTEGER AS id, 'n' || i AS name, DATE '2024-01-01' + i::INTEGER AS day
             FROM range(1, 51) r(i)) TO '${p}' (FORMAT parquet)`,
    );
    con.closeSync();
    db.closeSync();
    await putSource(app, 'pq', table(p, { format: 'parquet' }));
    const r = await refresh(app, 'pq');
    assert.equal(r.job, 'successful');
    assert.equal(r.rowsRead, 50);
    const [row] = await query(app, `SELECT id, name, day FROM pq_t WHERE id = 7`);
    assert.equal(row?.id, 7);
    assert.equal(row?.name, 'n7');
    assert.ok(row?.day instanceof Date, 'a DATE, not a string or a number');
    assert.equal(row.day.toISOString(), '2024-01-08T00:00:00.000Z');
  });

  void it('reads a JSON array file', async () => {
    const data = [
      { id: 1, name: 'ann', tags: ['a'] },
      { id: 2, name: 'bob', tags: [] },
      { id: 3, name: null, tags: ['b', 'c'] },
    ];
    await putSource(app, 'arr', table(file('arr.json', JSON.stringify(data)), { format: 'json' }));
    assert.equal((await refresh(app, 'arr')).job, 'successful');
    assert.deepEqual(await query(app, 'SELECT id, name, len(tags) AS n FROM arr_t ORDER BY id'), [
      { id: 1, name: 'ann', n: 1 },
      { id: 2, name: 'bob', n: 0 },
      { id: 3, name: null, n: 2 },
    ]);
  });

  void it('captures a malformed NDJSON line with its line number and loads the rest', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: i + 1, v: `x${i}` }));
    lines.splice(2, 0, '{"id": 999, "v": oops');
    const p = file('events.ndjson', `${lines.join('\n')}\n`);
    await putSource(app, 'nd', table(p, { format: 'ndjson' }));
    const r = await refresh(app, 'nd');
    assert.equal(r.job, 'completedWithWarnings');
    assert.deepEqual([r.rowsRead, r.rowsRejected], [200, 1]);
    assert.equal(await count(app, 'nd_t'), 200);
    const bad = await corrupt(app, 'nd');
    assert.equal(bad.length, 1);
    assert.deepEqual([bad[0]!.file, bad[0]!.line, bad[0]!.raw], [p, 3, '{"id": 999, "v": oops']);
    assert.match(bad[0]!.reason, /INVALID JSON/);
  });

  void it('captures CSV rows with too many columns; below the ratio the new data is swapped in', async () => {
    const p = file('wide.csv', csv(100));
    await putSource(app, 'wide', table(p));
    assert.equal((await refresh(app, 'wide')).job, 'successful');
    file('wide.csv', csv(200, [50], 1000));
    const r = await refresh(app, 'wide');
    assert.equal(r.job, 'completedWithWarnings');
    assert.equal(r.status, 'completedWithWarnings');
    assert.deepEqual([r.rowsRead, r.rowsRejected], [199, 1]);
    const [row] = await query(app, 'SELECT count(*) AS n, min(id) AS m FROM wide_t');
    assert.deepEqual(row, { n: 199, m: 1001 });
    const bad = await corrupt(app, 'wide');
    assert.equal(bad.length, 1);
    assert.equal(bad[0]!.file, p);
    assert.equal(bad[0]!.line, 51, 'the line in the file, counting the header as line 1');
    assert.match(bad[0]!.reason, /TOO MANY COLUMNS/i);
    assert.equal(bad[0]!.raw, '1050,name50,50.5,extra');
  });

  void it('fails over the corrupt ratio with TRIB_ERR_CORRUPT_RATIO and keeps the old data', async () => {
    const p = file('ratio.csv', csv(100));
    await putSource(app, 'ratio', table(p));
    assert.equal((await refresh(app, 'ratio')).job, 'successful');
    file('ratio.csv', csv(100, [3, 10, 20], 500));
    const r = await refresh(app, 'ratio');
    assert.equal(r.job, 'failed');
    assert.equal(r.status, 'failed');
    assert.equal(r.error?.code, 'TRIB_ERR_CORRUPT_RATIO');
    assert.equal(r.rowsRejected, 3);
    const [row] = await query(app, 'SELECT count(*) AS n, max(id) AS m FROM ratio_t');
    assert.deepEqual(row, { n: 100, m: 100 }, 'the previous rows, not the new ones');
    const lines = (await corrupt(app, 'ratio')).map((b) => b.line);
    assert.deepEqual(lines, [4, 11, 21], 'the rejects explain the failure');
  });

  void it('moves null and duplicate primary keys to the corrupt table and counts them', async () => {
    const rows = ['id,name'];
    for (let i = 1; i <= 300; i++) rows.push(`${i},n${i}`);
    rows.push(',nokey', '7,second-seven', '7,third-seven');
    await putSource(app, 'keys', table(file('keys.csv', `${rows.join('\n')}\n`)));
    const r = await refresh(app, 'keys');
    assert.equal(r.job, 'completedWithWarnings');
    assert.deepEqual([r.rowsRead, r.rowsRejected], [300, 3]);
    const t = r.details?.tables?.[0];
    assert.deepEqual([t?.nullKeys, t?.duplicateKeys], [1, 2]);
    const [seven] = await query(app, 'SELECT name FROM keys_t WHERE id = 7');
    assert.equal(seven?.name, 'n7', 'the first row with a key wins');
    const bad = await corrupt(app, 'keys');
    const why = bad.map(
      (b) => `${(JSON.parse(b.raw) as { name: string }).name} ${b.reason.split(':')[0]}`,
    );
    why.sort();
    assert.deepEqual(why, [
      'nokey NULL PRIMARY KEY',
      'second-seven DUPLICATE PRIMARY KEY',
      'third-seven DUPLICATE PRIMARY KEY',
    ]);
  });

  void it('fails naming a missing primary key column and keeps the old data', async () => {
    const p = file('pk.csv', csv(5));
    await putSource(app, 'pk', table(p));
    assert.equal((await refresh(app, 'pk')).job, 'successful');
    file('pk.csv', 'key,name\n1,a\n');
    const r = await refresh(app, 'pk');
    assert.equal(r.job, 'failed');
    assert.equal(r.error?.code, 'TRIB_ERR_PRIMARY_KEY');
    assert.match(r.error?.message ?? '', /"id"/);
    assert.equal(r.attempts, 1);
    assert.equal(await count(app, 'pk_t'), 5);
  });

  void it('fails a missing file with TRIB_ERR_SOURCE_MISSING at once and keeps the old data', async () => {
    const p = file('gone.csv', csv(4));
    await putSource(app, 'gone', table(p));
    assert.equal((await refresh(app, 'gone')).job, 'successful');
    rmSync(p);
    const r = await refresh(app, 'gone');
    assert.equal(r.job, 'failed');
    assert.equal(r.status, 'failed');
    assert.equal(r.error?.code, 'TRIB_ERR_SOURCE_MISSING');
    assert.equal(r.attempts, 1, 'a missing file is not retried');
    assert.equal(await count(app, 'gone_t'), 4);
  });

  void it('swaps the tables of a source together: a failing second table keeps both old', async () => {
    const a = file('multi-a.csv', csv(2));
    const b = file('multi-b.csv', csv(3));
    await putSource(app, 'multi', [table(a, { name: 'a' }), table(b, { name: 'b' })]);
    const counts = async (): Promise<number[]> => [
      await count(app, 'multi_a'),
      await count(app, 'multi_b'),
    ];
    assert.equal((await refresh(app, 'multi')).job, 'successful');
    assert.deepEqual(await counts(), [2, 3]);
    file('multi-a.csv', csv(6));
    file('multi-b.csv', csv(7));
    assert.equal((await refresh(app, 'multi')).job, 'successful');
    assert.deepEqual(await counts(), [6, 7]);
    file('multi-a.csv', csv(10));
    rmSync(b);
    const r = await refresh(app, 'multi');
    assert.equal(r.job, 'failed');
    assert.equal(r.error?.code, 'TRIB_ERR_SOURCE_MISSING');
    assert.deepEqual(await counts(), [6, 7], 'table a keeps its old data too');
  });

  void it('readers see the old or the new table, never a partial one, during a refresh', async () => {
    const p = file('big.csv', csv(1000));
    await putSource(app, 'big', table(p));
    assert.equal((await refresh(app, 'big')).job, 'successful');
    file('big.csv', csv(200_000));
    const jobId = await submit(app, 'big');
    let ended = false;
    const done = app.refresh.waitFor(jobId).finally(() => {
      ended = true;
    });
    const seen: number[] = [];
    while (!ended) seen.push(await count(app, 'big_t'));
    assert.equal((await done)?.status, 'successful');
    seen.push(await count(app, 'big_t'));
    const partial = seen.filter((n) => n !== 1000 && n !== 200_000);
    assert.deepEqual(partial, [], 'every read sees 1000 or 200000 rows');
    assert.equal(seen.at(-1), 200_000);
    assert.ok(seen.includes(1000), 'reads ran while the refresh was in progress');
  });

  void it('property: CSV rows written with quoting come back exactly', async () => {
    const row = fc.record({
      id: fc.integer({ min: -1_000_000, max: 1_000_000 }),
      name: fc.string({
        unit: fc.constantFrom('a', 'b', 'Z', ' ', ',', '"', "'", ';', 'é'),
        minLength: 1,
        maxLength: 12,
      }),
      amount: fc.integer({ min: -10_000_000, max: 10_000_000 }).map((c) => c / 100),
    });
    const rowsArb = fc.uniqueArray(row, { selector: (r) => r.id, minLength: 1, maxLength: 40 });
    const options = { header: true, delimiter: ',', quote: '"', escape: '"' };
    await putSource(app, 'prop', table(file('prop.csv'), { options }));
    const esc = (s: string): string => `"${s.replaceAll('"', '""')}"`;
    await fc.assert(
      fc.asyncProperty(rowsArb, async (rows) => {
        const body = rows.map((r) => `${r.id},${esc(r.name)},${r.amount}\n`).join('');
        file('prop.csv', `id,name,amount\n${body}`);
        const r = await refresh(app, 'prop');
        assert.equal(r.job, 'successful', JSON.stringify(r.error));
        const got = await query(app, 'SELECT id, name, amount FROM prop_t ORDER BY id');
        const want = rows.map((x) => ({ id: x.id, name: x.name, amount: x.amount }));
        want.sort((x, y) => x.id - y.id);
        assert.deepEqual(got, want);
      }),
      { numRuns: 15 },
    );
  });
});

void describe('a custom corrupt ratio from TRIBUTARY_CORRUPT_RATIO', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ TRIBUTARY_CORRUPT_RATIO: '0.2' });
  });
  after(() => app.dispose());

  void it('accepts rejects up to the configured ratio and fails above it', async () => {
    const p = join(app.dir, 'custom.csv');
    writeFileSync(p, csv(100));
    await putSource(app, 'custom', table(p));
    assert.equal((await refresh(app, 'custom')).job, 'successful');
    const tenBad = Array.from({ length: 10 }, (_, i) => i * 10 + 1);
    writeFileSync(p, csv(100, tenBad, 1000));
    assert.equal((await refresh(app, 'custom')).job, 'completedWithWarnings', '10 % < 20 %');
    assert.equal(await count(app, 'custom_t'), 90);
    const thirtyBad = Array.from({ length: 30 }, (_, i) => i * 3 + 1);
    writeFileSync(p, csv(100, thirtyBad, 5000));
    const r = await refresh(app, 'custom');
    assert.equal(r.job, 'failed', '30 % is over 20 %');
    assert.equal(r.error?.code, 'TRIB_ERR_CORRUPT_RATIO');
    assert.match(r.error?.message ?? '', /20\.00 %/);
    const [row] = await query(app, 'SELECT count(*) AS n, min(id) AS m FROM custom_t');
    assert.deepEqual(row, { n: 90, m: 1002 }, 'the previous data stays');
  });
});
