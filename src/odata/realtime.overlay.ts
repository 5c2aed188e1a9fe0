/**
 * Real-time writes (the connector's Create item and Update item) live in two overlay tables in the
 * instance's warehouse, beside the tables a refresh replaces:
 * - `_realtime_profile(CustomerId, Column, Value, ValidUntil, WrittenAt)`: one row per changed
 *   profile field; reads of `Customer` show the value instead of the refreshed one;
 * - `_realtime_activity(ActivityId, Record, ValidUntil, WrittenAt)`: one JSON record per activity;
 *   reads of `UnifiedActivity` add it unless the refreshed table already has that ActivityId.
 * A change shows only while `ValidUntil` is in the future. Segments and measures read the refreshed
 * tables, never the overlay, so a real-time change never moves them. After each refresh,
 * `reconcileOverlay` drops expired changes and those the refresh brought from the source (the same
 * value for the same field, or an activity with the same id): a later source change then wins.
 */
import type { EntityInfo, EntityColumn } from './entity.types.js';
import {
  quoteIdent,
  quoteLiteral,
  type InstanceWarehouse,
  type SqlValue,
} from '../warehouse/index.js';
import type { SqlParams } from './sql.params.js';

export const profileOverlay = '_realtime_profile';
export const activityOverlay = '_realtime_activity';

export function overlayTableOf(entity: string): string | undefined {
  if (entity === 'Customer') return profileOverlay;
  if (entity === 'UnifiedActivity') return activityOverlay;
  return undefined;
}

/** Columns a real-time profile change may set: scalar attributes, never the key. */
export function patchableColumns(entity: EntityInfo): EntityColumn[] {
  return entity.columns.filter((c) => c.category !== 'other' && !entity.key.includes(c.name));
}

/** The FROM-clause source of an entity: the table itself, or the table merged with its overlay. */
export function entitySource(entity: EntityInfo, params: SqlParams, now: Date): string {
  const table = quoteIdent(entity.name);
  if (!entity.overlay) return table;
  const at = `CAST(${params.add(toUtcText(now))} AS TIMESTAMP)`;
  if (entity.name === 'Customer') {
    const replaced = patchableColumns(entity).map((c) => {
      const k = quoteLiteral(c.name);
      return `CASE WHEN o.vals IS NOT NULL AND map_contains(o.vals, ${k}) THEN CAST(o.vals[${k}] AS ${c.sqlType}) ELSE c.${quoteIdent(c.name)} END AS ${quoteIdent(c.name)}`;
    });
    return `(SELECT c.* REPLACE (${replaced.join(', ')}) FROM ${table} c LEFT JOIN (
      SELECT "CustomerId", map_from_entries(list({'k': "Column", 'v': "Value"})) AS vals
      FROM ${quoteIdent(profileOverlay)} WHERE "ValidUntil" > ${at} GROUP BY "CustomerId"
    ) o ON o."CustomerId" = c."CustomerId")`;
  }
  const fields = entity.columns.map((c) =>
    c.category === 'other'
      ? `CAST(NULL AS ${c.sqlType}) AS ${quoteIdent(c.name)}`
      : `CAST(r."Record"->>${quoteLiteral(`$."${c.name}"`)} AS ${c.sqlType}) AS ${quoteIdent(c.name)}`,
  );
  return `(SELECT * FROM ${table} UNION ALL BY NAME
    SELECT ${fields.join(', ')} FROM ${quoteIdent(activityOverlay)} r
    WHERE r."ValidUntil" > ${at}
      AND NOT EXISTS (SELECT 1 FROM ${table} u WHERE u."ActivityId" = r."ActivityId"))`;
}

