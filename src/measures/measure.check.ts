/**
 * Validation of measure definitions: the shape (TypeBox), then the combinations and, when the
 * warehouse tables exist, the columns and their types. Errors name the path (`/measures/0/expression`).
 */
import {
  activityTable,
  checkAttribute,
  checkComparisonShape,
  checkWindow,
  customerTable,
  invalid,
  type Catalog,
  type ColumnCategory,
  type Columns,
} from '../conditions/index.js';
import { err, ok, type Result } from '../errors/index.js';
import { validate } from '../schema/index.js';
import { checkExpression, parseAt } from './expression.check.js';
import { MeasureDefinition, measureKind, type Dimension } from './measure.schema.js';

const reservedColumns = new Set(['CustomerId', 'Value']);

/** Shape and combinations that need no warehouse: what `apply` checks before any data exists. */
export function validateMeasure(body: unknown, base = ''): Result<MeasureDefinition> {
  const v = validate(MeasureDefinition, body, base);
  if (!v.ok) return v;
  const def = v.value;
  const from = def.from ?? activityTable;
  if (def.aggregate !== 'count' && def.expression === undefined) {
    return err(invalid(`${base}/expression`, `aggregate "${def.aggregate}" needs an expression`));
  }
  if (def.expression !== undefined) {
    const parsed = parseAt(def.expression, `${base}/expression`);
    if (!parsed.ok) return parsed;
  }
  if (def.perCustomer && def.dimensions) {
    return err(
      invalid(`${base}/dimensions`, 'a customer-level measure (perCustomer) takes no dimensions'),
    );
  }
  if (def.activityType !== undefined && from !== activityTable) {
    return err(
      invalid(`${base}/activityType`, 'activityType applies to measures over UnifiedActivity'),
    );
  }
  const needsTime =
    def.within !== undefined || def.aggregate === 'first' || def.aggregate === 'last';
  if (from === customerTable && needsTime && def.timeColumn === undefined) {
    return err(
      invalid(`${base}/timeColumn`, 'a window, first or last over Customer needs a timeColumn'),
    );
  }
  if (def.within) {
    const w = checkWindow(def.within, `${base}/within`);
    if (!w.ok) return w;
  }
  for (const [i, c] of (def.where ?? []).entries()) {
    const r = checkComparisonShape(c, `${base}/where/${i}`);
    if (!r.ok) return r;
  }
  if (def.perCustomer && reservedColumns.has(def.name)) {
    return err(invalid(`${base}/name`, `"${def.name}" is a reserved column of Customer_Measure`));
  }
  const names = new Set<string>();
  for (const [i, d] of (def.dimensions ?? []).entries()) {
    const name = dimensionName(d);
    if (names.has(name) || reservedColumns.has(name)) {
      return err(
        invalid(
          `${base}/dimensions/${i}`,
          `duplicate or reserved dimension name "${name}"; use "as"`,
        ),
      );
    }
    names.add(name);
  }
  return ok(def);
}

export function dimensionName(d: Dimension): string {
  if (typeof d === 'string') return d;
  return d.as ?? (d.bucket ? `${d.column}_${d.bucket}` : d.column);
}

export function timeColumnOf(def: MeasureDefinition): string {
  return def.timeColumn ?? 'Timestamp';
}

/** The category of a measure's values: what a segment's measure condition compares with. */
export function valueCategory(def: MeasureDefinition, catalog: Catalog): ColumnCategory {
  if (['count', 'countDistinct', 'sum', 'avg'].includes(def.aggregate)) return 'number';
  const table = def.from ?? activityTable;
  const cols = table === customerTable ? catalog.customer : catalog.activity;
  const parsed = parseAt(def.expression ?? '', '');
  if (!cols || !parsed.ok) return 'number';
  const category = checkExpression(parsed.value, cols, table, '');
  return category.ok ? category.value : 'number';
}

