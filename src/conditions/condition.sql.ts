/**
 * Compiles checked comparisons to parameterised DuckDB SQL. User values only ever travel as `$n`
 * parameters; identifiers come from the checked catalog and are quoted. Relative dates and windows
 * are resolved here from the `now` passed in, so the SQL itself never reads the clock.
 */
import type { SqlValue } from '../warehouse/index.js';
import type { ColumnCategory } from './column.catalog.js';
import { parseIsoDate } from './condition.check.js';
import type { Comparison, RelativeDate, Scalar, TimeUnit, Window } from './condition.schema.js';

/** Collects parameters in order; `add` answers the placeholder to put in the SQL. */
export class SqlParams {
  readonly values: SqlValue[] = [];
  add(v: SqlValue): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

const castType: Record<ColumnCategory, string> = {
  string: 'VARCHAR',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  list: 'VARCHAR',
  other: 'VARCHAR',
};

/** `now` moved back by `n` units (UTC calendar arithmetic for months and years). */
export function shiftBack(now: Date, n: number, unit: TimeUnit): Date {
  const d = new Date(now.getTime());
  if (unit === 'day') d.setUTCDate(d.getUTCDate() - n);
  else if (unit === 'week') d.setUTCDate(d.getUTCDate() - 7 * n);
  else if (unit === 'month') d.setUTCMonth(d.getUTCMonth() - n);
  else d.setUTCFullYear(d.getUTCFullYear() - n);
  return d;
}

/** Start of the UTC calendar period containing `now` (weeks start on Monday, as in ISO 8601). */
export function startOfPeriod(now: Date, unit: TimeUnit): Date {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  if (unit === 'year') return new Date(Date.UTC(y, 0, 1));
  if (unit === 'month') return new Date(Date.UTC(y, m, 1));
  const day = new Date(Date.UTC(y, m, now.getUTCDate()));
  if (unit === 'day') return day;
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day;
}

function startOfNextPeriod(now: Date, unit: TimeUnit): Date {
  const s = startOfPeriod(now, unit);
  if (unit === 'year') s.setUTCFullYear(s.getUTCFullYear() + 1);
  else if (unit === 'month') s.setUTCMonth(s.getUTCMonth() + 1);
  else s.setUTCDate(s.getUTCDate() + (unit === 'week' ? 7 : 1));
  return s;
}

export interface Bounds {
  from?: Date;
  to?: Date;
  /** True when `to` itself is inside the window (a `last` window ends at `now`, inclusive). */
  toInclusive: boolean;
}

export function resolveWindow(w: Window, now: Date): Bounds {
  if (w.last !== undefined && w.unit !== undefined) {
    return { from: shiftBack(now, w.last, w.unit), to: now, toInclusive: true };
  }
  if (w.current !== undefined) {
    return {
      from: startOfPeriod(now, w.current),
      to: startOfNextPeriod(now, w.current),
      toInclusive: false,
    };
  }
  const from = w.from === undefined ? undefined : parseIsoDate(w.from);
  const to = w.to === undefined ? undefined : parseIsoDate(w.to);
  return { ...(from && { from }), ...(to && { to }), toInclusive: false };
}

/** A date as the text DuckDB casts: a UTC date for DATE columns, a UTC timestamp otherwise. */
function renderDate(d: Date, category: ColumnCategory): string {
  const iso = d.toISOString();
  return category === 'date' ? iso.slice(0, 10) : iso.slice(0, 23).replace('T', ' ');
}

export function resolveDateValue(v: string | RelativeDate, now: Date): Date {
  return typeof v === 'string' ? parseIsoDate(v)! : shiftBack(now, v.ago, v.unit);
}

function bind(
  v: Scalar | RelativeDate,
  category: ColumnCategory,
  params: SqlParams,
  now: Date,
): string {
  if (category === 'date' || category === 'timestamp') {
    const d = resolveDateValue(v as string | RelativeDate, now);
    return `CAST(${params.add(renderDate(d, category))} AS ${castType[category]})`;
  }
  return `CAST(${params.add(v as Scalar)} AS ${castType[category]})`;
}

const sqlOp = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

/**
 * SQL for `expr <op> value`, given the category of `expr`. The result may be NULL when `expr` is
 * NULL; callers that need two-valued logic wrap it in `COALESCE(…, false)`.
 */
export function compileComparison(
  c: Comparison,
  expr: string,
  category: ColumnCategory,
  params: SqlParams,
  now: Date,
): string {
  const fold = (s: string): string => (c.ignoreCase ? `lower(${s})` : s);
  const lhs = fold(expr);
  switch (c.op) {
    case 'exists':
      return `(${expr} IS NOT NULL)`;
    case 'within': {
      const b = resolveWindow(c.window!, now);
      const parts: string[] = [];
      if (b.from)
        parts.push(
          `${expr} >= CAST(${params.add(renderDate(b.from, category))} AS ${castType[category]})`,
        );
      if (b.to) {
        parts.push(
          `${expr} ${b.toInclusive ? '<=' : '<'} CAST(${params.add(renderDate(b.to, category))} AS ${castType[category]})`,
        );
      }
      return parts.length === 0 ? `(${expr} IS NOT NULL)` : `(${parts.join(' AND ')})`;
    }
    case 'in': {
      const list = (c.value as Scalar[]).map((x) => fold(bind(x, category, params, now)));
      return `(${lhs} IN (${list.join(', ')}))`;
    }
    case 'contains':
      return category === 'list'
        ? `list_contains(${expr}, ${params.add(c.value as string)})`
        : `contains(${lhs}, ${fold(params.add(c.value as string))})`;
    case 'startsWith':
      return `starts_with(${lhs}, ${fold(params.add(c.value as string))})`;
    case 'endsWith':
      return `ends_with(${lhs}, ${fold(params.add(c.value as string))})`;
    default:
      return `(${lhs} ${sqlOp[c.op]} ${fold(bind(c.value as Scalar | RelativeDate, category, params, now))})`;
  }
}
