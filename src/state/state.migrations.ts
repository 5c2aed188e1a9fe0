/**
 * Schema migrations, written with Kysely's schema builder so SQLite and PostgreSQL share them.
 * Append new migrations; never edit one that has shipped. JSON is stored as text for portability.
 */
import type { Kysely, Migration, MigrationProvider } from 'kysely';

const migrations: Record<string, Migration> = {
  '0001_foundation': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('instances')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('data_sources')
        .addColumn('instance', 'text', (c) => c.notNull().references('instances.name'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('owners', 'text', (c) => c.notNull())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('data_sources_pk', ['instance', 'name'])
        .execute();
      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('instance', 'text', (c) => c.notNull().references('instances.name'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('submission_kind', 'text', (c) => c.notNull())
        .addColumn('job_type', 'text', (c) => c.notNull())
        .addColumn('identifiers', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('ended_at', 'text')
        .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('jobs_instance_created')
        .on('jobs')
        .columns(['instance', 'created_at'])
        .execute();
      await db.schema
        .createTable('tasks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('depends_on', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('rows_read', 'bigint')
        .addColumn('rows_rejected', 'bigint')
        .addColumn('started_at', 'text')
        .addColumn('ended_at', 'text')
        .addColumn('error', 'text')
        .addColumn('details', 'text')
        .execute();
      await db.schema.createIndex('tasks_job').on('tasks').columns(['job_id', 'seq']).execute();
      await db.schema
        .createIndex('tasks_kind_target')
        .on('tasks')
        .columns(['kind', 'target', 'ended_at'])
        .execute();
      await db.schema
        .createTable('schedules')
        .addColumn('instance', 'text', (c) => c.primaryKey().references('instances.name'))
        .addColumn('is_active', 'integer', (c) => c.notNull())
        .addColumn('timezone_id', 'text', (c) => c.notNull())
        .addColumn('cron_schedules', 'text', (c) => c.notNull())
        .addColumn('next_run_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('metric_history')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('instance', 'text', (c) => c.notNull())
        .addColumn('metric_kind', 'text', (c) => c.notNull())
        .addColumn('metric_name', 'text', (c) => c.notNull())
        .addColumn('job_id', 'text')
        .addColumn('observed_at', 'text', (c) => c.notNull())
        .addColumn('value', 'double precision')
        .addColumn('details', 'text')
        .execute();
      await db.schema
        .createIndex('metric_history_lookup')
        .on('metric_history')
        .columns(['instance', 'metric_kind', 'metric_name', 'id'])
        .execute();
    },
  },
  '0002_definitions': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('definitions')
        .addColumn('instance', 'text', (c) => c.notNull().references('instances.name'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('owners', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('definitions_pk', ['instance', 'kind', 'name'])
        .execute();
    },
  },
  '0005_connections': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('connections')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('instances', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull())
        .addColumn('rate_limit', 'integer', (c) => c.notNull())
        .addColumn('rate_window_seconds', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createTable('status_reports')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('instance', 'text', (c) => c.notNull().references('instances.name'))
        .addColumn('report_type', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('message', 'text')
        .addColumn('run_id', 'text')
        .addColumn('details', 'text')
        .addColumn('connection_id', 'text')
        .addColumn('reported_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('status_reports_instance_reported')
        .on('status_reports')
        .columns(['instance', 'reported_at'])
        .execute();
    },
  },
  '0004_triggers': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('subscriptions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('instance', 'text', (c) => c.notNull().references('instances.name'))
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('target_host', 'text', (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('match_key', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('previous_secret', 'text')
        .addColumn('previous_secret_until', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('disabled_reason', 'text')
        .addColumn('failing_since', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('subscriptions_lookup')
        .on('subscriptions')
        .columns(['instance', 'event', 'status', 'subject'])
        .execute();
      await db.schema
        .createIndex('subscriptions_match')
        .on('subscriptions')
        .columns(['match_key', 'status'])
        .execute();
      await db.schema
        .createTable('trigger_state')
        .addColumn('subscription_id', 'text', (c) => c.primaryKey().references('subscriptions.id'))
        .addColumn('last_value', 'double precision')
        .addColumn('armed', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('events')
        .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('instance', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('events_feed')
        .on('events')
        .columns(['instance', 'type', 'seq'])
        .execute();
      await db.schema
        .createTable('deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('instance', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull().references('events.id'))
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('subscription_id', 'text', (c) => c.notNull())
        .addColumn('match_key', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('target_host', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('series_attempts', 'integer', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text')
        .addColumn('lease_until', 'text')
        .addColumn('last_status_code', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('delivered_at', 'text')
        // One delivery per (event, url): duplicate live subscriptions never cause two.
        .addUniqueConstraint('deliveries_event_url', ['event_id', 'url'])
        .execute();
      await db.schema
        .createIndex('deliveries_due')
        .on('deliveries')
        .columns(['status', 'next_attempt_at'])
        .execute();
      await db.schema
        .createIndex('deliveries_log')
        .on('deliveries')
        .columns(['instance', 'created_at'])
        .execute();
      await db.schema
        .createTable('delivery_attempts')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('delivery_id', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('latency_ms', 'double precision', (c) => c.notNull())
        .addColumn('error', 'text')
        .execute();
      await db.schema
        .createIndex('delivery_attempts_delivery')
        .on('delivery_attempts')
        .columns(['delivery_id', 'id'])
        .execute();
    },
  },
  '0007_delivery': {
    async up(db: Kysely<unknown>) {
      // The claim protocol (src/delivery/README.md): who holds an in-flight delivery, so a worker
      // releases only its own claims at start and records only deliveries it still holds.
      // Expired leases are found through `deliveries_due` (status first): only in-flight rows are
      // read, and a separate lease index would cost two more index writes per attempt.
      await db.schema.alterTable('deliveries').addColumn('claimed_by', 'text').execute();
    },
  },
  '0006_flows': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('flow_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('instance', 'text', (c) => c.notNull())
        .addColumn('flow', 'text', (c) => c.notNull())
        .addColumn('delivery_id', 'text')
        .addColumn('attempt', 'integer')
        .addColumn('test', 'integer', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('condition_held', 'integer')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('retry', 'integer', (c) => c.notNull())
        .addColumn('actions', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('flow_runs_flow')
        .on('flow_runs')
        .columns(['instance', 'flow', 'started_at'])
        .execute();
      await db.schema
        .createIndex('flow_runs_delivery')
        .on('flow_runs')
        .columns(['delivery_id'])
        .execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
