/**
 * Identifier and literal helpers shared by SQL generators. User values travel as parameters;
 * these exist for identifiers and for the few places (file paths in table functions) where DuckDB
 * does not accept a parameter.
 */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A safe table name fragment: letters, digits and underscores only. */
export function toTableName(...parts: string[]): string {
  return parts.map((p) => p.replace(/[^A-Za-z0-9_]/g, '_')).join('_');
}

/** Staged table → live table. */
export interface TableReplacement {
  stage: string;
  target: string;
}

/**
 * Replaces each target by its staged table in one transaction, so readers see every old table or
 * every new one. Names are quoted here; pass them unquoted.
 */
export async function replaceTables(
  w: { run(sql: string): Promise<void> },
  tables: TableReplacement[],
): Promise<void> {
  await w.run('BEGIN TRANSACTION');
  try {
    for (const t of tables) {
      await w.run(`DROP TABLE IF EXISTS ${quoteIdent(t.target)}`);
      await w.run(`ALTER TABLE ${quoteIdent(t.stage)} RENAME TO ${quoteIdent(t.target)}`);
    }
    await w.run('COMMIT');
  } catch (e) {
    await w.run('ROLLBACK');
    throw e;
  }
}

/** Column name → DuckDB type name (e.g. VARCHAR, DATE, TIMESTAMP), empty when the table is missing. */
export async function describeColumns(
  q: { all(sql: string, params?: string[]): Promise<Record<string, unknown>[]> },
  table: string,
): Promise<Map<string, string>> {
  const rows = await q.all(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_schema = 'main' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return new Map(rows.map((r) => [String(r.column_name), String(r.data_type)]));
}
