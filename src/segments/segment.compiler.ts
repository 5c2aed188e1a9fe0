/**
 * Compiles a checked segment to one parameterised SELECT of distinct CustomerIds.
 *
 * A boolean subtree becomes the WHERE clause of a "group query" over `Customer c`; each activity
 * or measure leaf is a per-customer aggregate (a CTE) LEFT JOINed to it, so customers with no
 * activity are still seen (their count and sum are 0). Set operators become UNION / INTERSECT /
 * EXCEPT between group queries. Leaves are two-valued (`COALESCE(…, false)` below a `not`): a NULL attribute
 * satisfies no comparison, and `not` is the exact complement within Customer.
 */
import {
  SqlParams,
  activityTable,
  compileComparison,
  customerTable,
  type Comparison,
  type Catalog,
} from '../conditions/index.js';
import { measureTable, valueCategory, type MeasureDefinition } from '../measures/index.js';
import { quoteIdent, type SqlValue } from '../warehouse/index.js';
import {
  membershipTable,
  type ActivityCondition,
  type Rule,
  type SegmentDefinition,
  type SetOp,
} from './segment.schema.js';

export interface CompiledSegment {
  sql: string;
  params: SqlValue[];
}

const setSql: Record<SetOp, string> = { union: 'UNION', intersect: 'INTERSECT', except: 'EXCEPT' };

class SegmentCompiler {
  readonly params = new SqlParams();
  private readonly activityCtes = new Map<
    string,
    { name: string; where: string; sums: string[] }
  >();

  constructor(
    private readonly catalog: Catalog,
    private readonly measures: ReadonlyMap<string, MeasureDefinition>,
    private readonly now: Date,
  ) {}

  query(rule: Rule): string {
    const op = setOpOf(rule);
    return op ? this.setQuery(rule, op) : this.group(rule);
  }

  private setQuery(rule: Rule, op: SetOp): string {
    const operands = (rule as Record<SetOp, Rule[]>)[op];
    return operands.map((r) => `(${this.query(r)})`).join(` ${setSql[op]} `);
  }

  private group(rule: Rule): string {
    const joins: string[] = [];
    const where = this.predicate(rule, joins, false);
    return `SELECT c."CustomerId" FROM ${quoteIdent(customerTable)} c ${joins.join(' ')} WHERE ${where}`;
  }

  /**
   * `negated` is true below a `not`: only there can a NULL leaf change the answer, so only there
   * is it made two-valued (elsewhere WHERE already treats NULL as false, and the bare comparison
   * keeps DuckDB's filter pushdown).
   */
  private predicate(rule: Rule, joins: string[], negated: boolean): string {
    const op = setOpOf(rule);
    if (op) return `c."CustomerId" IN (${this.setQuery(rule, op)})`;
    const sub = (r: Rule): string => this.predicate(r, joins, negated);
    if ('and' in rule) return `(${rule.and.map(sub).join(' AND ')})`;
    if ('or' in rule) return `(${rule.or.map(sub).join(' OR ')})`;
    if ('not' in rule) return `(NOT ${this.predicate(rule.not, joins, true)})`;
    if ('inSegment' in rule) {
      return `c."CustomerId" IN (SELECT "CustomerId" FROM ${quoteIdent(membershipTable)} WHERE "Segment" = ${this.params.add(rule.inSegment)})`;
    }
    if ('attribute' in rule) {
      const category = this.catalog.customer!.get(rule.attribute)!;
      return this.twoValued(
        negated,
        compileComparison(rule, `c.${quoteIdent(rule.attribute)}`, category, this.params, this.now),
      );
    }
    if ('activity' in rule) return this.activity(rule, joins, negated);
    if (!('measure' in rule)) throw new Error('set operators are handled above');
    const m = this.measures.get(rule.measure)!;
    const alias = `m${joins.length}`;
    joins.push(
      `LEFT JOIN ${quoteIdent(measureTable(m.name))} ${alias} ON ${alias}."CustomerId" = c."CustomerId"`,
    );
    return this.twoValued(
      negated,
      compileComparison(
        rule,
        `${alias}."Value"`,
        valueCategory(m, this.catalog),
        this.params,
        this.now,
      ),
    );
  }

