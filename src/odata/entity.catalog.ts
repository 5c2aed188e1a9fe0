/**
 * Which warehouse tables are entities, with their columns (the allow-list), keys and collections.
 * Entities: ingested source tables (`<source>_<table>`, keyed by the source's primary key) and,
 * when present, the unified and computed tables below. Other tables (staging, `_corrupt`, the
 * real-time overlay) are never exposed.
 */
import { primaryKeyColumns } from '../sources/index.js';
import type { StateStore } from '../state/index.js';
import { quoteIdent, toTableName, type InstanceWarehouse } from '../warehouse/index.js';
import { categorize, type EntityInfo, type EntityKind } from './entity.types.js';
import { overlayTableOf } from './realtime.overlay.js';

/** Built-in entities and their keys; an empty key means "every column" (no declared key). */
const builtIn: Record<string, { kind: EntityKind; key: string[] }> = {
  Customer: { kind: 'profile', key: ['CustomerId'] },
  UnifiedActivity: { kind: 'activity', key: ['ActivityId'] },
  CustomerLink: { kind: 'unification', key: ['SourceTable', 'RecordId'] },
  ConflationMatchPair: { kind: 'unification', key: [] },
  SegmentMembership: { kind: 'segment', key: ['Segment', 'CustomerId'] },
  Customer_Measure: { kind: 'measure', key: ['CustomerId'] },
};

interface SourceTableKeys {
  tables: Map<string, string[]>;
}

async function sourceTables(state: StateStore, instance: string): Promise<SourceTableKeys> {
  const tables = new Map<string, string[]>();
  for (const s of await state.listSources(instance)) {
    const def = s.definition as { tables?: { name: string; primaryKey: string | string[] }[] };
    for (const t of def.tables ?? []) {
      tables.set(toTableName(s.name, t.name), primaryKeyColumns(t.primaryKey));
    }
  }
  return { tables };
}

/** Columns of the instance's tables and views by table name, in column order. */
export type TableColumns = Map<string, { name: string; sqlType: string }[]>;

/** Reads the columns of every table and view of the warehouse's main schema. */
export type TableColumnsReader = (wh: InstanceWarehouse) => Promise<TableColumns>;

export const readTableColumns: TableColumnsReader = async (wh) => {
  const rows = await wh.query(
    `SELECT table_name, column_name, data_type FROM duckdb_columns()
     WHERE schema_name = 'main' AND database_name = current_database()
     ORDER BY table_name, column_index`,
  );
  const out: TableColumns = new Map();
  for (const r of rows) {
    const t = String(r.table_name);
    const list = out.get(t) ?? [];
    list.push({ name: String(r.column_name), sqlType: String(r.data_type) });
    out.set(t, list);
  }
  return out;
};

/**
 * A reader that keeps each instance's table columns until the warehouse's catalog stamp changes
 * (after any write), so per-request reads skip the catalog query. While a write runs nothing is
 * cached: the catalog may be changing.
 */
export function createTableColumnsCache(): TableColumnsReader {
  const cached = new Map<string, { stamp: number; tables: Promise<TableColumns> }>();
  return (wh) => {
    const stamp = wh.catalogStamp();
    if (stamp === undefined) return readTableColumns(wh);
    const hit = cached.get(wh.instance);
    if (hit?.stamp === stamp) return hit.tables;
    const tables = readTableColumns(wh);
    cached.set(wh.instance, { stamp, tables });
    tables.catch(() => {
      if (cached.get(wh.instance)?.tables === tables) cached.delete(wh.instance);
    });
    return tables;
  };
}

function toEntity(
  name: string,
  kind: EntityKind,
  declaredKey: string[],
  cols: { name: string; sqlType: string }[],
  present: Set<string>,
): EntityInfo {
  const overlay = overlayTableOf(name);
  const columns = cols.map((c) => ({ ...c, category: categorize(c.sqlType) }));
  const key = declaredKey.length > 0 ? declaredKey : columns.map((c) => c.name);
  return {
    name,
    kind,
    columns,
    key,
    collections:
      name === 'Customer' && present.has('SegmentMembership')
        ? [
            {
              name: 'Segments',
              table: 'SegmentMembership',
              joinColumn: 'CustomerId',
              entityColumn: 'CustomerId',
              valueColumn: 'Segment',
              valueCategory: 'string',
            },
          ]
        : [],
    overlay: overlay !== undefined && present.has(overlay),
  };
}

