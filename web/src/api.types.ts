/** Shapes of the public API's responses that the console reads (see docs/api.md). */

export type Status =
  | 'queued'
  | 'running'
  | 'successful'
  | 'completedWithWarnings'
  | 'failedRetrying'
  | 'failed'
  | 'skipped'
  | 'canceled'
  | 'notStarted';

export interface Instance {
  name: string;
  createdAt: string;
}

export interface TaskError {
  code: string;
  message: string;
}

export interface DataSource {
  name: string;
  kind: string;
  status: Status;
  lastRefresh: string | null;
  lastJobId: string | null;
  rowsRead: number | null;
  rowsRejected: number | null;
  error: TaskError | null;
  owners: string[];
  tables: string[];
}

export interface SourceTableDefinition {
  name: string;
  format: string;
  path?: string;
  table?: string;
  query?: string;
  primaryKey?: string | string[];
}

export interface SourceDefinition {
  name: string;
  kind?: string;
  description?: string;
  owners?: string[];
  tables: SourceTableDefinition[];
}

export interface CorruptRow {
  file: string | null;
  line: number | null;
  reason: string;
  raw: string | null;
}

export interface Task {
  id: string;
  kind: string;
  target: string | null;
  status: Status;
  attempts: number;
  dependsOn: string[];
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  rowsRead: number | null;
  rowsRejected: number | null;
  error: TaskError | null;
}

export interface Job {
  jobId: string;
  instance: string;
  status: Status;
  submissionKind: 'onDemand' | 'scheduled';
  jobType: 'full' | 'scoped';
  identifiers: string[];
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  tasks?: Task[];
}

export interface JobStarted {
  jobId: string;
  status: Status;
  coalesced: boolean;
}

export interface Schedule {
  isActive: boolean;
  timezoneId: string;
  cronSchedules: string[];
  nextRunAt: string | null;
  upcoming: string[];
}

export interface SchedulePreview {
  timezoneId: string;
  cronSchedules: string[];
  value: string[];
}

export interface List<T> {
  value: T[];
}

/** Statuses after which nothing changes any more. */
export const finalStatuses: ReadonlySet<Status> = new Set([
  'successful',
  'completedWithWarnings',
  'failed',
  'skipped',
  'canceled',
]);

export function isFinal(status: Status): boolean {
  return finalStatuses.has(status);
}

/* Unification, segments and measures, connections, subscriptions and deliveries. */

/** A task of a job with its details (the match and merge statistics live there). */
export interface TaskWithDetails extends Task {
  details: Record<string, unknown> | null;
}

export interface MatchDetails {
  mode: 'rules' | 'probabilistic';
  inputRecords: number;
  recordsPerTable: Record<string, number>;
  candidatePairs?: number;
  matchedPairs: number;
  perRule?: Record<string, number>;
  clusters: number;
  clusterRounds: number;
  stages: Record<string, number>;
  /** Probabilistic mode only. */
  emIterations?: number;
  emConverged?: boolean;
  blockingRules?: string[][];
}

export interface MergeDetails {
  profiles: {
    total: number;
    created: number;
    kept: number;
    merged: number;
    split: number;
    removed: number;
  };
  activities?: number;
  unlinked?: number;
  stages: Record<string, number>;
}

export interface UnificationResolved {
  definition: unknown;
  resolved: {
    mode: string;
    tables: string[];
    attributes: string[];
    rules: string[];
    comparisons: string[];
    blocking: string[][];
    threshold: number;
  };
  updatedAt: string;
}

/** An OData page of an entity (`…/data/{entity}`). */
export interface ODataPage<T> {
  value: T[];
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
}

export type Row = Record<string, unknown>;

export interface CustomerLink {
  CustomerId: string;
  SourceTable: string;
  RecordId: string;
}

export interface MatchPair {
  LeftSourceTable: string;
  LeftRecordId: string;
  RightSourceTable: string;
  RightRecordId: string;
  MatchKind: 'match' | 'deduplication';
  Rule: string;
  Probability: number | null;
  /** JSON text: a similarity per condition, or `matchWeight` and a level per comparison. */
  Scores: string | null;
  CustomerId: string;
}

export interface EntityInfo {
  name: string;
  kind: string;
  key: string[];
  columns: { name: string; type: string }[];
  rowCount: number | null;
}

export interface SegmentHistoryEntry {
  time: string;
  count: number;
  added: number | null;
  removed: number | null;
  jobId: string | null;
}

export interface MeasureHistoryEntry {
  time: string;
  value: number | null;
  values?: unknown;
  jobId: string | null;
}

export interface SegmentDefinition {
  name: string;
  description?: string;
  owners?: string[];
  active?: boolean;
  refresh?: 'dynamic' | 'static';
  rule: unknown;
}

export interface SegmentSummary extends SegmentDefinition {
  lastEvaluation: SegmentHistoryEntry | null;
}

export interface MeasureDefinition {
  name: string;
  description?: string;
  owners?: string[];
  aggregate: string;
  perCustomer?: boolean;
  dimensions?: unknown[];
  [field: string]: unknown;
}

export interface MeasureSummary extends MeasureDefinition {
  lastEvaluation: MeasureHistoryEntry | null;
}

export interface SegmentPreview {
  count: number;
  sample: string[];
}

export interface Connection {
  id: string;
  name: string;
  instances: string[];
  scopes: string[];
  rateLimit: { calls: number; windowSeconds: number };
  createdAt: string;
  revokedAt: string | null;
}

export interface CreatedConnection extends Connection {
  key: string;
}

export interface Subscription {
  id: string;
  event: string;
  url: string;
  source?: string;
  segment?: string;
  measure?: string;
  threshold?: number;
  rearmBelow?: number;
  status: 'active' | 'disabled';
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export type DeliveryStatus = 'pending' | 'inFlight' | 'delivered' | 'failed' | 'canceled';

export interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  subscriptionId: string;
  url: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
}

export interface DeliveryAttempt {
  attempt: number;
  startedAt: string;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

export interface DeliveryDetail extends Delivery {
  attemptLog: DeliveryAttempt[];
}

export type * from './api.flows.types.js';
