/** `$filter` text the console writes: string literals and the customer search (pure, no DOM). */

/** An OData string literal: quoted, with a quote doubled (`O'Neil` → `'O''Neil'`). */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Columns of Customer a search looks in, when the mapping produced them. */
export const searchableColumns = ['FullName', 'FirstName', 'LastName', 'Email', 'Phone'];

/**
 * The filter for a customer search: the CustomerId exactly, or a case-insensitive part of a name,
 * email or phone among `columns` (the columns Customer has).
 */
export function customerSearchFilter(text: string, columns: string[]): string {
  const q = odataString(text.trim().toLowerCase());
  const parts = searchableColumns
    .filter((c) => columns.includes(c))
    .map((c) => `contains(tolower(${c}), ${q})`);
  return [`CustomerId eq ${odataString(text.trim())}`, ...parts].join(' or ');
}
