import type { Generated } from 'kysely';

/** Kysely table types: the stored (column) shape, mapped to `state.types.ts` by the store. */
export interface Database {
  instances: { name: string; created_at: string };
  data_sources: {
    instance: string;
    name: string;
    kind: string;
    owners: string;
    definition: string;
    created_at: string;
    updated_at: string;
  };
  jobs: {
    id: string;
    instance: string;
    status: string;
    submission_kind: string;
    job_type: string;
    identifiers: string;
    created_at: string;
    started_at: string | null;
    ended_at: string | null;
    cancel_requested: number;
  };
  tasks: {
    id: string;
    job_id: string;
    seq: number;
    kind: string;
    target: string | null;
    depends_on: string;
    status: string;
    attempts: number;
    rows_read: number | null;
    rows_rejected: number | null;
    started_at: string | null;
    ended_at: string | null;
    error: string | null;
    details: string | null;
  };
  schedules: {
    instance: string;
    is_active: number;
    timezone_id: string;
    cron_schedules: string;
    next_run_at: string | null;
    updated_at: string;
  };
  metric_history: {
    id: Generated<number>;
    instance: string;
    metric_kind: string;
    metric_name: string;
    job_id: string | null;
    observed_at: string;
    value: number | null;
    details: string | null;
  };
  definitions: {
    instance: string;
    kind: string;
    name: string;
    owners: string;
    body: string;
    created_at: string;
    updated_at: string;
  };
  connections: {
    id: string;
    name: string;
    instances: string;
    scopes: string;
    key_hash: string;
    rate_limit: number;
    rate_window_seconds: number;
    created_at: string;
    revoked_at: string | null;
  };
  status_reports: {
    id: string;
    instance: string;
    report_type: string;
    status: string;
    message: string | null;
    run_id: string | null;
    details: string | null;
    connection_id: string | null;
    reported_at: string;
  };
}
