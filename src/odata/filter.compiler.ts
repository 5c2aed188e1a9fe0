/**
 * Compiles a `$filter` AST to a parameterised SQL boolean expression against an entity's column
 * allow-list. Every user value becomes a parameter; identifiers come only from the allow-list.
 * Types are checked: a string compared to a number column, an unknown column, or a non-boolean
 * filter is an error with the position.
 */
import { quoteIdent } from '../warehouse/index.js';
import type { FilterError, FilterExpr, LiteralType } from './filter.ast.js';
import type { ColumnCategory, EntityCollection, EntityColumn } from './entity.types.js';
import type { SqlParams } from './sql.params.js';

type ExprType = ColumnCategory | 'null';

interface Compiled {
  sql: string;
  type: ExprType;
}

export interface FilterScope {
  /** SQL alias of the entity row, e.g. `e`. */
  alias: string;
  columns: EntityColumn[];
  collections: EntityCollection[];
}

class CompileFailure extends Error {
  constructor(readonly error: FilterError) {
    super(error.message);
  }
}

const literalCategory: Record<LiteralType, ExprType> = {
  string: 'string',
  guid: 'string',
  number: 'number',
  boolean: 'boolean',
  null: 'null',
  date: 'date',
  datetime: 'datetime',
};

const sqlOps = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

function fail(pos: number, message: string): never {
  throw new CompileFailure({ position: pos, message: `${message} at position ${pos}` });
}

/** Date and date-time compare with each other; otherwise both sides must have the same type. */
function comparable(a: ExprType, b: ExprType): boolean {
  if (a === 'null' || b === 'null') return true;
  const temporal = (t: ExprType): boolean => t === 'date' || t === 'datetime';
  return a === b || (temporal(a) && temporal(b));
}

/** A date-time literal as naive UTC text (the warehouse stores UTC timestamps without a zone). */
function toUtcText(text: string): string {
  return new Date(text).toISOString().replace('T', ' ').replace('Z', '');
}

class Compiler {
  private readonly columns: Map<string, EntityColumn>;
  private readonly vars = new Map<string, Compiled>();

  constructor(
    private readonly scope: FilterScope,
    private readonly params: SqlParams,
  ) {
    this.columns = new Map(scope.columns.map((c) => [c.name, c]));
  }

  compile(e: FilterExpr): Compiled {
    switch (e.kind) {
      case 'literal':
        return this.literal(e.type, e.value);
      case 'member':
        return this.member(e.name, e.pos);
      case 'compare':
        return this.compare(e);
      case 'logical': {
        const l = this.boolean(e.left);
        const r = this.boolean(e.right);
        return { sql: `(${l} ${e.op.toUpperCase()} ${r})`, type: 'boolean' };
      }
      case 'not':
        return { sql: `(NOT ${this.boolean(e.operand)})`, type: 'boolean' };
      case 'in':
        return this.inList(e);
      case 'call':
        return this.call(e);
      case 'any':
        return this.any(e);
    }
  }

  boolean(e: FilterExpr): string {
    const c = this.compile(e);
    if (c.type !== 'boolean') fail(e.pos, `expected a true/false condition, found a ${c.type}`);
    return c.sql;
  }

  private literal(type: LiteralType, value: string | number | boolean | null): Compiled {
    if (type === 'null') return { sql: 'NULL', type: 'null' };
    if (type === 'number') {
      const n = value as number;
      const cast = Number.isSafeInteger(n) ? 'BIGINT' : 'DOUBLE';
      return { sql: `CAST(${this.params.add(n)} AS ${cast})`, type: 'number' };
    }
    if (type === 'boolean') return { sql: `CAST(${this.params.add(value)} AS BOOLEAN)`, type };
    if (type === 'date') return { sql: `CAST(${this.params.add(value)} AS DATE)`, type };
    if (type === 'datetime') {
      return {
        sql: `CAST(${this.params.add(toUtcText(value as string))} AS TIMESTAMP)`,
        type,
      };
    }
    return { sql: `CAST(${this.params.add(value)} AS VARCHAR)`, type: literalCategory[type] };
  }

  private member(name: string, pos: number): Compiled {
    const bound = this.vars.get(name);
    if (bound) return bound;
    const col = this.columns.get(name);
    if (!col) {
      const known = [...this.columns.keys()].slice(0, 40).join(', ');
      return fail(pos, `unknown column "${name}" (columns: ${known})`);
    }
    if (col.category === 'other') {
      return fail(pos, `column "${name}" of type ${col.sqlType} cannot be used in $filter`);
    }
    return { sql: `${this.scope.alias}.${quoteIdent(col.name)}`, type: col.category };
  }

