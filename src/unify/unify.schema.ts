/**
 * The unification definition (project file `unification:`, `PUT …/manage/unification`): which
 * tables hold customers and activities, the semantic type of each column, the match rules or the
 * probabilistic settings, overrides and merge policies. Shape only; `unify.validate.ts` checks the
 * cross-references and the warehouse columns are checked when the match task runs.
 */
import { Identifier, StringEnum, Type, type Static } from '../schema/index.js';

export const SemanticTypes = [
  'Person.FirstName',
  'Person.LastName',
  'Person.FullName',
  'Person.BirthDate',
  'Identity.Email',
  'Identity.Phone',
  'Location.Address',
  'Location.City',
  'Location.PostalCode',
  'Location.Country',
] as const;
export type SemanticType = (typeof SemanticTypes)[number];

export const NormalizationNames = [
  'lowercase',
  'whitespace',
  'symbols',
  'numerals',
  'unicodeToAscii',
  'phone',
  'email',
  'emailNoTag',
  'name',
  'address',
] as const;
export type NormalizationName = (typeof NormalizationNames)[number];

const AliasMap = Type.Object(
  {
    alias: Type.Record(Type.String({ minLength: 1 }), Type.String(), {
      description: 'whole-value replacements applied after the preceding steps, e.g. bob: robert',
    }),
  },
  { additionalProperties: false },
);
export const Normalization = Type.Union([StringEnum(NormalizationNames), AliasMap]);
export type Normalization = Static<typeof Normalization>;

/** A column's mapping: a semantic type, or an attribute name (a custom type), or both. */
export const ColumnMapping = Type.Union([
  Type.String({ minLength: 1, description: 'a semantic type such as Identity.Email' }),
  Type.Object(
    {
      type: Type.Optional(Type.String({ minLength: 1 })),
      attribute: Type.Optional(Identifier),
    },
    { additionalProperties: false },
  ),
]);
export type ColumnMapping = Static<typeof ColumnMapping>;

export const CustomerTable = Type.Object(
  {
    source: Identifier,
    table: Identifier,
    columns: Type.Record(Identifier, ColumnMapping, { description: 'source column → mapping' }),
    recency: Type.Optional(Identifier),
    dedup: Type.Optional(
      Type.Boolean({ description: 'match records within this table (default true)' }),
    ),
  },
  { additionalProperties: false },
);
export type CustomerTable = Static<typeof CustomerTable>;

export const ActivityTable = Type.Object(
  {
    source: Identifier,
    table: Identifier,
    customer: Type.Object(
      { source: Identifier, table: Identifier, key: Identifier },
      {
        additionalProperties: false,
        description: 'the customer table and this table’s foreign key',
      },
    ),
    type: Type.String({ minLength: 1, maxLength: 100 }),
    timestamp: Identifier,
    amount: Type.Optional(Identifier),
    fields: Type.Optional(Type.Record(Identifier, Identifier, { description: 'output → column' })),
  },
  { additionalProperties: false },
);
export type ActivityTable = Static<typeof ActivityTable>;

export const Condition = Type.Object(
  {
    attribute: Identifier,
    normalize: Type.Optional(Type.Array(Normalization)),
    precision: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    algorithm: Type.Optional(StringEnum(['editDistance', 'jaroWinkler'] as const)),
  },
  { additionalProperties: false },
);
export type Condition = Static<typeof Condition>;

export const MatchRule = Type.Object(
  {
    name: Identifier,
    conditions: Type.Array(Condition, { minItems: 1 }),
    scope: Type.Optional(StringEnum(['all', 'withinTable', 'acrossTables'] as const)),
  },
  { additionalProperties: false },
);
export type MatchRule = Static<typeof MatchRule>;

const RecordRef = Type.String({
  pattern: '^[A-Za-z][A-Za-z0-9_]*\\.[A-Za-z][A-Za-z0-9_]*:.+$',
  description: 'source.table:recordKey, e.g. crm.contacts:C0001',
});
const RecordPair = Type.Object(
  { left: RecordRef, right: RecordRef },
  { additionalProperties: false },
);
export type RecordPair = Static<typeof RecordPair>;

export const Probabilistic = Type.Object(
  {
    threshold: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
    blocking: Type.Optional(Type.Array(Type.Array(Identifier, { minItems: 1 }), { minItems: 1 })),
    comparisons: Type.Optional(Type.Array(Identifier, { minItems: 1 })),
    randomPairs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 10_000_000 })),
    maxIterations: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
export type Probabilistic = Static<typeof Probabilistic>;

export const MergePolicies = [
  'tableImportance',
  'mostRecent',
  'leastRecent',
  'mostFilled',
] as const;
export type MergePolicy = (typeof MergePolicies)[number];

export const MergeSettings = Type.Object(
  {
    default: Type.Optional(StringEnum(MergePolicies)),
    fields: Type.Optional(
      Type.Array(
        Type.Object(
          {
            attributes: Type.Array(Identifier, { minItems: 1 }),
            policy: StringEnum(MergePolicies),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);
export type MergeSettings = Static<typeof MergeSettings>;

export const UnificationDefinition = Type.Object(
  {
    mode: Type.Optional(StringEnum(['rules', 'probabilistic'] as const)),
    customers: Type.Array(CustomerTable, { minItems: 1 }),
    activities: Type.Optional(Type.Array(ActivityTable)),
    rules: Type.Optional(Type.Array(MatchRule)),
    probabilistic: Type.Optional(Probabilistic),
    overrides: Type.Optional(
      Type.Object(
        {
          alwaysMatch: Type.Optional(Type.Array(RecordPair)),
          neverMatch: Type.Optional(Type.Array(RecordPair)),
        },
        { additionalProperties: false },
      ),
    ),
    merge: Type.Optional(MergeSettings),
  },
  { additionalProperties: false },
);
export type UnificationDefinition = Static<typeof UnificationDefinition>;
