/**
 * Probabilistic mode (Fellegi–Sunter). Candidate pairs come from the blocking rules (exact
 * equality of default-normalized values; a pair is a candidate when any rule holds). Each candidate
 * gets a comparison level per attribute; u is estimated from deterministic pseudo-random pairs, m
 * and λ by EM over the level patterns, and pairs whose match probability reaches the threshold are
 * kept with their per-comparison levels and weights as the explanation.
 */
import type { WarehouseWriter } from '../warehouse/index.js';
import { levelLabel, levelSql, levelsFor, rightSides } from './comparisons.js';
import { runSessions, type FsModel, type Pattern } from './em.js';
import type { NormalizedColumns } from './pairs.table.js';
import { PAIRS, scopeSql } from './pairs.table.js';
import { RECORDS } from './records.stage.js';
import { ALL_PAIRS_LIMIT, blockingBudget, defaultNormalization } from './unify.defaults.js';
import type { UnifyPlan } from './unify.plan.js';
import type { SemanticType } from './unify.schema.js';

interface Comparison {
  attribute: string;
  type: SemanticType;
  column: string;
}

export interface ProbabilisticColumns {
  comparisons: Comparison[];
  blocking: string[][];
}

export interface ProbabilisticStats {
  candidatePairs: number;
  randomPairs: number;
  emIterations: number;
  emConverged: boolean;
  /** True when the input was small enough to compare every pair instead of blocking. */
  comparedAllPairs: boolean;
  blockingRules: string[][];
  model: {
    lambda: number;
    prior: number;
    comparisons: Record<string, Record<string, { m: number; u: number }>>;
  };
}

function typeOf(plan: UnifyPlan, attribute: string): SemanticType {
  if (attribute === 'FullName') return 'Person.FullName';
  const t = plan.attributes.find((a) => a.name === attribute)?.type;
  if (!t) throw new Error(`attribute ${attribute} has no semantic type (validation guarantees it)`);
  return t;
}

/** Registers the normalized columns comparisons and blocking need (before building records). */
export function planProbabilisticColumns(
  plan: UnifyPlan,
  cols: NormalizedColumns,
): ProbabilisticColumns {
  const norm = (attribute: string): string => {
    const t =
      attribute === 'FullName'
        ? 'Person.FullName'
        : plan.attributes.find((a) => a.name === attribute)?.type;
    return cols.use(attribute, defaultNormalization(t ?? null));
  };
  return {
    comparisons: plan.probabilistic.comparisons.map((attribute) => ({
      attribute,
      type: typeOf(plan, attribute),
      column: norm(attribute),
    })),
    blocking: plan.probabilistic.blocking.map((rule) => rule.map(norm)),
  };
}

function gammaList(cs: Comparison[], l: string, r: string): string {
  const rights = rightSides(cs, l, r);
  return cs
    .map((c, k) => `${levelSql(c.type, `${l}.${c.column}`, rights[k]!)} AS g${k}`)
    .join(', ');
}

async function estimateU(
  w: WarehouseWriter,
  cs: Comparison[],
  randomPairs: number,
): Promise<{ u: number[][]; pairs: number }> {
  // Deterministic pseudo-random pairs: the same records always give the same sample.
  await w.run(`CREATE OR REPLACE TEMP TABLE _unify_random AS
    WITH n AS (SELECT count(*) AS n FROM ${RECORDS}),
    p AS (SELECT (hash(i, 'left') % n.n)::BIGINT AS a, (hash(i, 'right') % n.n)::BIGINT AS b
          FROM range(${randomPairs}) t(i), n)
    SELECT ${gammaList(cs, 'l', 'r')}
    FROM p JOIN ${RECORDS} l ON l._rid = p.a JOIN ${RECORDS} r ON r._rid = p.b WHERE p.a <> p.b`);
  const u = await Promise.all(
    cs.map(async (c, k) => {
      const rows = await w.all(
        `SELECT g${k} AS g, count(*)::BIGINT AS n FROM _unify_random WHERE g${k} >= 0 GROUP BY 1`,
      );
      const counts = Array.from({ length: levelsFor(c.type).length + 1 }, () => 0.5);
      for (const r of rows) counts[Number(r.g)]! += Number(r.n);
      const total = counts.reduce((a, b) => a + b, 0);
      return counts.map((x) => x / total);
    }),
  );
  const total = await w.all('SELECT count(*)::BIGINT AS n FROM _unify_random');
  await w.run('DROP TABLE _unify_random');
  return { u, pairs: Number(total[0]?.n ?? 0) };
}

/**
 * The match weight of a pair: the prior log-odds plus each comparison's log2(m/u). The prior is
 * the share of matches among ALL record pairs (EM's λ is the share among blocked candidates, which
 * blocking inflates), so evidence has to outweigh how rare a match between two random records is.
 */
function weightSql(cs: Comparison[], model: FsModel, prior: number): string {
  const terms = cs.map((c, k) => {
    const cases = model.m[k]!.map(
      (m, g) => `WHEN ${g} THEN ${Math.log2(m / model.u[k]![g]!)}`,
    ).join(' ');
    return `(CASE g${k} ${cases} ELSE 0 END)`;
  });
  return `${Math.log2(prior / (1 - prior))} + ${terms.join(' + ')}`;
}

