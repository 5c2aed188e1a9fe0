/**
 * What the condition checker knows about the warehouse: the columns of `Customer` and
 * `UnifiedActivity` with a coarse type category, and the activity types present. A table that does
 * not exist yet (no unification has run) is `undefined`: checks that need it are deferred to the
 * first evaluation, which fails naming the missing table.
 */
import { ErrorCode, err, makeError, type Result } from '../errors/index.js';
import type { InstanceWarehouse } from '../warehouse/index.js';

export type ColumnCategory =
  'string' | 'number' | 'boolean' | 'date' | 'timestamp' | 'list' | 'other';

export type Columns = ReadonlyMap<string, ColumnCategory>;

export interface Catalog {
  customer: Columns | undefined;
  activity: Columns | undefined;
  /** Distinct `UnifiedActivity.ActivityType` values; undefined when the table is missing. */
  activityTypes: ReadonlySet<string> | undefined;
}

export const customerTable = 'Customer';
export const activityTable = 'UnifiedActivity';

const numeric =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$/;

export function categorizeType(dataType: string): ColumnCategory {
  const t = dataType.toUpperCase();
  if (t.endsWith('[]')) return 'list';
  if (t === 'VARCHAR' || t.startsWith('VARCHAR(')) return 'string';
  if (numeric.test(t)) return 'number';
  if (t === 'BOOLEAN') return 'boolean';
  if (t === 'DATE') return 'date';
  if (t.startsWith('TIMESTAMP')) return 'timestamp';
  return 'other';
}

/** Columns of a table with their categories, or undefined when the table does not exist. */
export async function readColumns(
  wh: InstanceWarehouse,
  table: string,
): Promise<Columns | undefined> {
  const rows = await wh.query(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position`,
    [table],
  );
  if (rows.length === 0) return undefined;
  return new Map(rows.map((r) => [String(r.column_name), categorizeType(String(r.data_type))]));
}

export async function readCatalog(wh: InstanceWarehouse): Promise<Catalog> {
  const customer = await readColumns(wh, customerTable);
  const activity = await readColumns(wh, activityTable);
  let activityTypes: Set<string> | undefined;
  if (activity?.has('ActivityType')) {
    const rows = await wh.query(
      `SELECT DISTINCT ActivityType AS t FROM ${activityTable} WHERE ActivityType IS NOT NULL`,
    );
    activityTypes = new Set(rows.map((r) => String(r.t)));
  }
  return { customer, activity, activityTypes };
}

/** The user error of an evaluation whose input table does not exist yet. */
export function tableMissing(table: string): Result<never> {
  return err(
    makeError(
      ErrorCode.tableMissing,
      'user',
      `table ${table} is missing: run a refresh with unification (match and merge) first`,
      table,
    ),
  );
}
