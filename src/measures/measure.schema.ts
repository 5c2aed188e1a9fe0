/**
 * A measure definition: an aggregation of a column, or of an arithmetic expression over columns
 * (expression.parser.ts), of `Customer` or `UnifiedActivity`, filtered and windowed, grouped per
 * customer, by dimensions (columns or date buckets), or not at all (a scalar business measure).
 */
import { AttributeCondition, Window } from '../conditions/index.js';
import { maxExpressionLength } from './expression.parser.js';
import { Email, Identifier, StringEnum, Type, type Static } from '../schema/index.js';

export const MeasureAggregates = [
  'sum',
  'avg',
  'count',
  'countDistinct',
  'min',
  'max',
  'first',
  'last',
] as const;
export type MeasureAggregate = (typeof MeasureAggregates)[number];

export const DateBuckets = ['day', 'month', 'year'] as const;

const Dimension = Type.Union([
  Type.String({ minLength: 1 }),
  Type.Object(
    {
      column: Type.String({ minLength: 1 }),
      bucket: Type.Optional(StringEnum(DateBuckets)),
      as: Type.Optional(Identifier),
    },
    { additionalProperties: false },
  ),
]);
export type Dimension = Static<typeof Dimension>;

export const MeasureDefinition = Type.Object(
  {
    name: Identifier,
    description: Type.Optional(Type.String()),
    owners: Type.Optional(Type.Array(Email)),
    active: Type.Optional(Type.Boolean({ default: true })),
    from: Type.Optional(StringEnum(['UnifiedActivity', 'Customer'] as const)),
    aggregate: StringEnum(MeasureAggregates),
    expression: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: maxExpressionLength,
        description: 'the aggregated column, or arithmetic over columns: sum(Amount - Discount)',
      }),
    ),
    activityType: Type.Optional(Type.String({ minLength: 1 })),
    where: Type.Optional(Type.Array(AttributeCondition)),
    within: Type.Optional(Window),
    timeColumn: Type.Optional(Type.String({ minLength: 1 })),
    perCustomer: Type.Optional(Type.Boolean()),
    dimensions: Type.Optional(Type.Array(Dimension, { minItems: 1, maxItems: 4 })),
  },
  { additionalProperties: false },
);
export type MeasureDefinition = Static<typeof MeasureDefinition>;

export type MeasureKind = 'scalar' | 'dimensional' | 'customer';

export function measureKind(def: MeasureDefinition): MeasureKind {
  if (def.perCustomer) return 'customer';
  return def.dimensions ? 'dimensional' : 'scalar';
}

/** The warehouse table holding a measure's last values. */
export function measureTable(name: string): string {
  return `Measure_${name}`;
}

/** The view with one column per customer-level measure. */
export const customerMeasureView = 'Customer_Measure';
