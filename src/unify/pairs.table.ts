/**
 * The matched-pairs table shared by both modes, `_unify_pairs(l, r, rule, probability, scores)`,
 * with l < r record numbers, the rule (or 'probabilistic', 'alwaysMatch') that joined them, the match
 * probability (probabilistic mode) and per-comparison scores as JSON. Overrides apply here:
 * always-match pairs are added, never-match pairs removed.
 */
import type { WarehouseWriter } from '../warehouse/index.js';
import { RECORDS, type NormalizedColumn } from './records.stage.js';
import type { UnifyPlan } from './unify.plan.js';

export const PAIRS = '_unify_pairs';

export async function createPairsTable(w: WarehouseWriter): Promise<void> {
  await w.run(
    `CREATE OR REPLACE TABLE ${PAIRS} (l BIGINT, r BIGINT, rule VARCHAR, probability DOUBLE, scores VARCHAR)`,
  );
}

/** Adds always-match pairs (unknown records are reported, not fatal) and removes never-match pairs. */
export async function applyOverrides(
  w: WarehouseWriter,
  plan: UnifyPlan,
): Promise<{ alwaysMatch: number; neverMatch: number; unknownRecords: number }> {
  const load = async (pairs: UnifyPlan['alwaysMatch']): Promise<number> => {
    await w.run(
      'CREATE OR REPLACE TEMP TABLE _unify_override (ls VARCHAR, lk VARCHAR, rs VARCHAR, rk VARCHAR)',
    );
    for (const p of pairs) {
      await w.run('INSERT INTO _unify_override VALUES ($1, $2, $3, $4)', [
        p.left.table,
        p.left.key,
        p.right.table,
        p.right.key,
      ]);
    }
    const rows = await w.all(
      `SELECT count(*)::BIGINT AS n FROM _unify_override o
       JOIN ${RECORDS} a ON a._src = o.ls AND a._key = o.lk
       JOIN ${RECORDS} b ON b._src = o.rs AND b._key = o.rk`,
    );
    return pairs.length - Number(rows[0]?.n ?? 0);
  };
  const resolved = `SELECT least(a._rid, b._rid) AS l, greatest(a._rid, b._rid) AS r
    FROM _unify_override o
    JOIN ${RECORDS} a ON a._src = o.ls AND a._key = o.lk
    JOIN ${RECORDS} b ON b._src = o.rs AND b._key = o.rk
    WHERE a._rid <> b._rid`;
  let unknownRecords = await load(plan.alwaysMatch);
  await w.run(
    `INSERT INTO ${PAIRS} SELECT l, r, 'alwaysMatch', NULL, '{}' FROM (${resolved}) o
     WHERE NOT EXISTS (SELECT 1 FROM ${PAIRS} p WHERE p.l = o.l AND p.r = o.r)`,
  );
  unknownRecords += await load(plan.neverMatch);
  const removed = await w.all(
    `DELETE FROM ${PAIRS} p USING (${resolved}) o WHERE p.l = o.l AND p.r = o.r RETURNING p.l`,
  );
  await w.run('DROP TABLE _unify_override');
  return { alwaysMatch: plan.alwaysMatch.length, neverMatch: removed.length, unknownRecords };
}

/** Assigns one `_n<i>` column per distinct (attribute, normalization chain). */
export class NormalizedColumns {
  readonly list: NormalizedColumn[] = [];
  private readonly byKey = new Map<string, string>();

  use(attribute: string, steps: NormalizedColumn['steps']): string {
    const key = `${attribute}|${JSON.stringify(steps)}`;
    let name = this.byKey.get(key);
    if (!name) {
      name = `_n${this.list.length}`;
      this.byKey.set(key, name);
      this.list.push({ name, attribute, steps });
    }
    return name;
  }
}

/** The SQL condition restricting pairs to a rule's scope and to tables that allow deduplication. */
export function scopeSql(scope: 'all' | 'withinTable' | 'acrossTables'): string {
  if (scope === 'withinTable') return 'l._tbl = r._tbl AND l._dedup';
  if (scope === 'acrossTables') return 'l._tbl <> r._tbl';
  return '(l._tbl <> r._tbl OR l._dedup)';
}
