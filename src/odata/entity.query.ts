/**
 * Reads of an entity: Get items (filter, select, order, top/skip, count, keyset paging) and Get item.
 *
 * Paging is a keyset, not a pinned snapshot: every page is ordered by `$orderby` and then by the
 * entity's key, and `$skiptoken` carries the sort values of the last row served. The next page
 * starts strictly after that row in whatever table is current, so a refresh that replaces the
 * table between pages neither repeats nor skips a row whose sort values did not change; rows the
 * refresh added before the cursor are not seen by this pass, removed ones disappear.
 */
import { ErrorCode, err, makeError, ok, type AppError, type Result } from '../errors/index.js';
import { quoteIdent, type InstanceWarehouse, type Row } from '../warehouse/index.js';
import type { KeyOrderReader } from './entity.catalog.js';
import type { EntityColumn, EntityInfo } from './entity.types.js';
import type { FilterExpr } from './filter.ast.js';
import { compileFilter } from './filter.compiler.js';
import { parseFilter } from './filter.parser.js';
import {
  decodeSkipToken,
  describeOrder,
  encodeSkipToken,
  parseOrderBy,
  parseSelect,
  type OrderItem,
  type OptionError,
} from './query.options.js';
import { entitySource } from './realtime.overlay.js';
import { SqlParams } from './sql.params.js';

export interface ItemsQuery {
  filter?: string | undefined;
  select?: string | undefined;
  orderby?: string | undefined;
  top: number;
  skip: number;
  count: boolean;
  skiptoken?: string | undefined;
}

export interface ItemsPage {
  value: Row[];
  count?: number;
  /** Present when more rows follow: the `$skiptoken` of the next page. */
  nextToken?: string;
}

function optionError(e: OptionError): AppError {
  return makeError(
    ErrorCode.validation,
    'user',
    `${e.option}: ${e.message}`,
    `querystring/${e.option}`,
  );
}

/** JSON-friendly values: ISO date-times (UTC), `YYYY-MM-DD` dates, exact big integers as text. */
export function formatRow(row: Row, columns: EntityColumn[]): Row {
  const out: Row = {};
  for (const c of columns) {
    const v = row[c.name];
    if (v instanceof Date)
      out[c.name] = c.category === 'date' ? v.toISOString().slice(0, 10) : v.toISOString();
    else if (typeof v === 'bigint') out[c.name] = v.toString();
    else out[c.name] = v ?? null;
  }
  return out;
}

/**
 * `(c1, c2, …) > (v1, v2, …)` in the page order, with NULLs last in both directions: a row comes
 * after the cursor when it ties on every earlier column and is past it on this one.
 */
function keysetCondition(
  order: OrderItem[],
  values: (string | null)[],
  types: Map<string, string>,
  params: SqlParams,
): string {
  const ors: string[] = [];
  for (let i = 0; i < order.length; i++) {
    const o = order[i]!;
    const v = values[i] ?? null;
    if (v === null) continue; // nothing sorts after NULL on this column (NULLS LAST)
    const col = `e.${quoteIdent(o.column)}`;
    const val = `CAST(${params.add(v)} AS ${types.get(o.column)!})`;
    const past = `(${col} ${o.desc ? '<' : '>'} ${val} OR ${col} IS NULL)`;
    const ties = order.slice(0, i).map((p, j) => {
      const pv = values[j] ?? null;
      const pc = `e.${quoteIdent(p.column)}`;
      return pv === null
        ? `${pc} IS NULL`
        : `${pc} = CAST(${params.add(pv)} AS ${types.get(p.column)!})`;
    });
    ors.push(`(${[...ties, past].join(' AND ')})`);
  }
  return ors.length === 0 ? 'FALSE' : `(${ors.join(' OR ')})`;
}

/** True when the filter compiles to row-by-row conditions only: no `any()` and no `in` list. */
function isScanFilter(e: FilterExpr): boolean {
  switch (e.kind) {
    case 'literal':
    case 'member':
      return true;
    case 'compare':
    case 'logical':
      return isScanFilter(e.left) && isScanFilter(e.right);
    case 'not':
      return isScanFilter(e.operand);
    case 'call':
      return e.args.every(isScanFilter);
    case 'in':
    case 'any':
      return false;
  }
}

