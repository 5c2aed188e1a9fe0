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
  subscriptions: {
    id: string;
    instance: string;
    event: string;
    url: string;
    target_host: string;
    subject: string | null;
    params: string;
    match_key: string;
    secret: string;
    previous_secret: string | null;
    previous_secret_until: string | null;
    status: string;
    disabled_reason: string | null;
    failing_since: string | null;
    created_at: string;
    updated_at: string;
  };
  trigger_state: {
    subscription_id: string;
    last_value: number | null;
    armed: number;
    updated_at: string;
  };
  events: {
    seq: Generated<number>;
    id: string;
    instance: string;
    type: string;
    occurred_at: string;
    data: string;
  };
  deliveries: {
    id: string;
    instance: string;
    event_id: string;
    event_type: string;
    subscription_id: string;
    match_key: string;
    url: string;
    target_host: string;
    status: string;
    series_attempts: number;
    attempts: number;
    next_attempt_at: string | null;
    lease_until: string | null;
    /** The worker holding the delivery while `inFlight` (migration 0007). */
    claimed_by: string | null;
    last_status_code: number | null;
    last_error: string | null;
    created_at: string;
    updated_at: string;
    delivered_at: string | null;
  };
  delivery_attempts: {
    id: Generated<number>;
    delivery_id: string;
    attempt: number;
    started_at: string;
    status_code: number | null;
    latency_ms: number;
    error: string | null;
  };
  flow_runs: {
    id: string;
    instance: string;
    flow: string;
    delivery_id: string | null;
    attempt: number | null;
    test: number;
    event_id: string;
    event_type: string;
    event: string;
    condition_held: number | null;
    status: string;
    retry: number;
    actions: string;
    started_at: string;
    ended_at: string;
  };
}