/** Every entity of the instance, built-in ones first, then source tables by name. */
export async function listEntities(
  state: StateStore,
  wh: InstanceWarehouse,
  instance: string,
  readTables: TableColumnsReader = readTableColumns,
): Promise<EntityInfo[]> {
  const sources = await sourceTables(state, instance);
  const names = [...Object.keys(builtIn), ...[...sources.tables.keys()].sort()];
  const described = await readTables(wh);
  const present = new Set(described.keys());
  const out: EntityInfo[] = [];
  for (const name of names) {
    const cols = described.get(name);
    if (!cols) continue;
    const b = builtIn[name];
    out.push(
      toEntity(name, b?.kind ?? 'source', b?.key ?? sources.tables.get(name) ?? [], cols, present),
    );
  }
  return out;
}

/** One entity, or undefined when it is not an entity of this instance (or not loaded yet). */
export async function describeEntity(
  state: StateStore,
  wh: InstanceWarehouse,
  instance: string,
  name: string,
  readTables: TableColumnsReader = readTableColumns,
): Promise<EntityInfo | undefined> {
  const b = builtIn[name];
  let key = b?.key;
  if (!b) {
    key = (await sourceTables(state, instance)).tables.get(name);
    if (!key) return undefined;
  }
  const described = await readTables(wh);
  const cols = described.get(name);
  if (!cols) return undefined;
  return toEntity(name, b?.kind ?? 'source', key ?? [], cols, new Set(described.keys()));
}

/**
 * Whether an entity's table is stored with its rows in strictly increasing order of its one-column
 * key: reads in key order can then stream in storage order and stop at `$top` instead of sorting
 * every match.
 */
export type KeyOrderReader = (wh: InstanceWarehouse, entity: EntityInfo) => Promise<boolean>;

/**
 * Checks, once per table and warehouse write, that the rows are stored (in `rowid` order, the order
 * a scan returns them in) with a non-null, strictly increasing one-column key — as the merge stage
 * writes `Customer`. Views, composite keys and tables with an overlay answer false; so does any
 * table while a write runs (nothing is cached then).
 */
export function createKeyOrderCache(): KeyOrderReader {
  const cached = new Map<string, { stamp: number; tables: Map<string, Promise<boolean>> }>();
  return (wh, entity) => {
    if (entity.key.length !== 1 || entity.overlay) return Promise.resolve(false);
    const stamp = wh.catalogStamp();
    if (stamp === undefined) return Promise.resolve(false);
    let hit = cached.get(wh.instance);
    if (hit?.stamp !== stamp) {
      hit = { stamp, tables: new Map() };
      cached.set(wh.instance, hit);
    }
    // By table and key column: a source's key can change without a warehouse write.
    const id = `${entity.name}\u0000${entity.key[0]!}`;
    let sorted = hit.tables.get(id);
    if (!sorted) {
      sorted = readKeyOrder(wh, entity.name, entity.key[0]!);
      hit.tables.set(id, sorted);
    }
    return sorted;
  };
}

async function readKeyOrder(wh: InstanceWarehouse, table: string, key: string): Promise<boolean> {
  const k = quoteIdent(key);
  try {
    const [r] = await wh.query(
      `SELECT count(*) FILTER (WHERE k IS NULL OR p >= k)::BIGINT AS bad FROM (
         SELECT ${k} AS k, lag(${k}) OVER (ORDER BY rowid) AS p FROM ${quoteIdent(table)})`,
    );
    return Number(r?.bad ?? 1) === 0;
  } catch {
    return false; // a view has no rowid: not stored in any order we can rely on
  }
}

/**
 * Gives every entity with a one-column key an ART index on it, so Get item is a point lookup rather
 * than a scan. A refresh that replaces a table drops its index; the snapshot stage calls this after
 * each processing refresh.
 */
export async function indexEntityKeys(
  state: StateStore,
  wh: InstanceWarehouse,
  instance: string,
  signal?: AbortSignal,
): Promise<number> {
  // Views (e.g. Customer_Measure over Customer) cannot be indexed; their base tables are.
  const baseTables = new Set(
    (
      await wh.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'`,
      )
    ).map((r) => String(r.table_name)),
  );
  const entities = (await listEntities(state, wh, instance)).filter(
    (e) => e.key.length === 1 && baseTables.has(e.name),
  );
  await wh.write(async (w) => {
    for (const e of entities) {
      await w.run(
        `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${e.name}__key`)} ON ${quoteIdent(e.name)} (${quoteIdent(e.key[0]!)})`,
      );
    }
  }, signal);
  return entities.length;
}
