/**
 * The `match` and `merge` task kinds. match: map the customer tables into `_unify_records`, find
 * matched pairs (rules or probabilistic), apply overrides and cluster them (`_unify_clusters`).
 * merge: stable ids, Customer, CustomerLink, ConflationMatchPair, Deduplication_* and
 * UnifiedActivity, all published in one transaction. Both do nothing (no task) while the instance
 * has no unification definition. The intermediate `_unify_*` tables stay in the warehouse between
 * the two tasks and are replaced by the next match.
 */
import type { TaskKind, TaskResult, TaskRunContext } from '../refresh/index.js';
import type { StateStore } from '../state/index.js';
import { replaceTables, type Warehouse, type WarehouseWriter } from '../warehouse/index.js';
import { validateSource, type SourceDefinition } from '../sources/index.js';
import { err, ok, type Result } from '../errors/index.js';
import { computeClusters } from './clusters.sql.js';
import { assignCustomerIds } from './customer.ids.js';
import { buildCustomers } from './customer.merge.js';
import {
  buildActivities,
  buildDeduplication,
  buildLinks,
  buildMatchPairs,
} from './outputs.stage.js';
import { NormalizedColumns, PAIRS, applyOverrides, createPairsTable } from './pairs.table.js';
import { matchProbabilistically, planProbabilisticColumns } from './probabilistic.matcher.js';
import { RECORDS, buildRecords, checkCustomerColumns } from './records.stage.js';
import { matchByRules, planRuleColumns } from './rules.matcher.js';
import type { UnifyPlan } from './unify.plan.js';
import { resolveUnification } from './unify.validate.js';

export const UNIFICATION_KIND = 'unification';
export const UNIFICATION_NAME = 'default';
const CLUSTERS = '_unify_clusters';

export interface UnifyTaskDeps {
  state: StateStore;
  warehouse: Warehouse;
}

/** The instance's unification plan, or null when it has none. */
export async function loadPlan(
  state: StateStore,
  instance: string,
): Promise<Result<UnifyPlan | null>> {
  const row = await state.getDefinition(instance, UNIFICATION_KIND, UNIFICATION_NAME);
  if (!row) return ok(null);
  const sources: SourceDefinition[] = [];
  for (const s of await state.listSources(instance)) {
    const v = validateSource(s.definition);
    if (v.ok) sources.push(v.value);
  }
  const plan = resolveUnification(row.body, sources, '/unification');
  return plan.ok ? plan : err(plan.error);
}

/** Times each stage in milliseconds, for the task's statistics. */
function stopwatch(now: () => Date): { lap(name: string): void; stages: Record<string, number> } {
  const stages: Record<string, number> = {};
  let last = now().getTime();
  return {
    stages,
    lap(name) {
      const t = now().getTime();
      stages[name] = t - last;
      last = t;
    },
  };
}

async function runMatch(
  w: WarehouseWriter,
  plan: UnifyPlan,
  ctx: TaskRunContext,
): Promise<TaskResult> {
  const checked = await checkCustomerColumns(w, plan);
  if (!checked.ok) return { ok: false, error: checked.error };
  const clock = stopwatch(ctx.now);
  const cols = new NormalizedColumns();
  const ruleCols = plan.mode === 'rules' ? planRuleColumns(plan, cols) : [];
  const probCols = plan.mode === 'probabilistic' ? planProbabilisticColumns(plan, cols) : null;
  const perTable = await buildRecords(w, plan, cols.list);
  const inputRecords = [...perTable.values()].reduce((a, b) => a + b, 0);
  ctx.onProgress({ rows: inputRecords });
  clock.lap('map');
  await createPairsTable(w);
  const matched = probCols
    ? await matchProbabilistically(w, plan, probCols)
    : await matchByRules(w, plan, ruleCols);
  const overrides = await applyOverrides(w, plan);
  clock.lap('match');
  const rounds = await computeClusters(w, { pairs: PAIRS, records: RECORDS, out: CLUSTERS });
  const counts = await w.all(
    `SELECT count(DISTINCT _cluster)::BIGINT AS clusters, (SELECT count(*) FROM ${PAIRS})::BIGINT AS pairs FROM ${CLUSTERS}`,
  );
  clock.lap('cluster');
  return {
    ok: true,
    warnings: overrides.unknownRecords > 0,
    rowsRead: inputRecords,
    details: {
      mode: plan.mode,
      inputRecords,
      recordsPerTable: Object.fromEntries(perTable),
      ...matched,
      matchedPairs: Number(counts[0]?.pairs ?? 0),
      clusters: Number(counts[0]?.clusters ?? 0),
      clusterRounds: rounds,
      overrides,
      stages: clock.stages,
    },
  };
}

async function runMerge(
  w: WarehouseWriter,
  plan: UnifyPlan,
  ctx: TaskRunContext,
): Promise<TaskResult> {
  const clock = stopwatch(ctx.now);
  const previous = {
    link:
      (await w.all(`SELECT 1 FROM information_schema.tables WHERE table_name = 'CustomerLink'`))
        .length > 0,
    customer:
      (await w.all(`SELECT 1 FROM information_schema.tables WHERE table_name = 'Customer'`))
        .length > 0,
  };
  const profiles = await assignCustomerIds(w, CLUSTERS, previous, ctx.jobId);
  clock.lap('ids');
  await buildCustomers(w, plan, CLUSTERS, '_stage_Customer');
  clock.lap('customers');
  await buildLinks(w, CLUSTERS, '_stage_CustomerLink');
  await buildMatchPairs(w, '_stage_CustomerLink', '_stage_ConflationMatchPair');
  const dedup = await buildDeduplication(w, plan, '_stage_CustomerLink');
  clock.lap('links');
  const activities = await buildActivities(
    w,
    plan,
    '_stage_CustomerLink',
    '_stage_UnifiedActivity',
  );
  if (!activities.ok) return { ok: false, error: activities.error };
  clock.lap('activities');
  await replaceTables(w, [
    ...['Customer', 'CustomerLink', 'ConflationMatchPair', 'UnifiedActivity'].map((t) => ({
      stage: `_stage_${t}`,
      target: t,
    })),
    ...dedup,
  ]);
  clock.lap('publish');
  return {
    ok: true,
    warnings: false,
    rowsRead: profiles.total,
    details: { profiles, ...activities.value, stages: clock.stages },
  };
}

function unifyKind(
  deps: UnifyTaskDeps,
  kind: 'match' | 'merge',
  after: string[],
  run: (w: WarehouseWriter, plan: UnifyPlan, ctx: TaskRunContext) => Promise<TaskResult>,
): TaskKind {
  return {
    kind,
    after,
    downstream: true,
    async plan(ctx) {
      const row = await deps.state.getDefinition(ctx.instance, UNIFICATION_KIND, UNIFICATION_NAME);
      return row ? [null] : [];
    },
    async run(ctx) {
      const plan = await loadPlan(deps.state, ctx.instance);
      if (!plan.ok) return { ok: false, error: plan.error };
      if (!plan.value) return { ok: true, warnings: false, skipped: true };
      const resolved = plan.value;
      const wh = await deps.warehouse.open(ctx.instance);
      return await wh.write((w) => run(w, resolved, ctx), ctx.signal);
    },
  };
}

export function createUnifyTaskKinds(deps: UnifyTaskDeps): TaskKind[] {
  return [
    unifyKind(deps, 'match', ['ingest'], runMatch),
    unifyKind(deps, 'merge', ['match'], runMerge),
  ];
}
