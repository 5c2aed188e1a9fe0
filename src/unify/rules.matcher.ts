/**
 * Rule mode. Each rule is an AND of conditions; exact conditions become equi-join keys (so DuckDB
 * hash-joins instead of comparing every pair), fuzzy ones are filtered after the join with a
 * similarity at or above their precision (see ruleSql for how fuzzy values block). Rules are ordered: a pair is attributed to the first rule that
 * holds for it; clustering afterwards is transitive over all pairs.
 */
import type { WarehouseWriter } from '../warehouse/index.js';
import type { NormalizedColumns } from './pairs.table.js';
import { PAIRS, scopeSql } from './pairs.table.js';
import { RECORDS } from './records.stage.js';
import type { PlanCondition, PlanRule, UnifyPlan } from './unify.plan.js';

export interface RuleStats {
  candidatePairs: number;
  matchedPairs: number;
  perRule: Record<string, number>;
}

export function similaritySql(c: PlanCondition, a: string, b: string): string {
  return c.algorithm === 'jaroWinkler'
    ? `jaro_winkler_similarity(${a}, ${b})`
    : `(1.0 - levenshtein(${a}, ${b}) / greatest(length(${a}), length(${b}), 1))`;
}

/** Registers the normalized columns the rules need (call before building the records). */
export function planRuleColumns(plan: UnifyPlan, cols: NormalizedColumns): string[][] {
  return plan.rules.map((r) => r.conditions.map((c) => cols.use(c.attribute, c.normalize)));
}

/**
 * The candidate joins of one rule. Exact conditions are join keys. A fuzzy condition cannot be a
 * hash key, and an exact key alone (say a postal code) can pair thousands of records with each
 * other, so the first fuzzy condition also blocks: one join requires its first three characters to
 * agree, a second its last three. A typo rarely changes both ends of a value.
 */
function ruleSql(rule: PlanRule, index: number, columns: string[]): string[] {
  const exact = rule.conditions.flatMap((c, i) => (c.precision >= 1 ? [columns[i]!] : []));
  const fuzzy = rule.conditions.flatMap((c, i) =>
    c.precision < 1 ? [{ c, col: columns[i]! }] : [],
  );
  const keys = exact.map((n) => `l.${n} = r.${n}`);
  const first = fuzzy[0]?.col;
  const variants = first
    ? [
        [...keys, `left(l.${first}, 3) = left(r.${first}, 3)`],
        [...keys, `right(l.${first}, 3) = right(r.${first}, 3)`],
      ]
    : [keys];
  // A fuzzy column may be NULL on one side; NULL never satisfies the filter.
  const filters = fuzzy.map(
    ({ c, col }) => `${similaritySql(c, `l.${col}`, `r.${col}`)} >= ${c.precision}`,
  );
  const scores = rule.conditions.map((c, i) => {
    const col = columns[i]!;
    const value =
      c.precision >= 1 ? '1.0' : `round(${similaritySql(c, `l.${col}`, `r.${col}`)}, 4)`;
    return `'${c.attribute}', ${value}`;
  });
  return variants.map(
    (on) => `SELECT l._rid AS l, r._rid AS r, ${index} AS idx,
      coalesce(${filters.length ? filters.join(' AND ') : 'true'}, false) AS ok,
      json_object(${scores.join(', ')})::VARCHAR AS scores
    FROM ${RECORDS} l JOIN ${RECORDS} r ON ${on.join(' AND ')} AND l._rid < r._rid
    WHERE ${scopeSql(rule.scope)}`,
  );
}

/** Fills `_unify_pairs` from the rules; the candidate pairs are every pair a rule's join produced. */
export async function matchByRules(
  w: WarehouseWriter,
  plan: UnifyPlan,
  columns: string[][],
): Promise<RuleStats> {
  await w.run(
    'CREATE OR REPLACE TEMP TABLE _unify_cand (l BIGINT, r BIGINT, idx INTEGER, ok BOOLEAN, scores VARCHAR)',
  );
  for (const [i, rule] of plan.rules.entries()) {
    for (const sql of ruleSql(rule, i, columns[i]!)) await w.run(`INSERT INTO _unify_cand ${sql}`);
  }
  const names = plan.rules.map((r) => `'${r.name}'`).join(', ');
  await w.run(
    `INSERT INTO ${PAIRS}
     SELECT l, r, [${names || "''"}][min(idx) + 1], NULL, arg_min(scores, idx)
     FROM _unify_cand WHERE ok GROUP BY l, r`,
  );
  const counts = await w.all(
    `SELECT (SELECT count(*) FROM (SELECT DISTINCT l, r FROM _unify_cand))::BIGINT AS cand,
       (SELECT count(*) FROM ${PAIRS})::BIGINT AS matched`,
  );
  const perRule = await w.all(`SELECT rule, count(*)::BIGINT AS n FROM ${PAIRS} GROUP BY rule`);
  await w.run('DROP TABLE _unify_cand');
  return {
    candidatePairs: Number(counts[0]?.cand ?? 0),
    matchedPairs: Number(counts[0]?.matched ?? 0),
    perRule: Object.fromEntries(perRule.map((r) => [String(r.rule), Number(r.n)])),
  };
}
