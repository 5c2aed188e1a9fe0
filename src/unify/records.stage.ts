/**
 * Map stage: every customer table's mapped columns stacked into `_unify_records`, one row per
 * source record, with a dense record number `_rid` (ordered by table order then key, so the same
 * input always gives the same numbers), the raw attribute values for merging, and one normalized
 * column per (attribute, normalization chain) that matching needs.
 */
import { ok, type Result } from '../errors/index.js';
import { failAt } from './unify.errors.js';
import { describeColumns, quoteIdent, type WarehouseWriter } from '../warehouse/index.js';
import { SqlParams, normalizeSql } from './normalize.sql.js';
import type { PlanTable, UnifyPlan } from './unify.plan.js';
import type { Normalization, SemanticType } from './unify.schema.js';

export const RECORDS = '_unify_records';

/** One normalized column of `_unify_records`. */
export interface NormalizedColumn {
  name: string;
  attribute: string;
  steps: Normalization[];
}

/** Column-type families a semantic type accepts (DuckDB type names, by prefix). */
const accepted: Record<SemanticType, string[]> = {
  'Person.FirstName': ['VARCHAR'],
  'Person.LastName': ['VARCHAR'],
  'Person.FullName': ['VARCHAR'],
  'Person.BirthDate': ['DATE', 'TIMESTAMP', 'VARCHAR'],
  'Identity.Email': ['VARCHAR'],
  'Identity.Phone': ['VARCHAR', 'BIGINT', 'INTEGER', 'HUGEINT', 'UBIGINT', 'DECIMAL'],
  'Location.Address': ['VARCHAR'],
  'Location.City': ['VARCHAR'],
  'Location.PostalCode': ['VARCHAR', 'INTEGER', 'BIGINT'],
  'Location.Country': ['VARCHAR'],
};
const TIME_TYPES = ['DATE', 'TIMESTAMP', 'VARCHAR'];

/**
 * Checks that every mapped column exists with a fitting type. Errors name the definition path
 * (`/customers/0/columns/email`) so the task error points into the project file.
 */
export async function checkCustomerColumns(
  w: WarehouseWriter,
  plan: UnifyPlan,
): Promise<Result<void>> {
  for (const t of plan.tables) {
    const at = `/unification/customers/${t.order}`;
    const cols = await describeColumns(w, t.warehouseTable);
    if (cols.size === 0) {
      return failAt(
        `${at}/table`,
        `table ${t.warehouseTable} has not been ingested yet; refresh source "${t.source}" first`,
      );
    }
    for (const k of t.keyColumns) {
      if (!cols.has(k))
        return failAt(
          `${at}/table`,
          `primary key column "${k}" is missing from ${t.warehouseTable}`,
        );
    }
    for (const c of t.columns) {
      const type = cols.get(c.column);
      if (!type)
        return failAt(
          `${at}/columns/${c.column}`,
          `column "${c.column}" does not exist in ${t.warehouseTable} (columns: ${[...cols.keys()].join(', ')})`,
        );
      const semantic = plan.attributes.find((a) => a.name === c.attribute)?.type;
      if (semantic && !accepted[semantic].some((p) => type.startsWith(p))) {
        return failAt(
          `${at}/columns/${c.column}`,
          `column "${c.column}" is ${type}, which cannot hold ${semantic}`,
        );
      }
    }
    if (t.recency) {
      const type = cols.get(t.recency);
      if (!type)
        return failAt(
          `${at}/recency`,
          `column "${t.recency}" does not exist in ${t.warehouseTable}`,
        );
      if (!TIME_TYPES.some((p) => type.startsWith(p)))
        return failAt(`${at}/recency`, `column "${t.recency}" is ${type}, not a date or timestamp`);
    }
  }
  return ok(undefined);
}

/** The record key as text: the primary key column, or the key columns joined with '|'. */
export function recordKeySql(keyColumns: string[], alias = ''): string {
  const cols = keyColumns.map((k) => `CAST(${alias}${quoteIdent(k)} AS VARCHAR)`);
  return cols.length === 1 ? cols[0]! : `concat_ws('|', ${cols.join(', ')})`;
}

/** The expression a table offers for an attribute; FullName falls back to first + last name. */
function attributeSource(t: PlanTable, attribute: string): string | null {
  const col = t.columns.find((c) => c.attribute === attribute);
  if (col) return quoteIdent(col.column);
  if (attribute === 'FullName') {
    const first = t.columns.find((c) => c.attribute === 'FirstName');
    const last = t.columns.find((c) => c.attribute === 'LastName');
    if (first && last)
      return `concat_ws(' ', ${quoteIdent(first.column)}, ${quoteIdent(last.column)})`;
  }
  return null;
}

/** Builds `_unify_records`; returns the record count per warehouse table. */
export async function buildRecords(
  w: WarehouseWriter,
  plan: UnifyPlan,
  normalized: NormalizedColumn[],
): Promise<Map<string, number>> {
  const params = new SqlParams();
  const selects = plan.tables.map((t) => {
    const cols = [
      `${t.order} AS _tbl`,
      `'${t.warehouseTable}' AS _src`,
      `${recordKeySql(t.keyColumns)} AS _key`,
      `${t.recency ? `TRY_CAST(${quoteIdent(t.recency)} AS TIMESTAMP)` : 'NULL::TIMESTAMP'} AS _recency`,
      `${t.dedup} AS _dedup`,
      ...t.columns.map((c) => `${quoteIdent(c.column)} AS ${quoteIdent(c.attribute)}`),
      ...normalized.map((n) => {
        const src = attributeSource(t, n.attribute);
        return `${src ? normalizeSql(src, n.steps, params) : 'NULL::VARCHAR'} AS ${n.name}`;
      }),
    ];
    return `SELECT ${cols.join(', ')} FROM ${quoteIdent(t.warehouseTable)}`;
  });
  await w.run(
    `CREATE OR REPLACE TEMP TABLE _unify_stack AS ${selects.join(' UNION ALL BY NAME ')}`,
    params.values,
  );
  // Numbering sorts only (position, table, key) and joins back: a window over the whole row would
  // sort every attribute and normalized column along with it.
  await w.run(`CREATE OR REPLACE TABLE ${RECORDS} AS
    SELECT o._rid, s.* FROM _unify_stack s JOIN (
      SELECT rowid AS _pos, (row_number() OVER (ORDER BY _tbl, _key) - 1)::BIGINT AS _rid
      FROM _unify_stack
    ) o ON o._pos = s.rowid`);
  await w.run('DROP TABLE _unify_stack');
  const rows = await w.all(`SELECT _src, count(*)::BIGINT AS n FROM ${RECORDS} GROUP BY _src`);
  return new Map(rows.map((r) => [String(r._src), Number(r.n)]));
}
