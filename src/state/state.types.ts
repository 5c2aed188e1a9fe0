/** Shapes stored in the state plane. Timestamps are ISO-8601 UTC strings so every dialect agrees. */

export const TaskStatuses = [
  'queued',
  'running',
  'successful',
  'completedWithWarnings',
  'failedRetrying',
  'failed',
  'skipped',
  'canceled',
] as const;
export type TaskStatus = (typeof TaskStatuses)[number];
export type JobStatus = TaskStatus;

export const finalStatuses: ReadonlySet<TaskStatus> = new Set([
  'successful',
  'completedWithWarnings',
  'failed',
  'skipped',
  'canceled',
]);

export type SubmissionKind = 'onDemand' | 'scheduled';
export type JobType = 'full' | 'scoped';

export interface InstanceRow {
  name: string;
  createdAt: string;
}

export interface SourceRow {
  instance: string;
  name: string;
  kind: string;
  owners: string[];
  /** The validated source definition (tables, options, connection), as given in the project file. */
  definition: unknown;
  createdAt: string;
  updatedAt: string;
}

export interface TaskError {
  code: string;
  message: string;
}

export interface JobRow {
  id: string;
  instance: string;
  status: JobStatus;
  submissionKind: SubmissionKind;
  jobType: JobType;
  /** Source names a scoped job was asked for; empty for a full job. */
  identifiers: string[];
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  cancelRequested: boolean;
}

export interface TaskRow {
  id: string;
  jobId: string;
  kind: string;
  /** What the task works on: a source name for ingest, a segment name, or null for match/merge. */
  target: string | null;
  dependsOn: string[];
  status: TaskStatus;
  attempts: number;
  rowsRead: number | null;
  rowsRejected: number | null;
  startedAt: string | null;
  endedAt: string | null;
  error: TaskError | null;
  details: Record<string, unknown> | null;
}

export type TaskPatch = Partial<
  Pick<
    TaskRow,
    | 'status'
    | 'attempts'
    | 'rowsRead'
    | 'rowsRejected'
    | 'startedAt'
    | 'endedAt'
    | 'error'
    | 'details'
  >
>;
export type JobPatch = Partial<
  Pick<JobRow, 'status' | 'startedAt' | 'endedAt' | 'cancelRequested' | 'identifiers' | 'jobType'>
>;

export interface ScheduleRow {
  instance: string;
  isActive: boolean;
  timezoneId: string;
  cronSchedules: string[];
  nextRunAt: string | null;
  updatedAt: string;
}

export interface MetricRow {
  instance: string;
  metricKind: string;
  metricName: string;
  jobId: string | null;
  observedAt: string;
  value: number | null;
  details: Record<string, unknown> | null;
}

/** The latest ingest of a source that started (running, retrying or ended; not canceled), from task history. */
export interface SourceRefreshRow {
  source: string;
  status: TaskStatus;
  jobId: string;
  endedAt: string | null;
  rowsRead: number | null;
  rowsRejected: number | null;
  error: TaskError | null;
}

/**
 * A named, validated definition owned by one domain: `kind` is e.g. 'unification' (one per
 * instance, named 'default'), 'segment', 'measure' or 'flow'. The body is the domain's own JSON
 * shape; the state plane stores it without interpreting it.
 */
export interface DefinitionRow {
  instance: string;
  kind: string;
  name: string;
  owners: string[];
  body: unknown;
  createdAt: string;
  updatedAt: string;
}

/** What a connection may do; `admin` implies every other scope. */
export const Scopes = ['read', 'write', 'manage', 'subscribe', 'admin'] as const;
export type Scope = (typeof Scopes)[number];

/**
 * A connection: one API key with the instances it may use (`['*']` = all) and its scopes. Only the
 * SHA-256 hash of the key is stored; the key itself is shown once, at creation.
 */
export interface ConnectionRow {
  id: string;
  name: string;
  instances: string[];
  scopes: Scope[];
  keyHash: string;
  /** Calls allowed in any window of `rateWindowSeconds`. */
  rateLimit: number;
  rateWindowSeconds: number;
  createdAt: string;
  revokedAt: string | null;
}

