/**
 * Primary-key checks and the atomic swap. A source's tables become visible together in one DuckDB
 * transaction: readers see either every old table or every new one, never half a table, and a failed
 * load never touches the live tables.
 */
import { quoteIdent, type WarehouseWriter } from '../warehouse/index.js';
import { countRows } from './file.loader.js';
import type { StagedTable, TableLoad } from './ingest.types.js';

export type KeyCheck =
  { ok: true; nullKeys: number; duplicateKeys: number } | { ok: false; message: string };

/**
 * Rows whose key is null, and every row after the first with the same key (in file order), are moved
 * to the corrupt table with the reason. Nothing is dropped silently.
 */
export async function enforcePrimaryKey(w: WarehouseWriter, t: StagedTable): Promise<KeyCheck> {
  const columns = await w.all(
    `SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position`,
    [t.stage],
  );
  const names = columns.map((c) => String(c.column_name));
  const missing = t.primaryKey.filter((k) => !names.includes(k));
  if (missing.length > 0) {
    return {
      ok: false,
      message: `primary key column ${missing.map((m) => `"${m}"`).join(', ')} not found in table "${t.table}"; columns found: ${names.join(', ')}`,
    };
  }
  const keyCols = t.primaryKey.map(quoteIdent);
  const keyExpr = keyCols.length === 1 ? keyCols[0]! : `(${keyCols.join(', ')})`;
  const anyNull = keyCols.map((k) => `${k} IS NULL`).join(' OR ');
  const [stats] = await w.all(
    `SELECT count(*)::BIGINT AS n, count(*) FILTER (WHERE ${anyNull})::BIGINT AS nulls,
            count(DISTINCT ${keyExpr}) FILTER (WHERE NOT (${anyNull}))::BIGINT AS distinct_keys
     FROM ${t.stage}`,
  );
  const n = Number(stats?.n ?? 0);
  const nullKeys = Number(stats?.nulls ?? 0);
  const duplicateKeys = n - nullKeys - Number(stats?.distinct_keys ?? 0);
  if (nullKeys === 0 && duplicateKeys === 0) return { ok: true, nullKeys, duplicateKeys };

  const ranked = `${t.stage}_ranked`;
  await w.run(
    `CREATE OR REPLACE TEMP TABLE ${ranked} AS
     SELECT *, row_number() OVER () AS __ord,
            CASE WHEN ${anyNull} THEN 0 ELSE row_number() OVER (PARTITION BY ${keyCols.join(', ')} ORDER BY __ord_in) END AS __dup
     FROM (SELECT *, row_number() OVER () AS __ord_in FROM ${t.stage})`,
  );
  const rejectWhere = async (where: string, reason: string): Promise<void> => {
    await w.run(
      `INSERT INTO ${t.corruptStage}
       SELECT NULL, NULL, ?, to_json(rec)::VARCHAR
       FROM (SELECT * EXCLUDE (__ord, __ord_in, __dup) FROM ${ranked} WHERE ${where} ORDER BY __ord) rec`,
      [reason],
    );
  };
  await rejectWhere('__dup = 0', 'NULL PRIMARY KEY: the key column is empty');
  await rejectWhere('__dup > 1', 'DUPLICATE PRIMARY KEY: an earlier row has the same key');
  await w.run(
    `CREATE OR REPLACE TABLE ${t.stage} AS SELECT * EXCLUDE (__ord, __ord_in, __dup) FROM ${ranked} WHERE __dup = 1 ORDER BY __ord`,
  );
  await w.run(`DROP TABLE ${ranked}`);
  return { ok: true, nullKeys, duplicateKeys };
}

/** Replaces every target table by its staged table in one transaction. */
export async function swapTables(
  w: WarehouseWriter,
  staged: StagedTable[],
  includeData: boolean,
): Promise<void> {
  await w.run('BEGIN TRANSACTION');
  try {
    for (const t of staged) {
      if (includeData) {
        await w.run(`DROP TABLE IF EXISTS ${quoteIdent(t.target)}`);
        await w.run(`ALTER TABLE ${t.stage} RENAME TO ${quoteIdent(t.target)}`);
      }
      const corruptTarget = quoteIdent(`${t.target}_corrupt`);
      await w.run(`DROP TABLE IF EXISTS ${corruptTarget}`);
      await w.run(`ALTER TABLE ${t.corruptStage} RENAME TO ${corruptTarget}`);
    }
    await w.run('COMMIT');
  } catch (e) {
    await w.run('ROLLBACK');
    throw e;
  }
}

export async function dropStaged(w: WarehouseWriter, staged: StagedTable[]): Promise<void> {
  for (const t of staged) {
    await w.run(`DROP TABLE IF EXISTS ${t.stage}`);
    await w.run(`DROP TABLE IF EXISTS ${t.corruptStage}`);
  }
}

export async function summarize(
  w: WarehouseWriter,
  t: StagedTable,
  key: KeyCheck & { ok: true },
): Promise<TableLoad> {
  return {
    table: t.table,
    warehouseTable: t.target,
    rowsRead: await countRows(w, t.stage),
    rowsRejected: await countRows(w, t.corruptStage),
    nullKeys: key.nullKeys,
    duplicateKeys: key.duplicateKeys,
  };
}
