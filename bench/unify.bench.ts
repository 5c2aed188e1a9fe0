/**
 * `npm run bench -- unify [--customers 100000] [--runs 1]`
 * Unification on the demo data (three sources, ground truth from the generator), in both modes:
 * match and merge seconds with their stages, candidate and matched pairs, profile counts, and the
 * pairwise precision / recall / F1 of the profiles against the truth; peak RSS of this process.
 * Baseline, same run: raw DuckDB linking the same ingested records on exact lower-cased email or
 * exact phone digits and counting the pairs (the least work any linkage does), no clustering.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createApp } from '../src/app.js';
import { createEmbeddedClient } from '../src/cli/api.client.js';
import { applyProject, loadProjectOrThrow } from '../src/cli/commands/apply.command.js';
import { loadConfig } from '../src/config/index.js';
import { scoreLinkage } from '../test/support/linkage.js';
import { machine, median, readFlag, round, seconds } from './bench.support.js';

const customers = readFlag('customers', 100_000);
const runs = readFlag('runs', 1);
const work = mkdtempSync(join(tmpdir(), 'tributary-bench-unify-'));
const taskSeconds = (t: { startedAt: string | null; endedAt: string | null }): number =>
  t.startedAt && t.endedAt ? (Date.parse(t.endedAt) - Date.parse(t.startedAt)) / 1000 : NaN;

try {
  const dataDir = join(work, 'data');
  const demo = join(dataDir, 'demo');
  execFileSync(
    process.execPath,
    ['--import', 'tsx', 'examples/generate.ts', '--customers', String(customers), '--out', demo],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  execFileSync('cp', ['examples/demo-project.yaml', join(demo, 'project.yaml')]);
  const config = loadConfig(
    { TRIBUTARY_ADMIN_KEY: 'bench', TRIBUTARY_LOG_LEVEL: 'silent' },
    { dataDir },
  );
  const app = await createApp({ config });
  const client = createEmbeddedClient(app);
  await applyProject(client, loadProjectOrThrow(join(demo, 'project.yaml')), () => undefined);
  const definition = (
    parse(readFileSync(join(demo, 'project.yaml'), 'utf8')) as {
      unification: Record<string, unknown>;
    }
  ).unification;
  const wh = await app.warehouse.open('default');
  const truth = `SELECT source || '_' || "table" AS SourceTable, record_id AS RecordId,
    person_id AS entity FROM read_csv('${join(demo, 'truth', 'person_links.csv')}')`;

  const modes: Record<string, unknown>[] = [];
  for (const mode of ['rules', 'probabilistic']) {
    const put = await client.request('PUT', '/v1/instances/default/manage/unification', {
      ...definition,
      mode,
    });
    if (put.status !== 200) throw new Error(`PUT unification: ${put.status}`);
    const times: number[] = [];
    let last: Record<string, unknown> = {};
    for (let i = 0; i < runs; i++) {
      const sub = await app.refresh.submit({ instance: 'default', submissionKind: 'onDemand' });
      if (!sub.ok) throw new Error(sub.error.message);
      const job = await app.refresh.waitFor(sub.value.jobId);
      const tasks = await app.state.listTasks(sub.value.jobId);
      const match = tasks.find((t) => t.kind === 'match')!;
      const merge = tasks.find((t) => t.kind === 'merge')!;
      times.push(taskSeconds(match) + taskSeconds(merge));
      last = {
        status: job?.status,
        matchS: round(taskSeconds(match)),
        mergeS: round(taskSeconds(merge)),
        match: match.details,
        merge: merge.details,
      };
    }
    const scores = await scoreLinkage(wh, truth);
    modes.push({
      mode,
      matchPlusMergeS: round(median(times)),
      runs: times.map((t) => round(t)),
      ...last,
      precision: round(scores.precision, 4),
      recall: round(scores.recall, 4),
      f1: round(scores.f1, 4),
      pairs: scores,
    });
  }

  // Baseline: exact email or phone-digit links between the same records, pairs counted only.
  let t0 = process.hrtime.bigint();
  const base = await wh.query(`
    WITH r AS (
      SELECT 'c' || contact_id AS id, lower(trim(email)) AS e, regexp_replace(phone, '[^0-9]', '', 'g') AS p FROM crm_contacts
      UNION ALL SELECT 's' || customer_id, lower(trim(email)), regexp_replace(phone, '[^0-9]', '', 'g') FROM shop_customers
      UNION ALL SELECT 'l' || member_id, lower(trim(email)), regexp_replace(phone, '[^0-9]', '', 'g') FROM loyalty_members
    ),
    pairs AS (
      SELECT a.id AS l, b.id AS r FROM r a JOIN r b ON a.e = b.e AND a.id < b.id
      UNION SELECT a.id, b.id FROM r a JOIN r b ON a.p = b.p AND a.id < b.id
    )
    SELECT count(*)::BIGINT AS n FROM pairs`);
  const baselineS = seconds(t0);
  t0 = process.hrtime.bigint();
  await app.close();
  const rules = modes[0]!;
  console.log(
    JSON.stringify(
      {
        bench: 'unify',
        ...machine(),
        customers,
        modes,
        baselineExactLinkS: round(baselineS),
        baselinePairs: Number(base[0]?.n ?? 0),
        ratioRulesToBaseline: round(Number(rules.matchPlusMergeS) / baselineS),
        peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
        targets: { matchPlusMergeS: 60, peakRssMiB: 4096, f1: 0.97, precision: 0.99 },
      },
      null,
      1,
    ),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