function checkColumn(
  columns: Columns,
  table: string,
  column: string,
  allowed: ColumnCategory[],
  path: string,
  why: string,
): Result<ColumnCategory> {
  const category = columns.get(column);
  if (category === undefined) {
    return err(
      invalid(
        path,
        `unknown column "${column}" of ${table}; columns: ${[...columns.keys()].join(', ')}`,
      ),
    );
  }
  if (!allowed.includes(category)) {
    return err(
      invalid(
        path,
        `type mismatch: ${why} needs a ${allowed.join(' or ')} column; "${column}" is ${category}`,
      ),
    );
  }
  return ok(category);
}

const anyScalar: ColumnCategory[] = ['string', 'number', 'boolean', 'date', 'timestamp'];

/**
 * Checks columns and types against the warehouse. A table that does not exist yet is not checked
 * here (the evaluation fails naming it); `knownActivityTypes` is checked only at the API boundary.
 */
export function checkMeasure(
  def: MeasureDefinition,
  catalog: Catalog,
  base: string,
  opts: { activityTypes: boolean },
): Result<void> {
  const table = def.from ?? activityTable;
  const columns = table === customerTable ? catalog.customer : catalog.activity;
  if (!columns) return ok(undefined);
  const kind = measureKind(def);
  if (def.expression !== undefined) {
    const path = `${base}/expression`;
    const parsed = parseAt(def.expression, path);
    if (!parsed.ok) return parsed;
    const category = checkExpression(parsed.value, columns, table, path);
    if (!category.ok) return category;
    const numeric = def.aggregate === 'sum' || def.aggregate === 'avg' || kind !== 'customer';
    const allowed: ColumnCategory[] =
      def.aggregate === 'count' || def.aggregate === 'countDistinct'
        ? anyScalar
        : numeric
          ? ['number']
          : ['number', 'date', 'timestamp', 'string'];
    if (!allowed.includes(category.value)) {
      const why =
        numeric && kind !== 'customer' ? `a ${kind} measure's ${def.aggregate}` : def.aggregate;
      return err(
        invalid(
          path,
          `type mismatch: ${why} needs a ${allowed.join(' or ')} column; "${def.expression}" is ${category.value}`,
        ),
      );
    }
  }
  const needsTime =
    def.within !== undefined || def.aggregate === 'first' || def.aggregate === 'last';
  if (needsTime) {
    const path = def.timeColumn === undefined ? `${base}/within` : `${base}/timeColumn`;
    const c = checkColumn(
      columns,
      table,
      timeColumnOf(def),
      ['date', 'timestamp'],
      path,
      'a time window',
    );
    if (!c.ok) return c;
  }
  if (kind === 'customer' && !columns.has('CustomerId')) {
    return err(invalid(`${base}/perCustomer`, `${table} has no CustomerId column`));
  }
  if (
    opts.activityTypes &&
    def.activityType !== undefined &&
    catalog.activityTypes &&
    !catalog.activityTypes.has(def.activityType)
  ) {
    return err(
      invalid(
        `${base}/activityType`,
        `unknown activity type "${def.activityType}"; known: ${[...catalog.activityTypes].join(', ') || 'none'}`,
      ),
    );
  }
  for (const [i, c] of (def.where ?? []).entries()) {
    const r = checkAttribute(c, columns, table, `${base}/where/${i}`);
    if (!r.ok) return r;
  }
  for (const [i, d] of (def.dimensions ?? []).entries()) {
    const column = typeof d === 'string' ? d : d.column;
    const bucketed = typeof d !== 'string' && d.bucket !== undefined;
    const path = `${base}/dimensions/${i}${typeof d === 'string' ? '' : '/column'}`;
    const c = checkColumn(
      columns,
      table,
      column,
      bucketed ? ['date', 'timestamp'] : anyScalar,
      path,
      bucketed ? 'a date bucket' : 'a dimension',
    );
    if (!c.ok) return c;
  }
  return ok(undefined);
}
