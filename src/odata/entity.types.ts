/** What the OData layer knows about an entity: its columns (the allow-list) and its key. */
export type ColumnCategory = 'string' | 'number' | 'boolean' | 'date' | 'datetime' | 'other';

export interface EntityColumn {
  name: string;
  /** The DuckDB type, e.g. VARCHAR, BIGINT, TIMESTAMP, VARCHAR[]. */
  sqlType: string;
  category: ColumnCategory;
}

/** A collection reachable from an entity row, filtered with `Name/any(v: …)`. */
export interface EntityCollection {
  name: string;
  /** The table holding the collection's rows. */
  table: string;
  /** Column of `table` equal to the entity's `entityColumn`. */
  joinColumn: string;
  entityColumn: string;
  /** Column of `table` that the lambda variable stands for. */
  valueColumn: string;
  valueCategory: ColumnCategory;
}

export type EntityKind = 'source' | 'profile' | 'activity' | 'unification' | 'segment' | 'measure';

export interface EntityInfo {
  name: string;
  kind: EntityKind;
  columns: EntityColumn[];
  /** Columns that identify a row; keyset paging orders by them last. */
  key: string[];
  collections: EntityCollection[];
  /** True when real-time writes are stored for this entity (see realtime.overlay.ts). */
  overlay: boolean;
}

export function categorize(sqlType: string): ColumnCategory {
  const t = sqlType.toUpperCase();
  if (t === 'VARCHAR' || t === 'UUID' || t.startsWith('VARCHAR(')) return 'string';
  if (t === 'BOOLEAN') return 'boolean';
  if (t === 'DATE') return 'date';
  if (t.startsWith('TIMESTAMP')) return 'datetime';
  if (
    /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL)$/.test(
      t,
    ) ||
    t.startsWith('DECIMAL')
  )
    return 'number';
  return 'other';
}
