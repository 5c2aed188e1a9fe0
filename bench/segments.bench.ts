/**
 * `npm run bench -- segments [--customers 1000000] [--activities 5000000] [--runs 3]`
 * Synthetic Customer and UnifiedActivity tables (built with DuckDB SQL, in the contract's shape),
 * the demo project's measures and segments evaluated by real refresh jobs (the span from the first
 * measure or segment task to the last, and the whole job with its snapshot stage), and for three
 * representative segments our evaluation (validation, compile, membership delta, history, delta
 * retention) against the same work written by hand in DuckDB SQL, in the same run, on the same database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../src/app.js';
import { readProjectFile } from '../src/cli/project.file.js';
import { loadConfig } from '../src/config/index.js';
import type { InstanceWarehouse } from '../src/warehouse/index.js';
import { machine, median, readFlag, round, seconds } from './bench.support.js';

const customers = readFlag('customers', 1_000_000);
const activityRows = readFlag('activities', 5_000_000);
const runs = readFlag('runs', 3);
const now = new Date('2026-07-01T00:00:00Z');

async function buildTables(wh: InstanceWarehouse): Promise<void> {
  await wh.write(async (w) => {
    await w.run(`CREATE OR REPLACE TABLE Customer AS
      WITH g AS (SELECT i, hash(i) AS h FROM range(${customers}) t(i)),
      geo AS (SELECT * FROM (VALUES
        (0, 'London', 'United Kingdom'), (1, 'Manchester', 'United Kingdom'),
        (2, 'Berlin', 'Germany'), (3, 'Hamburg', 'Germany'), (4, 'Paris', 'France'),
        (5, 'Lyon', 'France'), (6, 'Amsterdam', 'Netherlands'), (7, 'Madrid', 'Spain'),
        (8, 'New York', 'United States'), (9, 'Chicago', 'United States')) v(k, city, country))
      SELECT 'c-' || lpad(CAST(i AS VARCHAR), 12, '0') AS CustomerId,
        'First' || (h % 997) AS FirstName, 'Last' || (h % 1999) AS LastName,
        'First' || (h % 997) || ' Last' || (h % 1999) AS FullName,
        CASE WHEN h % 10 = 0 THEN NULL ELSE 'p' || i || '@example.com' END AS Email,
        '+4420' || lpad(CAST(i AS VARCHAR), 8, '0') AS Phone,
        DATE '1950-01-01' + CAST(h % 20000 AS INTEGER) AS BirthDate,
        (h % 300) || ' High Street' AS Address, geo.city AS City, 'PC' || (h % 9999) AS PostalCode,
        geo.country AS Country, NULL::VARCHAR AS Company, NULL::VARCHAR AS JobTitle,
        (h % 3) <> 0 AS MarketingOptIn,
        ['bronze', 'silver', 'gold', 'platinum'][1 + CAST((h >> 8) % 4 AS INTEGER)] AS LoyaltyTier,
        CAST((h >> 16) % 30000 AS INTEGER) AS LoyaltyPoints,
        DATE '2018-01-01' + CAST((h >> 24) % 3100 AS INTEGER) AS JoinedOn,
        DATE '2018-01-01' + CAST((h >> 24) % 3100 AS INTEGER) AS SignupDate,
        TIMESTAMP '2018-01-01' + to_seconds(CAST((h >> 24) % 267000000 AS BIGINT)) AS CreatedAt,
        CAST([] AS VARCHAR[]) AS PreviousCustomerId
      FROM g JOIN geo ON geo.k = g.h % 10`);
    await w.run(`CREATE OR REPLACE TABLE UnifiedActivity AS
      WITH g AS (SELECT i, hash(i + 1000000007) AS h FROM range(${activityRows}) t(i))
      SELECT 'shop_orders:' || i AS ActivityId,
        CASE WHEN h % 50 = 0 THEN NULL
             ELSE 'c-' || lpad(CAST((h >> 4) % ${customers} AS VARCHAR), 12, '0') END AS CustomerId,
        'Purchase' AS ActivityType,
        TIMESTAMP '2018-01-01' + to_seconds(CAST((h >> 20) % 268000000 AS BIGINT)) AS "Timestamp",
        round(5 + ((h >> 12) % 50000) / 100.0, 2) AS Amount,
        CASE WHEN (h >> 50) % 10 < 3 THEN round((5 + ((h >> 12) % 50000) / 100.0) * 0.1, 2) ELSE 0 END AS Discount,
        'shop' AS Source,
        'shop_orders' AS SourceTable, 'EUR' AS Currency,
        ['completed', 'completed', 'completed', 'shipped', 'processing', 'cancelled', 'refunded'][1 + CAST((h >> 40) % 7 AS INTEGER)] AS Status,
        ['web', 'web', 'mobile_app', 'marketplace', 'phone'][1 + CAST((h >> 44) % 5 AS INTEGER)] AS Channel
      FROM g`);
  });
}

/** Hand-written SQL for three demo segments, as one would write it directly against DuckDB. */
const handWritten: Record<string, string> = {
  ChurnRisk: `SELECT c.CustomerId FROM Customer c JOIN (
      SELECT CustomerId, count(*) AS n, max("Timestamp") AS last FROM UnifiedActivity
      WHERE CustomerId IS NOT NULL AND ActivityType = 'Purchase' GROUP BY CustomerId) a
      ON a.CustomerId = c.CustomerId
    WHERE a.n >= 2 AND a.last < TIMESTAMP '2026-01-01 00:00:00'`,
  MobileShoppers: `SELECT DISTINCT c.CustomerId FROM Customer c JOIN UnifiedActivity a
      ON a.CustomerId = c.CustomerId
    WHERE a.ActivityType = 'Purchase' AND a.Channel = 'mobile_app'
      AND a."Timestamp" >= TIMESTAMP '2024-07-01 00:00:00' AND a."Timestamp" <= TIMESTAMP '2026-07-01 00:00:00'`,
  ContinentalLoyalty: `SELECT CustomerId FROM Customer WHERE Country IN ('Germany', 'France', 'Netherlands', 'Spain')
    INTERSECT SELECT CustomerId FROM Customer WHERE LoyaltyPoints >= 5000`,
};

