/**
 * Merge: one `Customer` row per cluster. Each merge group (one attribute, or several chosen as a
 * unit, e.g. an address) picks a winning record per cluster by its policy, among the records that
 * have a value for the group:
 * - tableImportance: the first table in the definition's order (then the most recent record);
 * - mostRecent / leastRecent: by the table's recency column (records without one come last);
 * - mostFilled: the record with the most values in the group, then the longest text, then table
 *   importance.
 * Ties always end on table order and record number, so the result is deterministic.
 */
import { quoteIdent, type WarehouseWriter } from '../warehouse/index.js';
import { IDS } from './customer.ids.js';
import { RECORDS } from './records.stage.js';
import type { PlanMergeGroup, UnifyPlan } from './unify.plan.js';

const RANKED = '_unify_ranked';

/** The ranks a policy orders by (row numbers over all records; smaller wins). */
const ORDERINGS = {
  _o_ti: 'r._tbl, r._recency DESC NULLS LAST, r._rid',
  _o_recent: 'r._recency DESC NULLS LAST, r._tbl, r._rid',
  _o_oldest: 'r._recency ASC NULLS LAST, r._tbl, r._rid',
} as const;

const RANK_OF: Record<PlanMergeGroup['policy'], keyof typeof ORDERINGS> = {
  tableImportance: '_o_ti',
  mostRecent: '_o_recent',
  leastRecent: '_o_oldest',
  mostFilled: '_o_ti',
};

function orderKey(g: PlanMergeGroup): string {
  const rank = `k.${RANK_OF[g.policy]}`;
  if (g.policy !== 'mostFilled') return rank;
  const cols = g.attributes.map((a) => `r.${quoteIdent(a)}`);
  const filled = cols.map((c) => `(${c} IS NOT NULL)::INTEGER`).join(' + ');
  const length = cols.map((c) => `coalesce(length(CAST(${c} AS VARCHAR)), 0)`).join(' + ');
  return `{f: -(${filled}), l: -(${length}), o: ${rank}}`;
}

/** Builds the staged Customer table `stage` from records, clusters and the assigned ids. */
export async function buildCustomers(
  w: WarehouseWriter,
  plan: UnifyPlan,
  clusters: string,
  stage: string,
): Promise<void> {
  // Only the record number, cluster and the ranks the policies use: sorting the whole record row
  // (every attribute and normalized column) three times was most of the merge time at 1M records.
  const used = new Set(plan.mergeGroups.map((g) => RANK_OF[g.policy]));
  const ranks = [...used]
    .map((name) => `, row_number() OVER (ORDER BY ${ORDERINGS[name]}) AS ${name}`)
    .join('');
  await w.run(`CREATE OR REPLACE TEMP TABLE ${RANKED} AS
    SELECT r._rid, c._cluster${ranks} FROM ${RECORDS} r JOIN ${clusters} c USING (_rid)`);
  const singles = plan.mergeGroups.filter((g) => g.attributes.length === 1);
  const groups = plan.mergeGroups.filter((g) => g.attributes.length > 1);
  const aggregates = [
    ...singles.map((g) => {
      const a = quoteIdent(g.attributes[0]!);
      return `arg_min(r.${a}, ${orderKey(g)}) FILTER (WHERE r.${a} IS NOT NULL) AS ${a}`;
    }),
    ...groups.map((g, i) => {
      const any = g.attributes.map((a) => `r.${quoteIdent(a)} IS NOT NULL`).join(' OR ');
      return `arg_min(r._rid, ${orderKey(g)}) FILTER (WHERE ${any}) AS _w${i}`;
    }),
  ];
  const groupJoins = groups.map((_, i) => `LEFT JOIN ${RECORDS} g${i} ON g${i}._rid = m._w${i}`);
  const owner = new Map<string, string>();
  singles.forEach((g) => owner.set(g.attributes[0]!, `m.${quoteIdent(g.attributes[0]!)}`));
  groups.forEach((g, i) => g.attributes.forEach((a) => owner.set(a, `g${i}.${quoteIdent(a)}`)));
  const columns = plan.attributes.map((a) => `${owner.get(a.name)!} AS ${quoteIdent(a.name)}`);
  await w.run(`CREATE OR REPLACE TABLE ${quoteIdent(stage)} AS
    WITH m AS (
      SELECT k._cluster AS _cluster, ${aggregates.join(', ')}
      FROM ${RECORDS} r JOIN ${RANKED} k USING (_rid) GROUP BY k._cluster
    )
    SELECT ids.CustomerId, ${columns.join(', ')}, ids.PreviousCustomerId
    FROM m JOIN ${IDS} ids USING (_cluster) ${groupJoins.join(' ')}
    ORDER BY ids.CustomerId`);
  await w.run(`DROP TABLE ${RANKED}`);
}
