/**
 * The other merge outputs, each built into a staging table and published with Customer in one
 * transaction (see unify.tasks.ts):
 * - CustomerLink(CustomerId, SourceTable, RecordId): every customer record → its profile;
 * - ConflationMatchPair: every matched pair with the rule or probability and per-comparison scores;
 * - Deduplication_<source>_<table>: each record's duplicate group within its own table and the
 *   group's winner (table importance order);
 * - UnifiedActivity: activity records linked to profiles through their customer foreign key.
 */
import { ok, type Result } from '../errors/index.js';
import { failAt } from './unify.errors.js';
import { describeColumns, quoteIdent, type WarehouseWriter } from '../warehouse/index.js';
import { computeClusters } from './clusters.sql.js';
import { IDS } from './customer.ids.js';
import { PAIRS } from './pairs.table.js';
import { RECORDS, recordKeySql } from './records.stage.js';
import type { PlanActivity, UnifyPlan } from './unify.plan.js';

export async function buildLinks(
  w: WarehouseWriter,
  clusters: string,
  stage: string,
): Promise<void> {
  await w.run(`CREATE OR REPLACE TABLE ${quoteIdent(stage)} AS
    SELECT ids.CustomerId, r._src AS SourceTable, r._key AS RecordId
    FROM ${RECORDS} r JOIN ${clusters} c USING (_rid) JOIN ${IDS} ids USING (_cluster)
    ORDER BY r._rid`);
}

export async function buildMatchPairs(
  w: WarehouseWriter,
  links: string,
  stage: string,
): Promise<void> {
  await w.run(`CREATE OR REPLACE TABLE ${quoteIdent(stage)} AS
    SELECT a._src AS LeftSourceTable, a._key AS LeftRecordId,
      b._src AS RightSourceTable, b._key AS RightRecordId,
      CASE WHEN a._src = b._src THEN 'deduplication' ELSE 'match' END AS MatchKind,
      p.rule AS Rule, p.probability AS Probability, p.scores AS Scores, k.CustomerId
    FROM ${PAIRS} p JOIN ${RECORDS} a ON a._rid = p.l JOIN ${RECORDS} b ON b._rid = p.r
    JOIN ${quoteIdent(links)} k ON k.SourceTable = a._src AND k.RecordId = a._key
    ORDER BY p.l, p.r`);
}

/** One staged table per deduplicated customer table; returns stage → target names. */
export async function buildDeduplication(
  w: WarehouseWriter,
  plan: UnifyPlan,
  links: string,
): Promise<{ stage: string; target: string }[]> {
  await w.run(`CREATE OR REPLACE TEMP TABLE _unify_dedup_pairs AS
    SELECT p.l, p.r FROM ${PAIRS} p
    JOIN ${RECORDS} a ON a._rid = p.l JOIN ${RECORDS} b ON b._rid = p.r WHERE a._tbl = b._tbl`);
  await computeClusters(w, { pairs: '_unify_dedup_pairs', records: RECORDS, out: '_unify_dedup' });
  const out: { stage: string; target: string }[] = [];
  for (const t of plan.tables.filter((x) => x.dedup)) {
    const target = `Deduplication_${t.source}_${t.table}`;
    const stage = `_stage_${target}`;
    await w.run(
      `CREATE OR REPLACE TABLE ${quoteIdent(stage)} AS
      WITH g AS (
        SELECT r._rid, r._key, d._cluster,
          first(r._key ORDER BY r._recency DESC NULLS LAST, r._rid) OVER (PARTITION BY d._cluster) AS winner,
          count(*) OVER (PARTITION BY d._cluster) AS size
        FROM ${RECORDS} r JOIN _unify_dedup d USING (_rid) WHERE r._src = $1
      )
      SELECT g._key AS RecordId, g.winner AS WinnerRecordId, g._key = g.winner AS IsWinner,
        g.size AS DuplicateGroupSize, k.CustomerId
      FROM g JOIN ${quoteIdent(links)} k ON k.SourceTable = $1 AND k.RecordId = g._key
      ORDER BY g._rid`,
      [t.warehouseTable],
    );
    out.push({ stage, target });
  }
  await w.run('DROP TABLE _unify_dedup_pairs');
  await w.run('DROP TABLE _unify_dedup');
  return out;
}