export async function matchProbabilistically(
  w: WarehouseWriter,
  plan: UnifyPlan,
  cols: ProbabilisticColumns,
): Promise<ProbabilisticStats> {
  const cs = cols.comparisons;
  await w.run('CREATE OR REPLACE TEMP TABLE _unify_cand (l BIGINT, r BIGINT, b INTEGER)');
  const records = Number((await w.all(`SELECT count(*)::BIGINT AS n FROM ${RECORDS}`))[0]?.n ?? 0);
  const used: number[] = [];
  // Blocking only saves work; when every pair is cheap to compare, the defaults compare them all
  // (one session, nothing masked) rather than lose the pairs no blocking rule would propose.
  const comparesAll =
    plan.probabilistic.defaultBlocking && (records * (records - 1)) / 2 <= ALL_PAIRS_LIMIT;
  if (comparesAll) {
    await w.run(`INSERT INTO _unify_cand SELECT l._rid, r._rid, -1 FROM ${RECORDS} l
      JOIN ${RECORDS} r ON l._rid < r._rid WHERE ${scopeSql('all')}`);
    used.push(-1);
  }
  for (const [b, rule] of (comparesAll ? [] : cols.blocking).entries()) {
    if (plan.probabilistic.defaultBlocking) {
      const keys = rule.join(', ');
      const size = await w.all(`SELECT coalesce(sum(n * (n - 1) / 2), 0)::DOUBLE AS p FROM (
        SELECT count(*) AS n FROM ${RECORDS} WHERE ${rule.map((c) => `${c} IS NOT NULL`).join(' AND ')}
        GROUP BY ${keys})`);
      if (Number(size[0]?.p ?? 0) > blockingBudget(records)) continue;
    }
    used.push(b);
    const on = rule.map((c) => `l.${c} = r.${c}`).join(' AND ');
    await w.run(`INSERT INTO _unify_cand SELECT l._rid, r._rid, ${b} FROM ${RECORDS} l JOIN ${RECORDS} r
      ON ${on} AND l._rid < r._rid WHERE ${scopeSql('all')}`);
  }
  await w.run(`CREATE OR REPLACE TEMP TABLE _unify_gamma AS
    SELECT c.l, c.r, ${gammaList(cs, 'a', 'b')}
    FROM (SELECT DISTINCT l, r FROM _unify_cand) c
    JOIN ${RECORDS} a ON a._rid = c.l JOIN ${RECORDS} b ON b._rid = c.r`);
  const gs = cs.map((_, k) => `g${k}`).join(', ');
  const perRule = await w.all(`SELECT c.b, ${gs}, count(*)::BIGINT AS n FROM _unify_cand c
    JOIN _unify_gamma USING (l, r) GROUP BY ALL`);
  await w.run('DROP TABLE _unify_cand');
  const rows = await w.all(`SELECT ${gs}, count(*)::BIGINT AS n FROM _unify_gamma GROUP BY ALL`);
  const patterns: Pattern[] = rows.map((r) => ({
    levels: cs.map((_, k) => Number(r[`g${k}`])),
    count: Number(r.n),
  }));
  const candidatePairs = patterns.reduce((a, p) => a + p.count, 0);
  const random = await estimateU(w, cs, plan.probabilistic.randomPairs);
  const sessions = used.map((b) => ({
    patterns: perRule
      .filter((r) => Number(r.b) === b)
      .map((r) => ({ levels: cs.map((_, k) => Number(r[`g${k}`])), count: Number(r.n) })),
    masked: new Set(
      cs.flatMap((c, k) =>
        b >= 0 && blocks(plan.probabilistic.blocking[b]!, c.attribute) ? [k] : [],
      ),
    ),
  }));
  const em = runSessions(sessions, patterns, random.u, {
    maxIterations: plan.probabilistic.maxIterations,
  });
  const model = em.model;

  // Patterns are few, so the probability is computed here once per pattern and joined back.
  const threshold = plan.probabilistic.threshold;
  const explain = cs
    .map((c, k) => {
      const labels = model.m[k]!.map((_, g) => `WHEN ${g} THEN '${levelLabel(c.type, g)}'`).join(
        ' ',
      );
      return `'${c.attribute}', json_object('level', CASE g${k} ${labels} ELSE 'missing' END)`;
    })
    .join(', ');
  const allPairs = Math.max(1, (records * (records - 1)) / 2);
  const prior = Math.min(0.5, Math.max(1e-12, (model.lambda * candidatePairs) / allPairs));
  const weight = weightSql(cs, model, prior);
  await w.run(`INSERT INTO ${PAIRS}
    SELECT l, r, 'probabilistic', round(1.0 / (1.0 + pow(2.0, -(${weight}))), 6),
      json_object('matchWeight', round(${weight}, 3), ${explain})::VARCHAR
    FROM _unify_gamma WHERE 1.0 / (1.0 + pow(2.0, -(${weight}))) >= ${threshold}`);
  await w.run('DROP TABLE _unify_gamma');
  return {
    candidatePairs,
    randomPairs: random.pairs,
    emIterations: em.iterations,
    emConverged: em.converged,
    comparedAllPairs: comparesAll,
    blockingRules: used.filter((b) => b >= 0).map((b) => plan.probabilistic.blocking[b]!),
    model: {
      lambda: model.lambda,
      prior,
      comparisons: Object.fromEntries(
        cs.map((c, k) => [
          c.attribute,
          Object.fromEntries(
            model.m[k]!.map((m, g) => [
              levelLabel(c.type, g),
              { m: round(m), u: round(model.u[k]![g]!) },
            ]),
          ),
        ]),
      ),
    },
  };
}

/** Whether a blocking rule fixes an attribute (names count for each other: they overlap). */
function blocks(rule: string[], attribute: string): boolean {
  const names = ['FullName', 'FirstName', 'LastName'];
  return (
    rule.includes(attribute) || (names.includes(attribute) && rule.some((a) => names.includes(a)))
  );
}

const round = (x: number): number => Number(x.toPrecision(6));
