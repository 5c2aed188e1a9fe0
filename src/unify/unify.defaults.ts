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
 * rule holds.
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
];

export const DEFAULT_THRESHOLD = 0.95;
export const DEFAULT_RANDOM_PAIRS = 500_000;
export const DEFAULT_MAX_ITERATIONS = 50;
