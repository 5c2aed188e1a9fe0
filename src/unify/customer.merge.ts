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

function orderKey(g: PlanMergeGroup): string {
  const cols = g.attributes.map((a) => `r.${quoteIdent(a)}`);
  switch (g.policy) {
    case 'tableImportance':
      return 'r._o_ti';
    case 'mostRecent':
      return 'r._o_recent';
    case 'leastRecent':
      return 'r._o_oldest';
    case 'mostFilled': {
      const filled = cols.map((c) => `(${c} IS NOT NULL)::INTEGER`).join(' + ');
      const length = cols.map((c) => `coalesce(length(CAST(${c} AS VARCHAR)), 0)`).join(' + ');
      return `{f: -(${filled}), l: -(${length}), o: r._o_ti}`;
    }
  }
}

/** Builds the staged Customer table `stage` from records, clusters and the assigned ids. */
export async function buildCustomers(
  w: WarehouseWriter,
  plan: UnifyPlan,
  clusters: string,
  stage: string,
): Promise<void> {
  await w.run(`CREATE OR REPLACE TEMP TABLE ${RANKED} AS
    SELECT r.*, c._cluster,
      row_number() OVER (ORDER BY r._tbl, r._recency DESC NULLS LAST, r._rid) AS _o_ti,
      row_number() OVER (ORDER BY r._recency DESC NULLS LAST, r._tbl, r._rid) AS _o_recent,
      row_number() OVER (ORDER BY r._recency ASC NULLS LAST, r._tbl, r._rid) AS _o_oldest
    FROM ${RECORDS} r JOIN ${clusters} c USING (_rid)`);
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
    WITH m AS (SELECT r._cluster, ${aggregates.join(', ')} FROM ${RANKED} r GROUP BY r._cluster)
    SELECT ids.CustomerId, ${columns.join(', ')}, ids.PreviousCustomerId
    FROM m JOIN ${IDS} ids USING (_cluster) ${groupJoins.join(' ')}
    ORDER BY ids.CustomerId`);
  await w.run(`DROP TABLE ${RANKED}`);
}
