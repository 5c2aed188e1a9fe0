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