  private compare(e: Extract<FilterExpr, { kind: 'compare' }>): Compiled {
    const l = this.compile(e.left);
    const r = this.compile(e.right);
    if (l.type === 'null' || r.type === 'null') {
      if (e.op !== 'eq' && e.op !== 'ne') fail(e.pos, `"${e.op}" cannot compare with null`);
      if (l.type === 'null' && r.type === 'null')
        return { sql: e.op === 'eq' ? 'TRUE' : 'FALSE', type: 'boolean' };
      const side = l.type === 'null' ? r : l;
      return { sql: `(${side.sql} IS ${e.op === 'eq' ? '' : 'NOT '}NULL)`, type: 'boolean' };
    }
    if (!comparable(l.type, r.type)) {
      fail(e.pos, `cannot compare a ${l.type} with a ${r.type} using "${e.op}"`);
    }
    return { sql: `(${l.sql} ${sqlOps[e.op]} ${r.sql})`, type: 'boolean' };
  }

  private inList(e: Extract<FilterExpr, { kind: 'in' }>): Compiled {
    const operand = this.compile(e.operand);
    if (operand.type === 'null') fail(e.pos, 'the left side of "in" cannot be null');
    let withNull = false;
    const items: string[] = [];
    for (const item of e.list) {
      const c = this.compile(item);
      if (c.type === 'null') {
        withNull = true;
        continue;
      }
      if (!comparable(operand.type, c.type)) {
        fail(item.pos, `"in" list item is a ${c.type}, expected a ${operand.type}`);
      }
      items.push(c.sql);
    }
    const parts = [
      ...(items.length > 0 ? [`${operand.sql} IN (${items.join(', ')})`] : []),
      ...(withNull ? [`${operand.sql} IS NULL`] : []),
    ];
    return { sql: `(${parts.join(' OR ')})`, type: 'boolean' };
  }

  private call(e: Extract<FilterExpr, { kind: 'call' }>): Compiled {
    const args = e.args.map((a) => {
      const c = this.compile(a);
      if (c.type !== 'string') fail(a.pos, `${e.name} expects text, found a ${c.type}`);
      return c.sql;
    });
    switch (e.name) {
      case 'tolower':
        return { sql: `lower(${args[0]!})`, type: 'string' };
      case 'toupper':
        return { sql: `upper(${args[0]!})`, type: 'string' };
      case 'contains':
        return { sql: `contains(${args[0]!}, ${args[1]!})`, type: 'boolean' };
      case 'startswith':
        return { sql: `starts_with(${args[0]!}, ${args[1]!})`, type: 'boolean' };
      case 'endswith':
        return { sql: `ends_with(${args[0]!}, ${args[1]!})`, type: 'boolean' };
    }
  }

  private any(e: Extract<FilterExpr, { kind: 'any' }>): Compiled {
    const coll = this.scope.collections.find((c) => c.name === e.collection);
    if (!coll) {
      const names = this.scope.collections.map((c) => c.name);
      fail(
        e.pos,
        names.length > 0
          ? `unknown collection "${e.collection}" (collections: ${names.join(', ')})`
          : `"${e.collection}" is not a collection of this entity`,
      );
    }
    const alias = `m${this.vars.size}`;
    const join = `${alias}.${quoteIdent(coll.joinColumn)} = ${this.scope.alias}.${quoteIdent(coll.entityColumn)}`;
    let where = join;
    if (e.variable !== null && e.body !== null) {
      if (this.columns.has(e.variable) || this.vars.has(e.variable)) {
        fail(e.pos, `lambda variable "${e.variable}" hides a column or another variable`);
      }
      this.vars.set(e.variable, {
        sql: `${alias}.${quoteIdent(coll.valueColumn)}`,
        type: coll.valueCategory,
      });
      try {
        where += ` AND ${this.boolean(e.body)}`;
      } finally {
        this.vars.delete(e.variable);
      }
    }
    return {
      sql: `EXISTS (SELECT 1 FROM ${quoteIdent(coll.table)} ${alias} WHERE ${where})`,
      type: 'boolean',
    };
  }
}

/** Compiles a parsed filter to a SQL condition over `scope.alias`, adding its values to `params`. */
export function compileFilter(
  expr: FilterExpr,
  scope: FilterScope,
  params: SqlParams,
): { ok: true; sql: string } | { ok: false; error: FilterError } {
  try {
    return { ok: true, sql: new Compiler(scope, params).boolean(expr) };
  } catch (e) {
    if (e instanceof CompileFailure) return { ok: false, error: e.error };
    throw e;
  }
}
