/**
 * Comparison levels per semantic type for the probabilistic mode, highest first. A pair gets the
 * first level whose predicate holds, level 0 ("different") when none does, and -1 when either value
 * is missing. The thresholds follow common record-linkage practice (Splink's defaults are similar).
 */
import type { SemanticType } from './unify.schema.js';

export interface ComparisonLevel {
  label: string;
  sql: (a: string, b: string) => string;
}

const exact: ComparisonLevel = { label: 'exact', sql: (a, b) => `${a} = ${b}` };
const jw = (t: number): ComparisonLevel => ({
  label: `jaroWinkler>=${t}`,
  sql: (a, b) => `jaro_winkler_similarity(${a}, ${b}) >= ${t}`,
});
const edits = (n: number): ComparisonLevel => ({
  label: `editDistance<=${n}`,
  sql: (a, b) => `levenshtein(${a}, ${b}) <= ${n}`,
});

// Dates typed with a wrong day, month or year digit are common; a true date is rarely years away.
const withinDays = (n: number): ComparisonLevel => ({
  label: `withinDays<=${n}`,
  sql: (a, b) => `abs(date_diff('day', try_cast(${a} AS DATE), try_cast(${b} AS DATE))) <= ${n}`,
});

const NAME: ComparisonLevel[] = [exact, jw(0.92), jw(0.8)];

const byType: Record<SemanticType, ComparisonLevel[]> = {
  'Person.FirstName': NAME,
  'Person.LastName': NAME,
  'Person.FullName': NAME,
  'Person.BirthDate': [exact, edits(1), withinDays(31), withinDays(366), withinDays(3653)],
  // Only a typo counts as partial agreement: a similar local part mostly repeats the name
  // (john.smith@… vs jon.smith@…), which the name comparison already counts, and u from random
  // pairs cannot see that correlation among name-blocked candidates.
  'Identity.Email': [exact, edits(1)],
  'Identity.Phone': [exact, edits(1)],
  'Location.Address': [exact, jw(0.9)],
  'Location.City': [exact, jw(0.85)],
  'Location.PostalCode': [exact, edits(1)],
  'Location.Country': [exact],
};

/** Levels from highest to lowest, not counting the implicit "different" level 0. */
export function levelsFor(type: SemanticType): ComparisonLevel[] {
  return byType[type];
}

/** SQL giving the level number: -1 missing, 0 different, n for the highest of n levels. */
export function levelSql(type: SemanticType, a: string, b: string): string {
  const levels = levelsFor(type);
  const whens = levels.map((l, i) => `WHEN ${l.sql(a, b)} THEN ${levels.length - i}`).join(' ');
  return `(CASE WHEN ${a} IS NULL OR ${b} IS NULL THEN -1 ${whens} ELSE 0 END)::TINYINT`;
}

/** The label of level number `g` (as produced by levelSql). */
export function levelLabel(type: SemanticType, g: number): string {
  if (g < 0) return 'missing';
  if (g === 0) return 'different';
  const levels = levelsFor(type);
  return levels[levels.length - g]!.label;
}

/**
 * The right-hand expressions of each comparison. When first and last name are both compared, a
 * record whose two names were entered the other way round is read transposed: the orientation in
 * which the names agree better (by Jaro–Winkler) is the one compared, so "Moore Oscar" meets
 * "Oscar Moore" as an exact match instead of two differences.
 */
export function rightSides(
  cs: { attribute: string; column: string }[],
  l: string,
  r: string,
): string[] {
  const first = cs.find((c) => c.attribute === 'FirstName')?.column;
  const last = cs.find((c) => c.attribute === 'LastName')?.column;
  if (!first || !last) return cs.map((c) => `${r}.${c.column}`);
  const sim = (a: string, b: string): string =>
    `coalesce(jaro_winkler_similarity(${l}.${a}, ${r}.${b}), 0)`;
  const swapped = `(${sim(first, last)} + ${sim(last, first)} > ${sim(first, first)} + ${sim(last, last)})`;
  return cs.map((c) => {
    if (c.column === first) return `CASE WHEN ${swapped} THEN ${r}.${last} ELSE ${r}.${first} END`;
    if (c.column === last) return `CASE WHEN ${swapped} THEN ${r}.${first} ELSE ${r}.${last} END`;
    return `${r}.${c.column}`;
  });
}
