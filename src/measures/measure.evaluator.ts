/**
 * Evaluates a measure: its values replace `Measure_<name>` in one warehouse transaction (and, for a
 * customer-level measure, `Customer_Measure` is rebuilt over every customer-level measure table),
 * then a bounded summary is returned for the value history.
 */
import { activityTable, customerTable, tableMissing, type Catalog } from '../conditions/index.js';
import { ok, type Result } from '../errors/index.js';
import { quoteIdent, type InstanceWarehouse, type Row, type SqlValue } from '../warehouse/index.js';
import { checkMeasure } from './measure.check.js';
import { compileMeasure, type CompiledMeasure } from './measure.compiler.js';
import {
  customerMeasureView,
  measureKind,
  measureTable,
  type MeasureDefinition,
  type MeasureKind,
} from './measure.schema.js';

/** At most this many groups of a dimensional measure go into one history entry. */
export const maxHistoryGroups = 1000;

export interface MeasureOutcome {
  kind: MeasureKind;
  /** The scalar value; null for dimensional and customer-level measures (and for no rows). */
  value: number | null;
  /** Dimensional: `{<dimension>: …, value}` rows ordered by the dimensions, at most maxHistoryGroups. */
  values?: Record<string, unknown>[];
  /** Dimensional: the number of groups; customer-level: customers with a value. */
  groups?: number;
  truncated?: boolean;
}

/** Checks the tables a measure reads exist and its columns fit, then compiles it. */
export function prepareMeasure(
  def: MeasureDefinition,
  catalog: Catalog,
  now: Date,
): Result<CompiledMeasure> {
  const table = def.from ?? activityTable;
  if (!(table === customerTable ? catalog.customer : catalog.activity)) return tableMissing(table);
  if (measureKind(def) === 'customer' && !catalog.customer) return tableMissing(customerTable);
  const checked = checkMeasure(def, catalog, '', { activityTypes: false });
  if (!checked.ok) return checked;
  return ok(compileMeasure(def, catalog, now));
}

function toJson(v: unknown): unknown {
  if (!(v instanceof Date)) return typeof v === 'bigint' ? Number(v) : v;
  const iso = v.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

type Read = (sql: string, params?: SqlValue[]) => Promise<Row[]>;

/** Summarizes the rows of `relation` (a table name or a parenthesised SELECT). */
async function summarize(
  read: Read,
  relation: string,
  params: SqlValue[],
  kind: MeasureKind,
  keys: string[],
): Promise<MeasureOutcome> {
  if (kind === 'scalar') {
    const [row] = await read(`SELECT "Value" FROM ${relation}`, params);
    return { kind, value: toNumber(row?.Value) };
  }
  const [count] = await read(`SELECT count(*) AS n, count("Value") AS v FROM ${relation}`, params);
  if (kind === 'customer') return { kind, value: null, groups: toNumber(count?.v) ?? 0 };
  const groups = toNumber(count?.n) ?? 0;
  const rows = await read(`SELECT * FROM ${relation} LIMIT ${maxHistoryGroups}`, params);
  const values = rows.map((r) => {
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = toJson(r[k]);
    out.value = toNumber(r.Value);
    return out;
  });
  return { kind, value: null, values, groups, truncated: groups > values.length };
}

/** Runs the measure without storing anything (the API's dry run). */
export async function previewMeasure(
  wh: InstanceWarehouse,
  compiled: CompiledMeasure,
  def: MeasureDefinition,
): Promise<MeasureOutcome> {
  return summarize(
    (s, p) => wh.query(s, p),
    `(${compiled.sql})`,
    compiled.params,
    measureKind(def),
    compiled.keys,
  );
}

/**
 * Stores the values and returns their summary. `customerMeasures` names every customer-level
 * measure of the instance: the ones whose table exists become columns of Customer_Measure.
 */
export async function storeMeasure(
  wh: InstanceWarehouse,
  def: MeasureDefinition,
  compiled: CompiledMeasure,
  customerMeasures: string[],
  signal?: AbortSignal,
): Promise<MeasureOutcome> {
  const table = quoteIdent(measureTable(def.name));
  return wh.write(async (w) => {
    await w.run('BEGIN TRANSACTION');
    try {
      await w.run(`CREATE OR REPLACE TABLE ${table} AS ${compiled.sql}`, compiled.params);
      if (measureKind(def) === 'customer')
        await rebuildCustomerMeasureView((s, p) => w.all(s, p), customerMeasures);
      const outcome = await summarize(
        (s, p) => w.all(s, p),
        table,
        [],
        measureKind(def),
        compiled.keys,
      );
      await w.run('COMMIT');
      return outcome;
    } catch (e) {
      await w.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }, signal);
}

/** Customer_Measure: one row per customer, one column per stored customer-level measure. */
export async function rebuildCustomerMeasureView(run: Read, names: string[]): Promise<void> {
  const rows = await run(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'`,
  );
  const tables = new Set(rows.map((r) => String(r.table_name)));
  const present = [...new Set(names)].sort().filter((n) => tables.has(measureTable(n)));
  if (present.length === 0 || !tables.has(customerTable)) {
    await run(`DROP VIEW IF EXISTS ${quoteIdent(customerMeasureView)}`);
    return;
  }
  const cols = present.map((n, i) => `m${i}."Value" AS ${quoteIdent(n)}`);
  const joins = present.map(
    (n, i) =>
      `LEFT JOIN ${quoteIdent(measureTable(n))} m${i} ON m${i}."CustomerId" = c."CustomerId"`,
  );
  await run(
    `CREATE OR REPLACE VIEW ${quoteIdent(customerMeasureView)} AS SELECT c."CustomerId", ${cols.join(', ')} FROM ${quoteIdent(customerTable)} c ${joins.join(' ')}`,
  );
}