/** `keyOrder` says whether the entity's table is stored in key order (see createKeyOrderCache). */
export async function queryItems(
  wh: InstanceWarehouse,
  entity: EntityInfo,
  q: ItemsQuery,
  now: Date,
  keyOrder: KeyOrderReader = () => Promise.resolve(false),
): Promise<Result<ItemsPage>> {
  const select = parseSelect(q.select, entity.columns);
  if (!select.ok) return err(optionError(select.error));
  const orderby = parseOrderBy(q.orderby, entity.columns);
  if (!orderby.ok) return err(optionError(orderby.error));
  const order = [
    ...orderby.value,
    ...entity.key
      .filter((k) => !orderby.value.some((o) => o.column === k))
      .map((k) => ({ column: k, desc: false })),
  ];
  const types = new Map(entity.columns.map((c) => [c.name, c.sqlType]));
  const params = new SqlParams();
  const from = entitySource(entity, params, now);
  const where: string[] = [];
  let scanOnly = true;
  if (q.filter !== undefined && q.filter.trim() !== '') {
    const parsed = parseFilter(q.filter);
    scanOnly = parsed.ok && isScanFilter(parsed.expr);
    const compiled = parsed.ok
      ? compileFilter(
          parsed.expr,
          { alias: 'e', columns: entity.columns, collections: entity.collections },
          params,
        )
      : parsed;
    if (!compiled.ok) {
      return err(
        makeError(
          ErrorCode.filter,
          'user',
          `$filter: ${compiled.error.message}`,
          'querystring/$filter',
        ),
      );
    }
    where.push(compiled.sql);
  }
  const filterOnly = [...where];
  const countParams = params.values.length;
  if (q.skiptoken !== undefined) {
    const token = decodeSkipToken(q.skiptoken, orderby.value, order.length);
    if (!token.ok) return err(optionError(token.error));
    where.push(keysetCondition(order, token.value.values, types, params));
  }
  const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  // In key order over a table stored in key order, a scan returns rows in page order already
  // (DuckDB keeps insertion order for a query without ORDER BY): no sort of every match, and the
  // scan stops once the page is full. Only for a plain scan and filter: `any()` (EXISTS) and long
  // `in` lists become hash joins, whose output is in no particular order.
  const storageOrder =
    scanOnly &&
    order.length === 1 &&
    order[0]!.column === entity.key[0] &&
    !order[0]!.desc &&
    (await keyOrder(wh, entity));
  const orderSql = storageOrder
    ? ''
    : `ORDER BY ${order.map((o) => `e.${quoteIdent(o.column)} ${o.desc ? 'DESC' : 'ASC'} NULLS LAST`).join(', ')}`;
  const cursor = order.map((o, i) => `CAST(e.${quoteIdent(o.column)} AS VARCHAR) AS "__k${i}"`);
  const sql = `SELECT ${select.value.map((c) => `e.${quoteIdent(c)}`).join(', ')}, ${cursor.join(', ')}
    FROM ${from} e ${whereSql}
    ${orderSql}
    LIMIT ${q.top + 1} OFFSET ${q.skiptoken === undefined ? q.skip : 0}`;
  const [rows, counted] = await Promise.all([
    wh.query(sql, params.values),
    q.count
      ? wh.query(
          `SELECT count(*)::BIGINT AS n FROM ${from} e ${filterOnly.length > 0 ? `WHERE ${filterOnly.join(' AND ')}` : ''}`,
          params.values.slice(0, countParams),
        )
      : Promise.resolve(undefined),
  ]);
  const columns = entity.columns.filter((c) => select.value.includes(c.name));
  const page = rows.slice(0, q.top);
  const last = page[page.length - 1];
  const result: ItemsPage = {
    value: page.map((r) => formatRow(r, columns)),
    ...(counted && { count: Number(counted[0]?.n ?? 0) }),
  };
  if (rows.length > q.top && last) {
    result.nextToken = encodeSkipToken({
      order: describeOrder(orderby.value),
      values: order.map((_, i) => (last[`__k${i}`] ?? null) as string | null),
    });
  }
  return ok(result);
}

/** One row by its (single-column) key; undefined when absent. */
export async function getItem(
  wh: InstanceWarehouse,
  entity: EntityInfo,
  key: string,
  now: Date,
): Promise<Result<Row | undefined>> {
  if (entity.key.length !== 1) {
    return err(
      makeError(
        ErrorCode.validation,
        'user',
        `entity "${entity.name}" has a composite key (${entity.key.join(', ')}): read it with $filter`,
        'key',
      ),
    );
  }
  const keyCol = entity.columns.find((c) => c.name === entity.key[0])!;
  const params = new SqlParams();
  const from = entitySource(entity, params, now);
  const rows = await wh.query(
    `SELECT * FROM ${from} e WHERE e.${quoteIdent(keyCol.name)} = TRY_CAST(${params.add(key)} AS ${keyCol.sqlType}) LIMIT 1`,
    params.values,
  );
  return ok(rows[0] && formatRow(rows[0], entity.columns));
}
