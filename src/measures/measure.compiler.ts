/** Compiles a checked measure definition to one parameterised SELECT (see README for its columns). */
import { SqlParams, activityTable, compileComparison, type Catalog } from '../conditions/index.js';
import { quoteIdent, type SqlValue } from '../warehouse/index.js';
import { compileExpression } from './expression.compiler.js';
import { parseExpression } from './expression.parser.js';
import { dimensionName, timeColumnOf } from './measure.check.js';
import { measureKind, type MeasureDefinition } from './measure.schema.js';

export interface CompiledMeasure {
  sql: string;
  params: SqlValue[];
  /** Output columns before `Value`: `CustomerId`, the dimension names, or none. */
  keys: string[];
}

const truncUnit = { day: "'day'", month: "'month'", year: "'year'" } as const;

function compileAggregate(def: MeasureDefinition, params: SqlParams): string {
  let x = '';
  if (def.expression !== undefined) {
    const parsed = parseExpression(def.expression);
    if (!parsed.ok) throw new Error(`unchecked measure expression: ${parsed.error.message}`);
    x = compileExpression(parsed.value, 't', params);
  }
  const time = `t.${quoteIdent(timeColumnOf(def))}`;
  switch (def.aggregate) {
    case 'count':
      return x === '' ? 'count(*)' : `count(${x})`;
    case 'countDistinct':
      return `count(DISTINCT ${x})`;
    case 'sum':
      return `CAST(sum(${x}) AS DOUBLE)`;
    case 'avg':
      return `avg(${x})`;
    case 'min':
      return `min(${x})`;
    case 'max':
      return `max(${x})`;
    case 'first':
      return `arg_min(${x}, ${time})`;
    case 'last':
      return `arg_max(${x}, ${time})`;
  }
}

/**
 * `catalog` must hold the measure's table (checked by the caller). Customer-level measures
 * skip activities whose customer is unknown (NULL CustomerId).
 */
export function compileMeasure(
  def: MeasureDefinition,
  catalog: Catalog,
  now: Date,
): CompiledMeasure {
  const table = def.from ?? activityTable;
  const columns = (table === activityTable ? catalog.activity : catalog.customer)!;
  const params = new SqlParams();
  const where: string[] = [];
  if (def.activityType !== undefined)
    where.push(`t."ActivityType" = ${params.add(def.activityType)}`);
  for (const c of def.where ?? []) {
    where.push(
      compileComparison(c, `t.${quoteIdent(c.attribute)}`, columns.get(c.attribute)!, params, now),
    );
  }
  if (def.within) {
    const time = timeColumnOf(def);
    where.push(
      compileComparison(
        { op: 'within', window: def.within },
        `t.${quoteIdent(time)}`,
        columns.get(time)!,
        params,
        now,
      ),
    );
  }
  const select: string[] = [];
  const keys: string[] = [];
  if (measureKind(def) === 'customer') {
    where.push('t."CustomerId" IS NOT NULL');
    select.push('t."CustomerId" AS "CustomerId"');
    keys.push('CustomerId');
  }
  for (const d of def.dimensions ?? []) {
    const name = dimensionName(d);
    const col = `t.${quoteIdent(typeof d === 'string' ? d : d.column)}`;
    const bucket = typeof d === 'string' ? undefined : d.bucket;
    select.push(
      `${bucket ? `CAST(date_trunc(${truncUnit[bucket]}, ${col}) AS DATE)` : col} AS ${quoteIdent(name)}`,
    );
    keys.push(name);
  }
  select.push(`${compileAggregate(def, params)} AS "Value"`);
  const ordinals = keys.map((_, i) => String(i + 1)).join(', ');
  const sql = [
    `SELECT ${select.join(', ')} FROM ${quoteIdent(table)} t`,
    where.length > 0 ? `WHERE ${where.join(' AND ')}` : '',
    keys.length > 0 ? `GROUP BY ${ordinals} ORDER BY ${ordinals}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return { sql, params: params.values, keys };
}
