/**
 * The OData query options other than `$filter`: `$select`, `$orderby` and `$skiptoken`, checked
 * against the entity's columns. Errors name the option and the position of the offending item.
 */
import type { EntityColumn } from './entity.types.js';

export interface OrderItem {
  column: string;
  desc: boolean;
}

export interface OptionError {
  option: '$select' | '$orderby' | '$skiptoken';
  message: string;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: OptionError };

function splitItems(text: string): { item: string; pos: number }[] {
  const out: { item: string; pos: number }[] = [];
  let pos = 1;
  for (const raw of text.split(',')) {
    const lead = raw.length - raw.trimStart().length;
    out.push({ item: raw.trim(), pos: pos + lead });
    pos += raw.length + 1;
  }
  return out;
}

function findColumn(columns: EntityColumn[], name: string): EntityColumn | undefined {
  return columns.find((c) => c.name === name);
}

/** `$select=A,B`; undefined or `*` selects every column. */
export function parseSelect(text: string | undefined, columns: EntityColumn[]): Parsed<string[]> {
  if (text === undefined || text.trim() === '*')
    return { ok: true, value: columns.map((c) => c.name) };
  const names: string[] = [];
  for (const { item, pos } of splitItems(text)) {
    if (!findColumn(columns, item)) {
      return {
        ok: false,
        error: {
          option: '$select',
          message: `${item === '' ? 'expected a column name' : `unknown column "${item}"`} at position ${pos}`,
        },
      };
    }
    if (!names.includes(item)) names.push(item);
  }
  return { ok: true, value: names };
}

/** `$orderby=A desc,B`; each column at most once, directions `asc` (default) or `desc`. */
export function parseOrderBy(
  text: string | undefined,
  columns: EntityColumn[],
): Parsed<OrderItem[]> {
  if (text === undefined || text.trim() === '') return { ok: true, value: [] };
  const out: OrderItem[] = [];
  for (const { item, pos } of splitItems(text)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?$/.exec(item);
    const fail = (message: string): Parsed<OrderItem[]> => ({
      ok: false,
      error: { option: '$orderby', message: `${message} at position ${pos}` },
    });
    if (!m) return fail('expected "<column> [asc|desc]"');
    const col = findColumn(columns, m[1]!);
    if (!col) return fail(`unknown column "${m[1]!}"`);
    if (col.category === 'other')
      return fail(`column "${col.name}" of type ${col.sqlType} cannot be ordered`);
    if (out.some((o) => o.column === col.name)) return fail(`column "${col.name}" appears twice`);
    out.push({ column: col.name, desc: m[2] === 'desc' });
  }
  return { ok: true, value: out };
}

/**
 * A keyset cursor: the ordering it belongs to and the sort values (as warehouse text) of the last
 * row served. Opaque to clients; a token for another ordering is refused.
 */
export interface SkipToken {
  order: string;
  values: (string | null)[];
}

export function describeOrder(order: OrderItem[]): string {
  return order.map((o) => `${o.column}${o.desc ? ' desc' : ''}`).join(',');
}

export function encodeSkipToken(t: SkipToken): string {
  return Buffer.from(JSON.stringify([t.order, t.values])).toString('base64url');
}

export function decodeSkipToken(
  text: string,
  order: OrderItem[],
  width: number,
): Parsed<SkipToken> {
  const fail: Parsed<SkipToken> = {
    ok: false,
    error: {
      option: '$skiptoken',
      message: 'not a token from this query: follow @odata.nextLink as given',
    },
  };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return fail;
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    decoded[0] !== describeOrder(order) ||
    !Array.isArray(decoded[1]) ||
    decoded[1].length !== width ||
    !decoded[1].every((v) => v === null || typeof v === 'string')
  ) {
    return fail;
  }
  return {
    ok: true,
    value: { order: decoded[0] as string, values: decoded[1] as (string | null)[] },
  };
}
