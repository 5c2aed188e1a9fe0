/**
 * Streams a PostgreSQL table or query into a DuckDB staging table in batches through a server-side
 * cursor, so memory stays bounded by the batch size. Values travel as text and are cast once, in
 * DuckDB, to the type mapped from PostgreSQL's column type.
 */
import pg from 'pg';
import { quoteIdent, type WarehouseWriter } from '../warehouse/index.js';
import type { PostgresSource, PostgresTable } from './source.schema.js';

/** PostgreSQL type OIDs → DuckDB types; anything else stays VARCHAR. */
const typeByOid: Record<number, string> = {
  16: 'BOOLEAN',
  20: 'BIGINT',
  21: 'SMALLINT',
  23: 'INTEGER',
  700: 'REAL',
  701: 'DOUBLE',
  1700: 'DECIMAL(38,10)',
  1082: 'DATE',
  1114: 'TIMESTAMP',
  1184: 'TIMESTAMPTZ',
  2950: 'UUID',
  114: 'JSON',
  3802: 'JSON',
};

const rawText = { getTypeParser: () => (value: string) => value };

export class PostgresConnectError extends Error {}

function selectSql(t: PostgresTable): string {
  if (t.query !== undefined) return t.query;
  const parts = (t.table ?? t.name).split('.').map((p) => `"${p.replaceAll('"', '""')}"`);
  return `SELECT * FROM ${parts.join('.')}`;
}

export async function connectPostgres(source: PostgresSource): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: source.connection.connectionString,
    connectionTimeoutMillis: source.connection.connectTimeoutMs ?? 10_000,
  });
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new PostgresConnectError(e instanceof Error ? e.message || e.name : String(e));
  }
  return client;
}

/** Loads one table; returns the number of rows staged. */
export async function loadPostgresTable(
  w: WarehouseWriter,
  client: pg.Client,
  table: PostgresTable,
  stage: string,
  batchRows: number,
  onProgress: (rows: number) => void,
  signal: AbortSignal,
): Promise<number> {
  const raw = `${stage}_raw`;
  await client.query('BEGIN READ ONLY');
  try {
    await client.query(`DECLARE tributary_cursor NO SCROLL CURSOR FOR ${selectSql(table)}`);
    let rows = 0;
    let fields: { name: string; dataTypeID: number }[] | undefined;
    let appender: Awaited<ReturnType<WarehouseWriter['createAppender']>> | undefined;
    for (;;) {
      signal.throwIfAborted();
      const batch: pg.QueryArrayResult<(string | null)[]> = await client.query({
        text: `FETCH ${batchRows} FROM tributary_cursor`,
        rowMode: 'array',
        types: rawText,
      });
      if (!fields) {
        const found = batch.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
        fields = found;
        const cols = found.map((f) => `${quoteIdent(f.name)} VARCHAR`).join(', ');
        await w.run(`CREATE OR REPLACE TABLE ${raw} (${cols})`);
        appender = await w.createAppender(raw);
      }
      for (const r of batch.rows) appender!.appendTextRow(r);
      rows += batch.rows.length;
      onProgress(rows);
      if (batch.rows.length < batchRows) break;
    }
    appender?.close();
    const casts = (fields ?? [])
      .map(
        (f) =>
          `CAST(${quoteIdent(f.name)} AS ${typeByOid[f.dataTypeID] ?? 'VARCHAR'}) AS ${quoteIdent(f.name)}`,
      )
      .join(', ');
    await w.run(`CREATE OR REPLACE TABLE ${stage} AS SELECT ${casts} FROM ${raw}`);
    await w.run(`DROP TABLE ${raw}`);
    return rows;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}
