/**
 * A segment definition: a rule tree whose members are the CustomerIds that satisfy it. Inner nodes
 * are boolean (`and`, `or`, `not`) or set operators between rule groups (`union`, `intersect`,
 * `except`); leaves compare a profile attribute, an aggregate of activities, a customer-level
 * measure, or test membership of another segment.
 */
import {
  AttributeCondition,
  Window,
  comparisonFields,
  type Comparison,
} from '../conditions/index.js';
import { Email, Identifier, StringEnum, Type, type Static } from '../schema/index.js';

export const ActivityAggregates = ['count', 'sum', 'last'] as const;

export const ActivityCondition = Type.Object(
  {
    activity: Type.String({ minLength: 1, description: 'the ActivityType, e.g. Purchase' }),
    aggregate: Type.Optional(StringEnum(ActivityAggregates, { default: 'count' })),
    field: Type.Optional(
      Type.String({ minLength: 1, description: 'summed column (default Amount)' }),
    ),
    where: Type.Optional(Type.Array(AttributeCondition)),
    within: Type.Optional(Window),
    ...comparisonFields,
  },
  { additionalProperties: false },
);
export type ActivityCondition = Static<typeof ActivityCondition>;

export const MeasureCondition = Type.Object(
  { measure: Identifier, ...comparisonFields },
  { additionalProperties: false },
);
export type MeasureCondition = Static<typeof MeasureCondition>;

export const SegmentCondition = Type.Object(
  { inSegment: Identifier },
  { additionalProperties: false },
);
export type SegmentCondition = Static<typeof SegmentCondition>;

export const BooleanOps = ['and', 'or', 'not'] as const;
export const SetOps = ['union', 'intersect', 'except'] as const;
export type SetOp = (typeof SetOps)[number];

export type Rule =
  | { and: Rule[] }
  | { or: Rule[] }
  | { not: Rule }
  | { union: Rule[] }
  | { intersect: Rule[] }
  | { except: Rule[] }
  | (AttributeCondition & Comparison)
  | ActivityCondition
  | MeasureCondition
  | SegmentCondition;

/** The definition around the rule; the rule tree itself is checked node by node (segment.validate). */
export const SegmentShape = Type.Object(
  {
    name: Identifier,
    description: Type.Optional(Type.String()),
    owners: Type.Optional(Type.Array(Email)),
    active: Type.Optional(Type.Boolean({ default: true })),
    refresh: Type.Optional(
      StringEnum(['dynamic', 'static'] as const, {
        description: 'dynamic: evaluated by every refresh; static: only when asked (…/evaluate)',
      }),
    ),
    rule: Type.Unknown({ description: 'the rule tree (see docs/concepts.md)' }),
  },
  { additionalProperties: false },
);

export type SegmentDefinition = Omit<Static<typeof SegmentShape>, 'rule'> & { rule: Rule };

export const membershipTable = 'SegmentMembership';
export const deltaTable = 'SegmentMembershipDelta';
