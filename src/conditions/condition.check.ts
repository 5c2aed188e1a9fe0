/**
 * Semantic checks of a comparison against the type of what it compares: every error names the
 * path of the offending field (`/segments/2/rule/and/0/value`), so a project file or an API body
 * points at the exact node.
 */
import { ErrorCode, err, makeError, ok, type AppError, type Result } from '../errors/index.js';
import type { ColumnCategory, Columns } from './column.catalog.js';
import type { Comparison, RelativeDate, Scalar, Window } from './condition.schema.js';

export function invalid(path: string, message: string): AppError {
  return makeError(ErrorCode.validation, 'user', `${path}: ${message}`, path);
}

const isoDate = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parses an ISO-8601 date or date-time (UTC when no offset is given); undefined when invalid. */
export function parseIsoDate(s: string): Date | undefined {
  if (!isoDate.test(s)) return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(s) && s.length > 10;
  const d = new Date(s.length === 10 || hasZone ? s : `${s.replace(' ', 'T')}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function isRelative(v: unknown): v is RelativeDate {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'ago' in v;
}

const ordered: ReadonlySet<ColumnCategory> = new Set(['string', 'number', 'date', 'timestamp']);
const textOps = new Set(['contains', 'startsWith', 'endsWith']);

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (isRelative(v)) return 'a relative date';
  return `a ${typeof v}`;
}

function checkScalar(
  v: Scalar | RelativeDate,
  category: ColumnCategory,
  path: string,
): Result<void> {
  const fits =
    (category === 'string' && typeof v === 'string') ||
    (category === 'number' && typeof v === 'number' && Number.isFinite(v)) ||
    (category === 'boolean' && typeof v === 'boolean') ||
    ((category === 'date' || category === 'timestamp') &&
      (isRelative(v) || (typeof v === 'string' && parseIsoDate(v) !== undefined)));
  if (fits) return ok(undefined);
  const expected =
    category === 'date' || category === 'timestamp'
      ? 'an ISO-8601 date or {ago, unit}'
      : `a ${category}`;
  return err(
    invalid(path, `type mismatch: a ${category} column needs ${expected}, got ${describeValue(v)}`),
  );
}

export function checkWindow(w: Window, path: string): Result<void> {
  const forms = [
    w.last !== undefined || w.unit !== undefined,
    w.current !== undefined,
    w.from !== undefined || w.to !== undefined,
  ];
  if (forms.filter(Boolean).length !== 1) {
    return err(invalid(path, 'a window is one of {last, unit}, {current} or {from, to}'));
  }
  if (forms[0] && (w.last === undefined || w.unit === undefined)) {
    return err(
      invalid(
        `${path}/${w.last === undefined ? 'last' : 'unit'}`,
        'a {last, unit} window needs both',
      ),
    );
  }
  for (const key of ['from', 'to'] as const) {
    const v = w[key];
    if (v !== undefined && parseIsoDate(v) === undefined) {
      return err(invalid(`${path}/${key}`, `not an ISO-8601 date: ${JSON.stringify(v)}`));
    }
  }
  return ok(undefined);
}

/** What can be checked without knowing the compared type: the value or window each op needs. */
export function checkComparisonShape(c: Comparison, path: string): Result<void> {
  if (c.op !== 'within' && c.window !== undefined) {
    return err(invalid(`${path}/window`, `op "${c.op}" takes a value, not a window`));
  }
  if (c.op === 'exists') {
    return c.value === undefined
      ? ok(undefined)
      : err(invalid(`${path}/value`, 'op "exists" takes no value'));
  }
  if (c.op === 'within') {
    if (c.value !== undefined) {
      return err(invalid(`${path}/value`, 'op "within" takes a window, not a value'));
    }
    if (c.window === undefined) return err(invalid(`${path}/window`, 'op "within" needs a window'));
    return checkWindow(c.window, `${path}/window`);
  }
  if (c.value === undefined) return err(invalid(`${path}/value`, `op "${c.op}" needs a value`));
  if (c.op === 'in') {
    if (!Array.isArray(c.value)) {
      return err(invalid(`${path}/value`, 'op "in" needs a list of values'));
    }
    if (c.value.length === 0)
      return err(invalid(`${path}/value`, 'op "in" needs a non-empty list'));
  } else if (Array.isArray(c.value)) {
    return err(invalid(`${path}/value`, `op "${c.op}" needs one value, not a list`));
  }
  return ok(undefined);
}

/** Checks `c` compares something of `category`; `path` points at the condition node. */
export function checkComparison(
  c: Comparison,
  category: ColumnCategory,
  path: string,
): Result<void> {
  const shape = checkComparisonShape(c, path);
  if (!shape.ok) return shape;
  if (category === 'other' || (category === 'list' && c.op !== 'contains' && c.op !== 'exists')) {
    return err(invalid(`${path}/op`, `op "${c.op}" is not supported on a ${category} column`));
  }
  if (c.ignoreCase !== undefined && category !== 'string') {
    return err(invalid(`${path}/ignoreCase`, 'ignoreCase applies to string columns only'));
  }
  if (c.op === 'exists') return ok(undefined);
  if (c.op === 'within') {
    return category === 'date' || category === 'timestamp'
      ? ok(undefined)
      : err(
          invalid(
            `${path}/op`,
            `op "within" needs a date or timestamp column, not a ${category} one`,
          ),
        );
  }
  const v = c.value!;
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) {
      const r = checkScalar(x, category, `${path}/value/${i}`);
      if (!r.ok) return r;
    }
    return ok(undefined);
  }
  if (textOps.has(c.op)) {
    if (category !== 'string' && category !== 'list') {
      return err(
        invalid(`${path}/op`, `op "${c.op}" needs a string column, not a ${category} one`),
      );
    }
    return typeof v === 'string'
      ? ok(undefined)
      : err(
          invalid(
            `${path}/value`,
            `type mismatch: op "${c.op}" needs a string, got ${describeValue(v)}`,
          ),
        );
  }
  if (c.op !== 'eq' && c.op !== 'ne' && !ordered.has(category)) {
    return err(invalid(`${path}/op`, `op "${c.op}" cannot order a ${category} column`));
  }
  return checkScalar(v, category, `${path}/value`);
}

/** Checks an attribute condition against a table's columns. */
export function checkAttribute(
  c: Comparison & { attribute: string },
  columns: Columns,
  table: string,
  path: string,
): Result<void> {
  const category = columns.get(c.attribute);
  if (category === undefined) {
    return err(
      invalid(
        `${path}/attribute`,
        `unknown attribute "${c.attribute}" of ${table}; columns: ${[...columns.keys()].join(', ')}`,
      ),
    );
  }
  return checkComparison(c, category, path);
}
