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
