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

/** A built-in flow (GET …/flows): its definition, its live state and its last run. */
export interface Flow {
  name: string;
  description?: string;
  enabled: boolean;
  status: 'active' | 'disabled';
  disabledReason: string | null;
  failingSince: string | null;
  subscriptionId: string | null;
  trigger: {
    event: string;
    source?: string;
    segment?: string;
    measure?: string;
    threshold?: number;
  };
  condition?: unknown;
  actions: { type: string; [k: string]: unknown }[];
  lastRun: {
    id: string;
    status: FlowRunStatus;
    startedAt: string;
    test: boolean;
    error: string | null;
  } | null;
  createdAt: string;
  updatedAt: string;
}

export type FlowRunStatus = 'succeeded' | 'skipped' | 'failed';

export interface FlowActionRun {
  index: number;
  type: string;
  status: 'succeeded' | 'failed' | 'done';
  transient: boolean;
  request: Record<string, unknown> | null;
  response: Record<string, unknown> | null;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

export interface FlowRun {
  id: string;
  flow: string;
  test: boolean;
  deliveryId: string | null;
  attempt: number | null;
  eventId: string;
  eventType: string;
  event: Record<string, unknown>;
  conditionHeld: boolean | null;
  status: FlowRunStatus;
  retry: boolean;
  actions: FlowActionRun[];
  startedAt: string;
  endedAt: string;
}

export interface FlowTemplateParameter {
  name: string;
  title: string;
  type: 'string' | 'url' | 'number' | 'emails' | 'choice';
  required: boolean;
  description: string;
  choices?: string[];
  default?: string | number;
}

export interface FlowTemplate {
  name: string;
  title: string;
  description: string;
  event: string;
  parameters: FlowTemplateParameter[];
}

/** One delivery of the log (GET …/deliveries), urls redacted. */
export interface FlowDelivery {
  id: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'inFlight' | 'delivered' | 'failed' | 'canceled';
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}
