/**
 * `column IN (values)` with the whole list as one parameter: a JSON array read by `json_each` on
 * SQLite, an array with `= any(…)` on PostgreSQL. The statement's text is the same whatever the
 * list's length, so one prepared statement serves every batch of the delivery hot paths (a literal
 * list is a new statement, and its preparation, per length), and a list of any length fits in one
 * statement (no parameter limit).
 *
 * SQLite cannot estimate such a list's length, so next to another indexed condition it may read
 * that index instead of looking the values up: callers keep other conditions on indexed columns
 * out of the index's reach (a CASE, as the claim does; see `claims.store.ts`).
 */
import { sql, type ExpressionBuilder, type RawBuilder } from 'kysely';
import type { StateDialect } from './claims.store.js';
import type { Database } from './state.schema.js';

export function inList(
  dialect: StateDialect,
  column: string,
  values: readonly string[],
): RawBuilder<boolean> {
  return dialect === 'postgres'
    ? sql<boolean>`${sql.ref(column)} = any(${values})`
    : sql<boolean>`${sql.ref(column)} in (select value from json_each(${JSON.stringify(values)}))`;
}

/**
 * "Still in flight and claimed by `workerId`", the fence of every write to a claimed delivery, as a
 * CASE: next to `inList` on the id, it keeps SQLite on the primary key (a plain `status =`
 * condition would read `deliveries_due`).
 */
export function heldBy(workerId: string) {
  return (eb: ExpressionBuilder<Database, 'deliveries'>) =>
    eb
      .case()
      .when('status', '=', 'inFlight')
      .then(eb('claimed_by', '=', workerId))
      .else(eb.lit(false))
      .end();
}