/** A run outcome reported by an external flow (the connector's "Sends the status report"). */
export interface StatusReportRow {
  id: string;
  instance: string;
  reportType: string;
  status: string;
  message: string | null;
  runId: string | null;
  details: Record<string, unknown> | null;
  connectionId: string | null;
  reportedAt: string;
}
/** A subscription's lifecycle: `deleted` rows are kept so DELETE stays idempotent and the log readable. */
export type SubscriptionStatus = 'active' | 'disabled' | 'deleted';

/** Parameters of a subscription; which ones apply depends on the event type (see the triggers domain). */
export interface SubscriptionParams {
  source?: string;
  segment?: string;
  measure?: string;
  threshold?: number;
  rearmBelow?: number;
}

export interface SubscriptionRow {
  id: string;
  instance: string;
  event: string;
  url: string;
  /** `host:port` of the url: the unit of throttling and of the concurrency cap. */
  targetHost: string;
  params: SubscriptionParams;
  /**
   * Event type, parameters and url in one canonical string: live subscriptions with the same key are
   * duplicates (a re-subscribe) and share every delivery.
   */
  matchKey: string;
  secret: string;
  /** The secret before the last rotation; it still signs until `previousSecretUntil`. */
  previousSecret: string | null;
  previousSecretUntil: string | null;
  status: SubscriptionStatus;
  disabledReason: string | null;
  /** Start of the current run of failed attempts to this url; null after any success. */
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
}

export type SubscriptionPatch = Partial<
  Pick<
    SubscriptionRow,
    | 'status'
    | 'secret'
    | 'previousSecret'
    | 'previousSecretUntil'
    | 'disabledReason'
    | 'failingSince'
  >
>;

/** Where a threshold subscription stands: the last non-null value it saw and whether it may fire. */
export interface TriggerStateRow {
  subscriptionId: string;
  lastValue: number | null;
  armed: boolean;
  updatedAt: string;
}

/**
 * An event to append to the outbox. Deliveries are created in the same transaction for the live
 * subscriptions it targets: `subscriptionIds` when given (threshold firings), otherwise every live
 * subscription to `type` whose `source` parameter is absent or equals `source`.
 */
export interface NewEvent {
  id: string;
  instance: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
  source?: string;
  subscriptionIds?: string[];
}

export interface EventRow {
  /** Position in the instance's feed; the polling cursor. */
  seq: number;
  id: string;
  instance: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

// Deliveries, claims and results: state.delivery.types.ts.
export * from './state.delivery.types.js';

/** A live threshold subscription and its state, as handed to the evaluation inside the transaction. */
export interface ThresholdCandidate {
  subscription: SubscriptionRow;
  state: TriggerStateRow;
}

export type ThresholdEvaluation = (
  candidates: ThresholdCandidate[],
  metric: MetricRow,
) => { states: TriggerStateRow[]; events: NewEvent[] };

export type FlowRunStatus = 'succeeded' | 'skipped' | 'failed';

/**
 * One run of a built-in flow: on a delivery attempt (`deliveryId`, `attempt`) or a "send test"
 * (`test`, on the event type's sample). `actions` is the flows domain's own JSON (each action's
 * request and outcome); the state plane stores it without interpreting it.
 */
export interface FlowRunRow {
  id: string;
  instance: string;
  flow: string;
  deliveryId: string | null;
  attempt: number | null;
  test: boolean;
  eventId: string;
  eventType: string;
  /** The event envelope the flow ran on. */
  event: Record<string, unknown>;
  /** Whether the condition held; null when the flow has none. */
  conditionHeld: boolean | null;
  /** succeeded: every action done; skipped: the condition did not hold; failed: an action failed. */
  status: FlowRunStatus;
  /** True when a failure was transient: the delivery schedule retries the unfinished actions. */
  retry: boolean;
  actions: unknown[];
  startedAt: string;
  endedAt: string;
}

export interface FlowRunQuery {
  flow?: string;
  deliveryId?: string;
  limit: number;
  offset: number;
}
