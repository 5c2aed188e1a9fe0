/**
 * `npm run bench -- ingest [--rows 1000000] [--runs 3]`
 * Ingest of the demo CRM contacts CSV (~15 columns) by a real refresh job, against the baseline of
 * raw DuckDB `CREATE TABLE t AS SELECT * FROM read_csv(...)` on the same file, same settings, same run.
 */
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { DuckDBInstance } from '@duckdb/node-api';
import { generateDemo } from '../examples/generator/index.js';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { machine, median, readFlag, round, seconds } from './bench.support.js';

const rows = readFlag('rows', 1_000_000);
const runs = readFlag('runs', 3);
const memoryLimit = '1GB';
const threads = machine().cores;

/** Demo CRM file cut to exactly `rows` valid rows, keeping its malformed tail lines. */
async function makeCsv(dir: string): Promise<string> {
  const demo = await generateDemo({
    dir: join(dir, 'gen'),
    customers: Math.ceil(rows * 1.3),
    seed: 42,
    now: new Date('2026-07-01T00:00:00Z'),
  });
  const out = join(dir, 'contacts.csv');
  const ws = createWriteStream(out);
  const total = demo.rows.crmContacts;
  let n = -1;
  for await (const line of createInterface({ input: createReadStream(demo.files.crmContacts) })) {
    n++;
    if (n <= rows || n > total) {
      if (!ws.write(`${line}\n`)) await once(ws, 'drain');
    }
  }
  ws.end();
  await once(ws, 'finish');
  rmSync(join(dir, 'gen'), { recursive: true, force: true });
  return out;
}

async function runBaseline(dir: string, csv: string): Promise<number> {
  const file = join(dir, `baseline-${Date.now()}.duckdb`);
  const db = await DuckDBInstance.create(file, {
    memory_limit: memoryLimit,
    threads: String(threads),
    autoinstall_known_extensions: 'false',
  });
  const con = await db.connect();
  const t0 = process.hrtime.bigint();
  await con.run(`CREATE TABLE t AS SELECT * FROM read_csv('${csv}', ignore_errors=true)`);
  const s = seconds(t0);
  con.closeSync();
  db.closeSync();
  rmSync(file, { force: true });
  return s;
}

async function runOurs(
  dir: string,
  csv: string,
): Promise<{
  taskS: number;
  wallS: number;
  rowsRead: number;
  rowsRejected: number;
  status: string;
}> {
  const dataDir = mkdtempSync(join(dir, 'app-'));
  const config = loadConfig(
    {
      TRIBUTARY_ADMIN_KEY: 'bench',
      TRIBUTARY_LOG_LEVEL: 'silent',
      TRIBUTARY_DUCKDB_MEMORY_LIMIT: memoryLimit,
      TRIBUTARY_DUCKDB_THREADS: String(threads),
    },
    { dataDir },
  );
  const app = await createApp({ config });
  await app.state.upsertSource({
    instance: 'default',
    name: 'crm',
    kind: 'files',
    owners: [],
    definition: {
      name: 'crm',
      tables: [{ name: 'contacts', format: 'csv', path: csv, primaryKey: 'contact_id' }],
    },
    createdAt: app.now().toISOString(),
    updatedAt: app.now().toISOString(),
  });
  await app.warehouse.open('default');
  const t0 = process.hrtime.bigint();
  const submitted = await app.refresh.submit({ instance: 'default', submissionKind: 'onDemand' });
  if (!submitted.ok) throw new Error(submitted.error.message);
  const job = await app.refresh.waitFor(submitted.value.jobId);
  const wallS = seconds(t0);
  const [task] = await app.state.listTasks(submitted.value.jobId);
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (!task?.startedAt || !task.endedAt) throw new Error('ingest task did not run');
  return {
    taskS: (new Date(task.endedAt).getTime() - new Date(task.startedAt).getTime()) / 1000,
    wallS,
    rowsRead: task.rowsRead ?? 0,
    rowsRejected: task.rowsRejected ?? 0,
    status: job?.status ?? 'unknown',
  };
}

const work = mkdtempSync(join(tmpdir(), 'tributary-bench-ingest-'));
mkdirSync(work, { recursive: true });
try {
  const csv = await makeCsv(work);
  const baseline: number[] = [];
  const ours: Awaited<ReturnType<typeof runOurs>>[] = [];
  // Warm the page cache once so neither side pays the first read.
  await runBaseline(work, csv);
  for (let i = 0; i < runs; i++) {
    // Alternate the order so drift on a noisy machine does not favour one side.
    if (i % 2 === 0) {
      baseline.push(await runBaseline(work, csv));
      ours.push(await runOurs(work, csv));
    } else {
      ours.push(await runOurs(work, csv));
      baseline.push(await runBaseline(work, csv));
    }
  }
  const baseS = median(baseline);
  const taskS = median(ours.map((o) => o.taskS));
  const wallS = median(ours.map((o) => o.wallS));
  const last = ours.at(-1)!;
  console.log(
    JSON.stringify({
      bench: 'ingest',
      ...machine(),
      rows: last.rowsRead + last.rowsRejected,
      rowsRead: last.rowsRead,
      rowsRejected: last.rowsRejected,
      status: last.status,
      runs,
      baselineMedianS: round(baseS),
      oursTaskMedianS: round(taskS),
      oursWallMedianS: round(wallS),
      rowsPerSec: Math.round(last.rowsRead / taskS),
      ratio: round(taskS / baseS),
      target: 1.3,
      baselineRunsS: baseline.map((x) => round(x)),
      oursTaskRunsS: ours.map((o) => round(o.taskS)),
    }),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
