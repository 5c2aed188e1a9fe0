/**
 * The event catalog (design §6.1): the seven event types, the JSON schema of each one's `data`, the
 * delivery envelope, and the parameters a subscription to each type takes. Type names are public API.
 */
import { StringEnum, Type, type Static, type TSchema } from '../schema/index.js';
import { newOrderedId, TaskStatuses } from '../state/index.js';

export const EventTypes = [
  'datasource.refresh.failed',
  'datasource.refresh.succeeded',
  'segment.threshold.crossed',
  'measure.threshold.crossed',
  'refresh.scheduled.completed',
  'unification.completed',
  'subscription.disabled',
] as const;
export type EventType = (typeof EventTypes)[number];

const Nullable = <S extends TSchema>(s: S) => Type.Union([s, Type.Null()]);
const Timestamp = Type.String({ format: 'date-time', description: 'ISO-8601, UTC' });
const Status = StringEnum(TaskStatuses);
const Owners = Type.Array(Type.String(), {
  description: 'owner emails of the source or definition',
});
const TaskError = Nullable(Type.Object({ code: Type.String(), message: Type.String() }));

export const DataSourceRefreshData = Type.Object({
  source: Type.String(),
  tables: Type.Array(Type.String()),
  jobId: Type.String(),
  submissionKind: StringEnum(['onDemand', 'scheduled'] as const),
  status: Status,
  attempts: Type.Integer({ description: 'ingest attempts, retries included' }),
  rowsRead: Nullable(Type.Number()),
  rowsRejected: Nullable(Type.Number()),
  error: TaskError,
  startedAt: Nullable(Timestamp),
  endedAt: Nullable(Timestamp),
  owners: Owners,
});
export type DataSourceRefreshData = Static<typeof DataSourceRefreshData>;

export const SegmentThresholdData = Type.Object({
  segment: Type.String(),
  threshold: Type.Number(),
  rearmBelow: Type.Number(),
  previousCount: Type.Number(),
  currentCount: Type.Number(),
  added: Nullable(Type.Integer({ description: 'members added since the previous evaluation' })),
  removed: Nullable(Type.Integer({ description: 'members removed since the previous evaluation' })),
  addedSample: Type.Array(Type.String(), { description: 'the first added CustomerIds (up to 10)' }),
  jobId: Nullable(Type.String()),
  observedAt: Timestamp,
  owners: Owners,
});
export type SegmentThresholdData = Static<typeof SegmentThresholdData>;

export const MeasureThresholdData = Type.Object({
  measure: Type.String(),
  threshold: Type.Number(),
  rearmBelow: Type.Number(),
  previousValue: Type.Number(),
  currentValue: Type.Number(),
  jobId: Nullable(Type.String()),
  observedAt: Timestamp,
  owners: Owners,
});
export type MeasureThresholdData = Static<typeof MeasureThresholdData>;

export const ScheduledRefreshData = Type.Object({
  jobId: Type.String(),
  status: Status,
  jobType: StringEnum(['full', 'scoped'] as const),
  startedAt: Nullable(Timestamp),
  endedAt: Nullable(Timestamp),
  durationMs: Nullable(Type.Number()),
  tasks: Type.Array(
    Type.Object({
      kind: Type.String(),
      target: Nullable(Type.String()),
      status: Status,
      attempts: Type.Integer(),
      durationMs: Nullable(Type.Number()),
      error: TaskError,
    }),
  ),
});
export type ScheduledRefreshData = Static<typeof ScheduledRefreshData>;

export const UnificationData = Type.Object({
  jobId: Type.String(),
  status: Status,
  submissionKind: StringEnum(['onDemand', 'scheduled'] as const),
  endedAt: Nullable(Timestamp),
  profiles: Type.Object({
    total: Nullable(Type.Integer()),
    created: Nullable(Type.Integer()),
    kept: Nullable(Type.Integer()),
    merged: Nullable(Type.Integer()),
    split: Nullable(Type.Integer()),
  }),
});
export type UnificationData = Static<typeof UnificationData>;

