/**
 * Defaults derived from semantic types, so that a user who only maps columns gets sound matching:
 * normalizations per type, default rules (rule mode), default comparisons and blocking rules
 * (probabilistic mode).
 */
import type { Normalization, SemanticType } from './unify.schema.js';

/** Attribute names that semantic types map to by default (`Person.FirstName` → `FirstName`). */
export function defaultAttributeName(type: string): string {
  return type.slice(type.indexOf('.') + 1);
}

const byType: Record<SemanticType, Normalization[]> = {
  'Person.FirstName': ['name'],
  'Person.LastName': ['name'],
  'Person.FullName': ['name'],
  'Person.BirthDate': [],
  'Identity.Email': ['email'],
  'Identity.Phone': ['phone'],
  'Location.Address': ['address'],
  'Location.City': ['unicodeToAscii', 'lowercase', 'symbols', 'whitespace'],
  'Location.PostalCode': ['lowercase', 'symbols', 'whitespace'],
  'Location.Country': ['unicodeToAscii', 'lowercase', 'whitespace'],
};

export function defaultNormalization(type: SemanticType | null): Normalization[] {
  return type === null ? ['whitespace', 'lowercase'] : byType[type];
}

/**
 * Rule mode without `rules`: exact email; exact phone; similar full name (edit-distance precision
 * 0.8) with the same postal code; similar full name with the same birth date. Rules whose
 * attributes are not mapped are left out.
 */
export const DEFAULT_RULES: {
  name: string;
  conditions: { attribute: string; precision?: number }[];
}[] = [
  { name: 'sameEmail', conditions: [{ attribute: 'Email' }] },
  { name: 'samePhone', conditions: [{ attribute: 'Phone' }] },
  {
    name: 'similarNameSamePostalCode',
    conditions: [{ attribute: 'FullName', precision: 0.8 }, { attribute: 'PostalCode' }],
  },
  {
    name: 'similarNameSameBirthDate',
    conditions: [{ attribute: 'FullName', precision: 0.8 }, { attribute: 'BirthDate' }],
  },
];

/**
 * Probabilistic blocking rules, in order; those naming unmapped attributes are left out. Each is a
 * conjunction of exact equalities on default-normalized values; a pair is a candidate when any
 * rule holds. Without explicit blocking, a default rule is used only while the pairs it produces
 * stay within BLOCKING_BUDGET (see probabilistic.matcher.ts), so the looser rules at the end help
 * small or very noisy data and drop out on large data.
 */
export const DEFAULT_BLOCKING: string[][] = [
  ['Email'],
  ['Phone'],
  ['FullName', 'PostalCode'],
  ['FullName', 'BirthDate'],
  ['LastName', 'BirthDate'],
  ['FirstName', 'BirthDate'],
  ['PostalCode', 'BirthDate'],
  ['FirstName', 'LastName', 'City'],
  ['FirstName', 'LastName'],
  ['BirthDate', 'City'],
  ['FirstName', 'City'],
  ['LastName', 'City'],
  ['BirthDate'],
  ['PostalCode'],
];

/**
 * With default blocking, inputs with at most this many record pairs (about 1,400 records) compare
 * every pair: that takes well under a second, and blocking would only cost recall.
 */
export const ALL_PAIRS_LIMIT = 1_000_000;

/** Pairs one default blocking rule may produce: 5 per record, and at least 200,000. */
export function blockingBudget(records: number): number {
  return Math.max(200_000, 5 * records);
}

export const DEFAULT_THRESHOLD = 0.95;
export const DEFAULT_RANDOM_PAIRS = 500_000;
export const DEFAULT_MAX_ITERATIONS = 500;
