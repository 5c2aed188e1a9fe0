/** Row mapping between stored columns (snake_case, JSON as text) and the typed rows. */
import type { Insertable, Selectable } from 'kysely';
import type { Database } from './state.schema.js';
import type {
  JobRow,
  MetricRow,
  JobType,
  ScheduleRow,
  SubmissionKind,
  SubscriptionParams,
  SubscriptionRow,
  SubscriptionStatus,
  TaskRow,
  TaskStatus,
} from './state.types.js';

export function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

export function toNumber(v: number | bigint | string | null): number | null {
  return v === null ? null : Number(v);
}

export function mapJob(r: Selectable<Database['jobs']>): JobRow {
  return {
    id: r.id,
    instance: r.instance,
    status: r.status as TaskStatus,
    submissionKind: r.submission_kind as SubmissionKind,
    jobType: r.job_type as JobType,
    identifiers: JSON.parse(r.identifiers) as string[],
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    cancelRequested: Number(r.cancel_requested) === 1,
  };
}

export function mapTask(r: Selectable<Database['tasks']>): TaskRow {
  return {
    id: r.id,
    jobId: r.job_id,
    kind: r.kind,
    target: r.target,
    dependsOn: JSON.parse(r.depends_on) as string[],
    status: r.status as TaskStatus,
    attempts: r.attempts,
    rowsRead: toNumber(r.rows_read),
    rowsRejected: toNumber(r.rows_rejected),
    startedAt: r.started_at,
    endedAt: r.ended_at,
    error: parseJson(r.error),
    details: parseJson(r.details),
  };
}

export function taskColumns(t: TaskRow, seq: number): Database['tasks'] {
  return {
    id: t.id,
    job_id: t.jobId,
    seq,
    kind: t.kind,
    target: t.target,
    depends_on: JSON.stringify(t.dependsOn),
    status: t.status,
    attempts: t.attempts,
    rows_read: t.rowsRead,
    rows_rejected: t.rowsRejected,
    started_at: t.startedAt,
    ended_at: t.endedAt,
    error: t.error === null ? null : JSON.stringify(t.error),
    details: t.details === null ? null : JSON.stringify(t.details),
  };
}

export function mapSchedule(r: Selectable<Database['schedules']>): ScheduleRow {
  return {
    instance: r.instance,
    isActive: Number(r.is_active) === 1,
    timezoneId: r.timezone_id,
    cronSchedules: JSON.parse(r.cron_schedules) as string[],
    nextRunAt: r.next_run_at,
    updatedAt: r.updated_at,
  };
}

export function mapSubscription(r: Selectable<Database['subscriptions']>): SubscriptionRow {
  return {
    id: r.id,
    instance: r.instance,
    event: r.event,
    url: r.url,
    targetHost: r.target_host,
    params: JSON.parse(r.params) as SubscriptionParams,
    matchKey: r.match_key,
    secret: r.secret,
    previousSecret: r.previous_secret,
    previousSecretUntil: r.previous_secret_until,
    status: r.status as SubscriptionStatus,
    disabledReason: r.disabled_reason,
    failingSince: r.failing_since,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The stored columns of a metric history row (one insert shape for every writer). */
export function metricColumns(row: MetricRow): Insertable<Database['metric_history']> {
  return {
    instance: row.instance,
    metric_kind: row.metricKind,
    metric_name: row.metricName,
    job_id: row.jobId,
    observed_at: row.observedAt,
    value: row.value,
    details: row.details === null ? null : JSON.stringify(row.details),
  };
}
