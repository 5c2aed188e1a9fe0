/**
 * `npm run bench -- refresh-demo [--customers 1000000]`
 * The full demo refresh (generation in a child process, then apply + refresh in this one): seconds
 * per stage and this process's peak RSS. The baseline is raw DuckDB reading the same files into
 * tables in one connection, in the same run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { createEmbeddedClient } from '../src/cli/api.client.js';
import { applyProject, loadProjectOrThrow } from '../src/cli/commands/apply.command.js';
import { machine, readFlag, round, seconds } from './bench.support.js';

const customers = readFlag('customers', 1_000_000);
const work = mkdtempSync(join(tmpdir(), 'tributary-bench-demo-'));
try {
  const dataDir = join(work, 'data');
  // Generation runs in its own process so its memory does not count toward the refresh's peak RSS.
  let t0 = process.hrtime.bigint();
  execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'examples/generate.ts',
      '--customers',
      String(customers),
      '--out',
      join(dataDir, 'demo'),
    ],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const generateS = seconds(t0);
  execFileSync('cp', ['examples/demo-project.yaml', join(dataDir, 'demo', 'project.yaml')]);

  const config = loadConfig(
    { TRIBUTARY_ADMIN_KEY: 'bench', TRIBUTARY_LOG_LEVEL: 'silent' },
    { dataDir },
  );
  const app = await createApp({ config });
  const client = createEmbeddedClient(app);
  t0 = process.hrtime.bigint();
  await applyProject(
    client,
    loadProjectOrThrow(join(dataDir, 'demo', 'project.yaml')),
    () => undefined,
  );
  const applyS = seconds(t0);
  t0 = process.hrtime.bigint();
  const sub = await app.refresh.submit({ instance: 'default', submissionKind: 'onDemand' });
  if (!sub.ok) throw new Error(sub.error.message);
  const job = await app.refresh.waitFor(sub.value.jobId);
  const refreshS = seconds(t0);
  const tasks = await app.state.listTasks(sub.value.jobId);
  await app.close();
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;

  // Baseline: the same files read by raw DuckDB into tables, one after the other.
  const db = await DuckDBInstance.create(join(work, 'baseline.duckdb'), {
    memory_limit: config.duckdb.memoryLimit,
    autoinstall_known_extensions: 'false',
  });
  const con = await db.connect();
  const d = join(dataDir, 'demo');
  t0 = process.hrtime.bigint();
  await con.run(
    `CREATE TABLE a AS SELECT * FROM read_csv('${d}/crm/contacts.csv', ignore_errors=true)`,
  );
  await con.run(`CREATE TABLE b AS SELECT * FROM read_parquet('${d}/shop/customers.parquet')`);
  await con.run(
    `CREATE TABLE c AS SELECT * FROM read_json('${d}/shop/orders.ndjson', format='newline_delimited')`,
  );
  await con.run(
    `CREATE TABLE e AS SELECT * FROM read_csv('${d}/loyalty/members.csv', ignore_errors=true)`,
  );
  const baselineS = seconds(t0);
  con.closeSync();
  db.closeSync();

  console.log(
    JSON.stringify({
      bench: 'refresh-demo',
      ...machine(),
      customers,
      status: job?.status,
      generateS: round(generateS),
      applyS: round(applyS),
      refreshS: round(refreshS),
      stages: tasks.map((t) => ({
        task: `${t.kind}(${t.target ?? ''})`,
        status: t.status,
        seconds:
          t.startedAt && t.endedAt
            ? round((Date.parse(t.endedAt) - Date.parse(t.startedAt)) / 1000)
            : null,
        rowsRead: t.rowsRead,
        rowsRejected: t.rowsRejected,
      })),
      baselineRawDuckDbS: round(baselineS),
      ratio: round(refreshS / baselineS),
      peakRssMiB: Math.round(peakRssMiB),
      targetPeakRssMiB: 2048,
    }),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