/** The same membership work as ours (new set, delta, apply, record), on a separate table. */
async function runHandWritten(wh: InstanceWarehouse, name: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  await wh.write(async (w) => {
    await w.run(
      `CREATE TABLE IF NOT EXISTS HandMembership (Segment VARCHAR, CustomerId VARCHAR, AddedAt TIMESTAMP)`,
    );
    await w.run(
      `CREATE TABLE IF NOT EXISTS HandDelta (Segment VARCHAR, CustomerId VARCHAR, Change VARCHAR, EvaluatedAt TIMESTAMP)`,
    );
    await w.run('BEGIN TRANSACTION');
    await w.run(`CREATE OR REPLACE TEMP TABLE hand_new AS ${handWritten[name]}`);
    await w.run(`CREATE OR REPLACE TEMP TABLE hand_delta AS
      SELECT coalesce(n.CustomerId, o.CustomerId) AS CustomerId,
             CASE WHEN o.CustomerId IS NULL THEN 'added' ELSE 'removed' END AS Change
      FROM hand_new n FULL JOIN (SELECT CustomerId FROM HandMembership WHERE Segment = '${name}') o
        ON o.CustomerId = n.CustomerId
      WHERE n.CustomerId IS NULL OR o.CustomerId IS NULL`);
    await w.run(
      `DELETE FROM HandMembership WHERE Segment = '${name}' AND CustomerId IN (SELECT CustomerId FROM hand_delta WHERE Change = 'removed')`,
    );
    await w.run(
      `INSERT INTO HandMembership SELECT '${name}', CustomerId, now() FROM hand_delta WHERE Change = 'added'`,
    );
    await w.run(
      `INSERT INTO HandDelta SELECT '${name}', CustomerId, Change, now() FROM hand_delta`,
    );
    await w.all(`SELECT count(*) FROM hand_new`);
    await w.run('COMMIT');
  });
  return seconds(t0);
}