const TIME = ['DATE', 'TIMESTAMP'];
const NUMBER = [
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'HUGEINT',
  'U',
  'DECIMAL',
  'DOUBLE',
  'FLOAT',
  'REAL',
];

/** Checks an activity table's columns; returns the SELECT producing its UnifiedActivity rows. */
async function activitySelect(
  w: WarehouseWriter,
  a: PlanActivity,
  index: number,
  links: string,
  params: string[],
): Promise<Result<string>> {
  const at = `/unification/activities/${index}`;
  const cols = await describeColumns(w, a.warehouseTable);
  if (cols.size === 0)
    return failAt(`${at}/table`, `table ${a.warehouseTable} has not been ingested yet`);
  const need: [string, string][] = [
    [a.customerKey, `${at}/customer/key`],
    [a.timestamp, `${at}/timestamp`],
    ...(a.amount ? [[a.amount, `${at}/amount`] as [string, string]] : []),
    ...a.fields.map((f): [string, string] => [f.column, `${at}/fields/${f.attribute}`]),
  ];
  for (const [col, field] of need) {
    if (!cols.has(col))
      return failAt(field, `column "${col}" does not exist in ${a.warehouseTable}`);
  }
  const tsType = cols.get(a.timestamp)!;
  const ts = TIME.some((p) => tsType.startsWith(p))
    ? `CAST(a.${quoteIdent(a.timestamp)} AS TIMESTAMP)`
    : `TRY_CAST(a.${quoteIdent(a.timestamp)} AS TIMESTAMPTZ) AT TIME ZONE 'UTC'`;
  if (a.amount && !NUMBER.some((p) => cols.get(a.amount!)!.startsWith(p))) {
    return failAt(`${at}/amount`, `column "${a.amount}" is ${cols.get(a.amount)}, not a number`);
  }
  params.push(a.type);
  const type = `$${params.length}`;
  const customerTable = a.customerRef.replace('.', '_');
  return ok(`SELECT '${a.warehouseTable}:' || ${recordKeySql(a.keyColumns, 'a.')} AS ActivityId,
      k.CustomerId, ${type} AS ActivityType, ${ts} AS "Timestamp",
      ${a.amount ? `CAST(a.${quoteIdent(a.amount)} AS DOUBLE)` : 'NULL::DOUBLE'} AS Amount,
      '${a.source}' AS Source, '${a.warehouseTable}' AS SourceTable
      ${a.fields.map((f) => `, a.${quoteIdent(f.column)} AS ${quoteIdent(f.attribute)}`).join('')}
    FROM ${quoteIdent(a.warehouseTable)} a
    LEFT JOIN ${quoteIdent(links)} k ON k.SourceTable = '${customerTable}'
      AND k.RecordId = CAST(a.${quoteIdent(a.customerKey)} AS VARCHAR)`);
}

/** Builds UnifiedActivity; returns the number of activities and of those linked to no profile. */
export async function buildActivities(
  w: WarehouseWriter,
  plan: UnifyPlan,
  links: string,
  stage: string,
): Promise<Result<{ activities: number; unlinked: number }>> {
  const params: string[] = [];
  const selects: string[] = [];
  for (const [i, a] of plan.activities.entries()) {
    const s = await activitySelect(w, a, i, links, params);
    if (!s.ok) return s;
    selects.push(s.value);
  }
  const empty = `SELECT NULL::VARCHAR AS ActivityId, NULL::VARCHAR AS CustomerId,
    NULL::VARCHAR AS ActivityType, NULL::TIMESTAMP AS "Timestamp", NULL::DOUBLE AS Amount,
    NULL::VARCHAR AS Source, NULL::VARCHAR AS SourceTable WHERE false`;
  await w.run(
    `CREATE OR REPLACE TABLE ${quoteIdent(stage)} AS
     SELECT * FROM (${[empty, ...selects].join(' UNION ALL BY NAME ')}) ORDER BY ActivityId`,
    params,
  );
  const rows = await w.all(
    `SELECT count(*)::BIGINT AS n, count(*) FILTER (WHERE CustomerId IS NULL)::BIGINT AS u FROM ${quoteIdent(stage)}`,
  );
  return ok({ activities: Number(rows[0]?.n ?? 0), unlinked: Number(rows[0]?.u ?? 0) });
}
