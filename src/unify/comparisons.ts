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

const NAME: ComparisonLevel[] = [exact, jw(0.92), jw(0.8)];

const byType: Record<SemanticType, ComparisonLevel[]> = {
  'Person.FirstName': NAME,
  'Person.LastName': NAME,
  'Person.FullName': NAME,
  'Person.BirthDate': [exact, edits(1)],
  // Only a typo counts as partial agreement: a similar or equal local part mostly repeats the name
  // (john.smith@… vs john.smith@…), which the name comparison already counts.
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
