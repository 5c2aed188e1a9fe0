/**
 * Expectation–maximisation for the Fellegi–Sunter model, on comparison patterns aggregated in SQL
 * (one row per distinct vector of comparison levels, with its pair count), so it never touches
 * individual pairs. u (the level frequencies among non-matches) is fixed from random pairs; EM
 * estimates λ (the share of matches among candidates) and m (level frequencies among matches).
 * Level -1 means "a value is missing": it carries no evidence either way.
 */

export interface Pattern {
  levels: number[];
  count: number;
}

export interface FsModel {
  lambda: number;
  /** m[k][level]: probability of `level` on comparison k among matching pairs. */
  m: number[][];
  /** u[k][level]: the same among non-matching pairs. */
  u: number[][];
}

export interface EmResult {
  model: FsModel;
  iterations: number;
  converged: boolean;
}

const FLOOR = 1e-6;

/** Starting m: most mass on the highest level, which is what a match mostly looks like. */
export function initialM(levelCounts: number[]): number[][] {
  return levelCounts.map((n) => {
    const m = Array.from({ length: n }, () => 0.1 / Math.max(1, n - 1));
    m[n - 1] = n === 1 ? 1 : 0.9;
    return m;
  });
}

/** Probability that a pair with these levels is a match under `model`. */
export function matchProbability(levels: number[], model: FsModel): number {
  let pm = model.lambda;
  let pu = 1 - model.lambda;
  levels.forEach((g, k) => {
    if (g < 0) return;
    pm *= model.m[k]![g]!;
    pu *= model.u[k]![g]!;
  });
  return pm / (pm + pu);
}

export function runEm(
  patterns: Pattern[],
  u: number[][],
  opts: { maxIterations: number; tolerance?: number; lambda?: number },
): EmResult {
  const tolerance = opts.tolerance ?? 1e-6;
  let model: FsModel = { lambda: opts.lambda ?? 0.5, m: initialM(u.map((x) => x.length)), u };
  for (let it = 1; it <= opts.maxIterations; it++) {
    const sums = u.map((x) => x.map(() => 0));
    const totals = u.map(() => 0);
    let matchMass = 0;
    let all = 0;
    for (const p of patterns) {
      const w = p.count * matchProbability(p.levels, model);
      matchMass += w;
      all += p.count;
      p.levels.forEach((g, k) => {
        if (g < 0) return;
        sums[k]![g]! += w;
        totals[k]! += w;
      });
    }
    const lambda = clamp(matchMass / Math.max(all, 1));
    const m = sums.map((row, k) =>
      row.map((s, g) => (totals[k]! > 0 ? clamp(s / totals[k]!) : model.m[k]![g]!)),
    );
    const delta = Math.max(
      Math.abs(lambda - model.lambda),
      ...m.flatMap((row, k) => row.map((v, g) => Math.abs(v - model.m[k]![g]!))),
    );
    model = { lambda, m, u };
    if (delta < tolerance) return { model, iterations: it, converged: true };
  }
  return { model, iterations: opts.maxIterations, converged: false };
}

function clamp(x: number): number {
  return Math.min(1 - FLOOR, Math.max(FLOOR, x));
}

/**
 * Blocking makes the candidates agree on the blocked attributes, so m estimated over them is biased
 * for those attributes. As in Splink, EM runs once per blocking rule over the pairs that rule
 * produced, with the rule's own comparisons masked out; each comparison's m is the mean over the
 * sessions where it was free (or the all-candidates estimate when it never was). λ among all
 * candidates is then re-estimated with m fixed.
 */
export function runSessions(
  sessions: { patterns: Pattern[]; masked: Set<number> }[],
  all: Pattern[],
  u: number[][],
  opts: { maxIterations: number },
): EmResult & { sessions: number } {
  const overall = runEm(all, u, opts);
  const sums = u.map((x) => x.map(() => 0));
  const counts = u.map(() => 0);
  let iterations = overall.iterations;
  let converged = overall.converged;
  for (const s of sessions) {
    if (s.patterns.length === 0) continue;
    const masked = s.patterns.map((p) => ({
      count: p.count,
      levels: p.levels.map((g, k) => (s.masked.has(k) ? -1 : g)),
    }));
    const r = runEm(masked, u, opts);
    iterations += r.iterations;
    converged &&= r.converged;
    u.forEach((_, k) => {
      if (s.masked.has(k)) return;
      r.model.m[k]!.forEach((v, g) => (sums[k]![g]! += v));
      counts[k]! += 1;
    });
  }
  const m = u.map((_, k) =>
    counts[k]! > 0 ? sums[k]!.map((v) => v / counts[k]!) : overall.model.m[k]!,
  );
  const lambda = estimateLambda(all, { lambda: overall.model.lambda, m, u }, opts.maxIterations);
  return { model: { lambda, m, u }, iterations, converged, sessions: sessions.length };
}

/** EM for λ alone, with m and u fixed. */
function estimateLambda(patterns: Pattern[], model: FsModel, maxIterations: number): number {
  let lambda = model.lambda;
  const total = patterns.reduce((a, p) => a + p.count, 0);
  for (let i = 0; i < maxIterations; i++) {
    const mass = patterns.reduce(
      (a, p) => a + p.count * matchProbability(p.levels, { ...model, lambda }),
      0,
    );
    const next = clamp(mass / Math.max(total, 1));
    if (Math.abs(next - lambda) < 1e-9) return next;
    lambda = next;
  }
  return lambda;
}