export const SubscriptionDisabledData = Type.Object({
  subscriptionId: Type.String(),
  event: Type.String({ description: 'the event type the subscription was for' }),
  url: Type.String({ description: 'the callback url, redacted to scheme and host' }),
  reason: StringEnum(['gone', 'failing'] as const, {
    description:
      'gone: the target answered 410; failing: every attempt failed for the configured period',
  }),
  failingSince: Nullable(Timestamp),
  disabledAt: Timestamp,
});
export type SubscriptionDisabledData = Static<typeof SubscriptionDisabledData>;

export const eventDataSchemas: Record<EventType, TSchema> = {
  'datasource.refresh.failed': DataSourceRefreshData,
  'datasource.refresh.succeeded': DataSourceRefreshData,
  'segment.threshold.crossed': SegmentThresholdData,
  'measure.threshold.crossed': MeasureThresholdData,
  'refresh.scheduled.completed': ScheduledRefreshData,
  'unification.completed': UnificationData,
  'subscription.disabled': SubscriptionDisabledData,
};

/** The body of every delivery and of every item of the event feed. */
export function eventEnvelopeSchema(type: EventType): TSchema {
  return Type.Object(
    {
      id: Type.String({
        description: 'the event id; also the webhook-id header, same on every retry',
      }),
      type: StringEnum([type] as const),
      timestamp: Timestamp,
      instance: Type.String(),
      data: eventDataSchemas[type],
    },
    { title: type, description: firingRules[type] },
  );
}

export const firingRules: Record<EventType, string> = {
  'datasource.refresh.failed':
    "a source's ingest task ends failed (permanent: retries exhausted, a user error or a timeout; failedRetrying never fires it)",
  'datasource.refresh.succeeded': "a source's ingest task ends successful or completedWithWarnings",
  'segment.threshold.crossed':
    "a segment's member count crosses above the threshold: previous <= threshold < current; re-arms at <= rearmBelow",
  'measure.threshold.crossed':
    'a business measure without dimensions crosses above the threshold: previous <= threshold < current; re-arms at <= rearmBelow',
  'refresh.scheduled.completed':
    'a scheduled full refresh job ends (any final status); never for on-demand jobs',
  'unification.completed': 'the merge task of any job ends successful or completedWithWarnings',
  'subscription.disabled':
    'a subscription is disabled by delivery: its target answered 410, or failed continuously for the configured period',
};

/** The parameters a subscription to a type accepts; `required` ones must be given. */
export const eventParameters: Record<EventType, { allowed: string[]; required: string[] }> = {
  'datasource.refresh.failed': { allowed: ['source'], required: [] },
  'datasource.refresh.succeeded': { allowed: ['source'], required: [] },
  'segment.threshold.crossed': {
    allowed: ['segment', 'threshold', 'rearmBelow'],
    required: ['segment', 'threshold'],
  },
  'measure.threshold.crossed': {
    allowed: ['measure', 'threshold', 'rearmBelow'],
    required: ['measure', 'threshold'],
  },
  'refresh.scheduled.completed': { allowed: [], required: [] },
  'unification.completed': { allowed: [], required: [] },
  'subscription.disabled': { allowed: [], required: [] },
};

/** One event type as data: its firing rule, subscription parameters and delivered envelope. */
export interface EventCatalogEntry {
  type: EventType;
  firingRule: string;
  parameters: { allowed: string[]; required: string[] };
  /** JSON schema of a delivery body (and of an item of the event feed). */
  envelope: TSchema;
}

/** The whole catalog, in `EventTypes` order: what the API's connector package is generated from. */
export function eventCatalog(): EventCatalogEntry[] {
  return EventTypes.map((type) => ({
    type,
    firingRule: firingRules[type],
    parameters: eventParameters[type],
    envelope: eventEnvelopeSchema(type),
  }));
}

export function isEventType(s: string): s is EventType {
  return (EventTypes as readonly string[]).includes(s);
}

/**
 * Event ids: `evt_` and 32 hex digits, ordered by `occurredAt` (see newOrderedId); the `webhook-id`
 * of every delivery of the event.
 */
export function newEventId(occurredAt: Date | string): string {
  return newOrderedId('evt_', occurredAt);
}

/** The envelope of a stored event: the body of each delivery and each item of the feed. */
export function envelopeOf(e: {
  id: string;
  type: string;
  occurredAt: string;
  instance: string;
  data: Record<string, unknown>;
}): Record<string, unknown> {
  return { id: e.id, type: e.type, timestamp: e.occurredAt, instance: e.instance, data: e.data };
}
