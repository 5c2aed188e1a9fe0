/**
 * The condition language shared by segments and measures: a comparison of one column (or of a
 * computed value such as an activity count) with a value, a list of values, or a date window.
 */
import { StringEnum, Type, type Static } from '../schema/index.js';

export const TimeUnits = ['day', 'week', 'month', 'year'] as const;
export type TimeUnit = (typeof TimeUnits)[number];

/** A date relative to the evaluation's `now`: `{ago: 30, unit: 'day'}`. */
export const RelativeDate = Type.Object(
  {
    ago: Type.Integer({ minimum: 0, maximum: 100000 }),
    unit: StringEnum(TimeUnits),
  },
  { additionalProperties: false },
);
export type RelativeDate = Static<typeof RelativeDate>;

/**
 * A time window: the last N units up to `now`, the current calendar period (UTC) that contains
 * `now`, or absolute ISO-8601 bounds (`from` inclusive, `to` exclusive; either may be omitted).
 */
export const Window = Type.Object(
  {
    last: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
    unit: Type.Optional(StringEnum(TimeUnits)),
    current: Type.Optional(StringEnum(TimeUnits)),
    from: Type.Optional(Type.String()),
    to: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type Window = Static<typeof Window>;

export const ComparisonOps = [
  'eq',
  'ne',
  'gt',
  'ge',
  'lt',
  'le',
  'in',
  'contains',
  'startsWith',
  'endsWith',
  'exists',
  'within',
] as const;
export type ComparisonOp = (typeof ComparisonOps)[number];

const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);
export type Scalar = Static<typeof Scalar>;

const ComparisonValue = Type.Union([Scalar, RelativeDate, Type.Array(Scalar)]);

/** The comparison part, shared by attribute, activity and measure conditions. */
export const comparisonFields = {
  op: StringEnum(ComparisonOps),
  value: Type.Optional(ComparisonValue),
  window: Type.Optional(Window),
  ignoreCase: Type.Optional(Type.Boolean()),
};

export interface Comparison {
  op: ComparisonOp;
  value?: Scalar | RelativeDate | Scalar[];
  window?: Window;
  ignoreCase?: boolean;
}

/** `{attribute: 'City', op: 'eq', value: 'Oslo'}`: a comparison on a column of the table. */
export const AttributeCondition = Type.Object(
  { attribute: Type.String({ minLength: 1 }), ...comparisonFields },
  { additionalProperties: false },
);
export type AttributeCondition = Static<typeof AttributeCondition>;