async function runJob(
  app: App,
): Promise<{ totalS: number; spanS: number; status: string; tasks: Record<string, number> }> {
  const t0 = process.hrtime.bigint();
  const submitted = await app.refresh.submit({ instance: 'default', submissionKind: 'onDemand' });
  if (!submitted.ok) throw new Error(submitted.error.message);
  const job = await app.refresh.waitFor(submitted.value.jobId);
  const totalS = seconds(t0);
  const tasks: Record<string, number> = {};
  let [first, last] = [Infinity, -Infinity];
  for (const t of await app.state.listTasks(submitted.value.jobId)) {
    if (t.status !== 'successful')
      throw new Error(`${t.kind}(${t.target}) ended ${t.status}: ${t.error?.message}`);
    const [start, end] = [Date.parse(t.startedAt!), Date.parse(t.endedAt!)];
    tasks[`${t.kind}:${t.target}`] = (end - start) / 1000;
    if (t.kind === 'segment' || t.kind === 'measure') {
      first = Math.min(first, start);
      last = Math.max(last, end);
    }
  }
  // What the target is about: from the first measure or segment task to the last one ending (the
  // job also runs the snapshot stage after them).
  const spanS = (last - first) / 1000;
  return { totalS, spanS, status: job?.status ?? 'unknown', tasks };
}

const dataDir = mkdtempSync(join(tmpdir(), 'tributary-bench-segments-'));
try {
  const config = loadConfig(
    {
      TRIBUTARY_ADMIN_KEY: 'bench',
      TRIBUTARY_LOG_LEVEL: 'silent',
      TRIBUTARY_DUCKDB_MEMORY_LIMIT: '4GB',
      TRIBUTARY_DUCKDB_THREADS: String(machine().cores),
    },
    { dataDir },
  );
  // The clock starts at `now` and runs, so task times are real and windows stay put.
  const started = Date.now();
  const app = await createApp({
    config,
    now: () => new Date(now.getTime() + Date.now() - started),
  });
  const wh = await app.warehouse.open('default');
  const tBuild = process.hrtime.bigint();
  await buildTables(wh);
  const buildS = seconds(tBuild);
  const project = readProjectFile('examples/demo-project.yaml');
  if (!project.ok) throw new Error(project.error.message);
  for (const m of project.value.measures) {
    const r = await app.measures.save('default', m, '', now);
    if (!r.ok) throw new Error(r.error.message);
  }
  for (const s of project.value.segments) {
    const r = await app.segments.save('default', s, '', now);
    if (!r.ok) throw new Error(r.error.message);
  }
  const jobs = [];
  for (let i = 0; i < runs; i++) jobs.push(await runJob(app));
  const ratios: Record<string, unknown> = {};
  for (const name of Object.keys(handWritten)) {
    const ours: number[] = [];
    const hand: number[] = [];
    for (let i = 0; i < runs + 1; i++) {
      // Alternate the order so drift on a noisy machine does not favour one side.
      const first = i % 2 === 0;
      if (!first) hand.push(await runHandWritten(wh, name));
      const t0 = process.hrtime.bigint();
      const r = await app.segments.evaluate('default', name, { jobId: null, now });
      if (!r.ok) throw new Error(r.error.message);
      ours.push(seconds(t0));
      if (first) hand.push(await runHandWritten(wh, name));
    }
    const [check] = await wh.query(
      `SELECT (SELECT count(*) FROM (${handWritten[name]})) AS hand, (SELECT count(*) FROM SegmentMembership WHERE Segment = ?) AS ours`,
      [name],
    );
    if (check?.hand !== check?.ours)
      throw new Error(
        `${name}: hand-written ${String(check?.hand)} members, ours ${String(check?.ours)}`,
      );
    ratios[name] = {
      members: check?.ours,
      oursMedianS: round(median(ours)),
      handMedianS: round(median(hand)),
      ratio: round(median(ours) / median(hand)),
    };
  }
  const counts = await wh.query(
    `SELECT Segment, count(*) AS n FROM SegmentMembership GROUP BY 1 ORDER BY 1`,
  );
  await app.close();
  const last = jobs.at(-1)!;
  console.log(
    JSON.stringify({
      bench: 'segments',
      ...machine(),
      customers,
      activities: activityRows,
      buildTablesS: round(buildS),
      segments: project.value.segments.length,
      measures: project.value.measures.length,
      runs,
      segmentsAndMeasuresMedianS: round(median(jobs.map((j) => j.spanS))),
      segmentsAndMeasuresRunsS: jobs.map((j) => round(j.spanS)),
      targetTotalS: 20,
      totalJobMedianS: round(median(jobs.map((j) => j.totalS))),
      totalJobRunsS: jobs.map((j) => round(j.totalS)),
      taskS: Object.fromEntries(Object.entries(last.tasks).map(([k, v]) => [k, round(v)])),
      members: Object.fromEntries(counts.map((r) => [String(r.Segment), r.n])),
      ratioTarget: 1.2,
      ratios,
    }),
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