/** Naive UTC text, the warehouse's timestamp form. */
export function toUtcText(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/** Stores field changes of one profile (each replaces an earlier change of the same field). */
export async function writeProfileChange(
  wh: InstanceWarehouse,
  customerId: string,
  values: { column: string; text: string | null }[],
  validUntil: Date,
  now: Date,
): Promise<void> {
  await wh.write(async (w) => {
    await w.run(`CREATE TABLE IF NOT EXISTS ${quoteIdent(profileOverlay)} (
      "CustomerId" VARCHAR NOT NULL, "Column" VARCHAR NOT NULL, "Value" VARCHAR,
      "ValidUntil" TIMESTAMP NOT NULL, "WrittenAt" TIMESTAMP NOT NULL,
      PRIMARY KEY ("CustomerId", "Column"))`);
    for (const v of values) {
      await w.run(
        `INSERT OR REPLACE INTO ${quoteIdent(profileOverlay)} VALUES ($1, $2, $3, CAST($4 AS TIMESTAMP), CAST($5 AS TIMESTAMP))`,
        [customerId, v.column, v.text, toUtcText(validUntil), toUtcText(now)] satisfies SqlValue[],
      );
    }
  });
}

/** Stores one activity record; false when an activity with this id already exists (either table). */
export async function writeActivity(
  wh: InstanceWarehouse,
  activityId: string,
  record: Record<string, unknown>,
  validUntil: Date,
  now: Date,
): Promise<boolean> {
  return wh.write(async (w) => {
    await w.run(`CREATE TABLE IF NOT EXISTS ${quoteIdent(activityOverlay)} (
      "ActivityId" VARCHAR PRIMARY KEY, "Record" VARCHAR NOT NULL,
      "ValidUntil" TIMESTAMP NOT NULL, "WrittenAt" TIMESTAMP NOT NULL)`);
    const taken = await w.all(
      `SELECT 1 FROM "UnifiedActivity" WHERE "ActivityId" = $1
       UNION ALL SELECT 1 FROM ${quoteIdent(activityOverlay)} WHERE "ActivityId" = $1 AND "ValidUntil" > CAST($2 AS TIMESTAMP)`,
      [activityId, toUtcText(now)],
    );
    if (taken.length > 0) return false;
    await w.run(
      `INSERT OR REPLACE INTO ${quoteIdent(activityOverlay)} VALUES ($1, $2, CAST($3 AS TIMESTAMP), CAST($4 AS TIMESTAMP))`,
      [activityId, JSON.stringify(record), toUtcText(validUntil), toUtcText(now)],
    );
    return true;
  });
}

/**
 * Drops expired changes and the ones a refresh superseded. Run after each refresh; returns how
 * many changes were dropped.
 */
export async function reconcileOverlay(
  wh: InstanceWarehouse,
  now: Date,
  signal?: AbortSignal,
): Promise<{ profileChanges: number; activities: number }> {
  const exists = async (t: string): Promise<boolean> => wh.tableExists(t);
  const customer = (await exists('Customer'))
    ? await wh.query(
        `SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = 'Customer' AND database_name = current_database()`,
      )
    : [];
  const hasProfile = await exists(profileOverlay);
  const hasActivity = (await exists(activityOverlay)) && (await exists('UnifiedActivity'));
  const at = toUtcText(now);
  return wh.write(async (w) => {
    let profileChanges = 0;
    let activities = 0;
    const count = async (sql: string, params: SqlValue[]): Promise<number> => {
      const rows = await w.all(`${sql} RETURNING 1`, params);
      return rows.length;
    };
    if (hasProfile) {
      profileChanges += await count(
        `DELETE FROM ${quoteIdent(profileOverlay)} WHERE "ValidUntil" <= CAST($1 AS TIMESTAMP)`,
        [at],
      );
      for (const c of customer) {
        const name = String(c.column_name);
        if (name === 'CustomerId') continue;
        profileChanges += await count(
          `DELETE FROM ${quoteIdent(profileOverlay)} p WHERE p."Column" = $1 AND EXISTS (
             SELECT 1 FROM "Customer" c WHERE c."CustomerId" = p."CustomerId"
               AND c.${quoteIdent(name)} IS NOT DISTINCT FROM TRY_CAST(p."Value" AS ${String(c.data_type)}))`,
          [name],
        );
      }
    }
    if (hasActivity) {
      activities += await count(
        `DELETE FROM ${quoteIdent(activityOverlay)} r WHERE r."ValidUntil" <= CAST($1 AS TIMESTAMP)
           OR EXISTS (SELECT 1 FROM "UnifiedActivity" u WHERE u."ActivityId" = r."ActivityId")`,
        [at],
      );
    }
    return { profileChanges, activities };
  }, signal);
}