  /**
   * Activity leaves with the same type, filters and window share one aggregate CTE (one scan and
   * one join), whatever they compare: its count, sums and last timestamp.
   */
  private activity(rule: ActivityCondition, joins: string[], negated: boolean): string {
    const key = JSON.stringify([rule.activity, rule.where ?? [], rule.within ?? null]);
    let cte = this.activityCtes.get(key);
    if (!cte) {
      cte = { name: `a${this.activityCtes.size}`, where: this.activityWhere(rule), sums: [] };
      this.activityCtes.set(key, cte);
    }
    const join = `LEFT JOIN ${cte.name} ON ${cte.name}."CustomerId" = c."CustomerId"`;
    if (!joins.includes(join)) joins.push(join);
    const aggregate = rule.aggregate ?? 'count';
    let expr = `${cte.name}.n`;
    if (aggregate === 'sum') {
      const field = rule.field ?? 'Amount';
      if (!cte.sums.includes(field)) cte.sums.push(field);
      expr = `${cte.name}.s${cte.sums.indexOf(field)}`;
    }
    const timeCategory = this.catalog.activity!.get('Timestamp') ?? 'timestamp';
    // No activity means a count or sum of 0, and no "last" date at all. When 0 fails the
    // comparison anyway, the bare column (NULL → false) lets DuckDB turn the LEFT JOIN into an
    // inner one.
    const value =
      aggregate === 'last'
        ? `${cte.name}.last`
        : holdsForZero(rule)
          ? `COALESCE(${expr}, 0)`
          : expr;
    const category = aggregate === 'last' ? timeCategory : 'number';
    return this.twoValued(negated, compileComparison(rule, value, category, this.params, this.now));
  }

  private activityWhere(rule: ActivityCondition): string {
    const columns = this.catalog.activity!;
    const where = [
      `"CustomerId" IS NOT NULL`,
      `"ActivityType" = ${this.params.add(rule.activity)}`,
    ];
    for (const c of rule.where ?? []) {
      const category = columns.get(c.attribute)!;
      where.push(compileComparison(c, quoteIdent(c.attribute), category, this.params, this.now));
    }
    if (rule.within) {
      const timeCategory = columns.get('Timestamp') ?? 'timestamp';
      const within = { op: 'within' as const, window: rule.within };
      where.push(compileComparison(within, '"Timestamp"', timeCategory, this.params, this.now));
    }
    return where.join(' AND ');
  }

  ctes(): string[] {
    return [...this.activityCtes.values()].map((c) => {
      const sums = c.sums
        .map((f, i) => `, CAST(sum(${quoteIdent(f)}) AS DOUBLE) AS s${i}`)
        .join('');
      return `${c.name} AS (SELECT "CustomerId", count(*) AS n, max("Timestamp") AS last${sums} FROM ${quoteIdent(activityTable)} WHERE ${c.where} GROUP BY "CustomerId")`;
    });
  }

  private twoValued(negated: boolean, sql: string): string {
    return negated ? `COALESCE(${sql}, false)` : sql;
  }
}

/** Whether a count or sum of 0 satisfies the comparison (conservatively true when unsure). */
function holdsForZero(c: Comparison): boolean {
  const v = c.value;
  if (c.op === 'in') return Array.isArray(v) && v.includes(0);
  if (typeof v !== 'number') return true;
  switch (c.op) {
    case 'eq':
      return v === 0;
    case 'ne':
      return v !== 0;
    case 'gt':
      return 0 > v;
    case 'ge':
      return 0 >= v;
    case 'lt':
      return 0 < v;
    case 'le':
      return 0 <= v;
    default:
      return true;
  }
}

function setOpOf(rule: Rule): SetOp | undefined {
  if ('union' in rule) return 'union';
  if ('intersect' in rule) return 'intersect';
  if ('except' in rule) return 'except';
  return undefined;
}

/** `catalog` must hold Customer (and UnifiedActivity when the rule has activity leaves). */
export function compileSegment(
  def: SegmentDefinition,
  catalog: Catalog,
  measures: ReadonlyMap<string, MeasureDefinition>,
  now: Date,
): CompiledSegment {
  const compiler = new SegmentCompiler(catalog, measures, now);
  const body = compiler.query(def.rule);
  const ctes = compiler.ctes();
  const withClause = ctes.length > 0 ? `WITH ${ctes.join(', ')} ` : '';
  return { sql: `${withClause}${body}`, params: compiler.params.values };
}
