/**
 * StateStore over Kysely. Dialect-neutral: the SQLite and PostgreSQL adapters only supply the Kysely
 * instance. Row mapping (snake_case text columns ⇄ typed rows) lives here and nowhere else.
 */
import { Migrator, type Kysely } from 'kysely';
import {
  mapJob,
  mapSchedule,
  mapTask,
  metricColumns,
  parseJson,
  taskColumns,
  toNumber,
} from './state.mappers.js';
import type { StateDialect } from './claims.store.js';
import * as connections from './connections.store.js';
import * as definitions from './definitions.store.js';
import * as flows from './flows.store.js';
import * as outbox from './outbox.store.js';
import * as sources from './sources.store.js';
import { migrationProvider } from './state.migrations.js';
import type { Database } from './state.schema.js';
import type { StateStore } from './state.port.js';
import { TriggersStateStore } from './triggers.store.js';
import type {
  ConnectionRow,
  DefinitionRow,
  FlowRunQuery,
  FlowRunRow,
  NewEvent,
  InstanceRow,
  JobPatch,
  JobRow,
  MetricRow,
  ScheduleRow,
  SourceRefreshRow,
  SourceRow,
  StatusReportRow,
  TaskPatch,
  TaskRow,
} from './state.types.js';

export class KyselyStateStore extends TriggersStateStore implements StateStore {
  constructor(
    db: Kysely<Database>,
    dialect: StateDialect = 'sqlite',
    /** Runs before the connections close (the SQLite adapter ends its checkpoint thread there). */
    private readonly beforeClose: () => Promise<void> = async () => {},
  ) {
    super(db, dialect);
  }

  /** Runs pending migrations; returns an error message instead of throwing on failure. */
  async migrate(): Promise<string | undefined> {
    const { error } = await new Migrator({
      db: this.db,
      provider: migrationProvider,
    }).migrateToLatest();
    return error === undefined
      ? undefined
      : error instanceof Error
        ? error.message
        : JSON.stringify(error);
  }

  async listInstances(): Promise<InstanceRow[]> {
    const rows = await this.db.selectFrom('instances').selectAll().orderBy('name').execute();
    return rows.map((r) => ({ name: r.name, createdAt: r.created_at }));
  }

  async getInstance(name: string): Promise<InstanceRow | undefined> {
    const r = await this.db
      .selectFrom('instances')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return r && { name: r.name, createdAt: r.created_at };
  }

  async createInstance(row: InstanceRow): Promise<boolean> {
    const res = await this.db
      .insertInto('instances')
      .values({ name: row.name, created_at: row.createdAt })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  upsertSource(row: SourceRow): Promise<void> {
    return sources.upsertSource(this.db, row);
  }

  listSources(instance: string): Promise<SourceRow[]> {
    return sources.listSources(this.db, instance);
  }

  getSource(instance: string, name: string): Promise<SourceRow | undefined> {
    return sources.getSource(this.db, instance, name);
  }

  deleteSource(instance: string, name: string): Promise<boolean> {
    return sources.deleteSource(this.db, instance, name);
  }

  lastSourceRefreshes(instance: string): Promise<SourceRefreshRow[]> {
    return sources.lastSourceRefreshes(this.db, instance);
  }

  async createJob(job: JobRow, tasks: TaskRow[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('jobs')
        .values({
          id: job.id,
          instance: job.instance,
          status: job.status,
          submission_kind: job.submissionKind,
          job_type: job.jobType,
          identifiers: JSON.stringify(job.identifiers),
          created_at: job.createdAt,
          started_at: job.startedAt,
          ended_at: job.endedAt,
          cancel_requested: job.cancelRequested ? 1 : 0,
        })
        .execute();
      if (tasks.length > 0) {
        await trx.insertInto('tasks').values(tasks.map(taskColumns)).execute();
      }
    });
  }

  async getJob(id: string): Promise<JobRow | undefined> {
    const r = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return r && mapJob(r);
  }

  async listJobs(instance: string, opts: { limit: number; offset: number }): Promise<JobRow[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('instance', '=', instance)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(opts.limit)
      .offset(opts.offset)
      .execute();
    return rows.map(mapJob);
  }

  async listUnfinishedJobs(): Promise<JobRow[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('status', 'in', ['queued', 'running', 'failedRetrying'])
      .orderBy('created_at')
      .execute();
    return rows.map(mapJob);
  }

  async updateJob(id: string, patch: JobPatch, events: NewEvent[] = []): Promise<void> {
    const set: Partial<Database['jobs']> = {};
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.startedAt !== undefined) set.started_at = patch.startedAt;
    if (patch.endedAt !== undefined) set.ended_at = patch.endedAt;
    if (patch.cancelRequested !== undefined) set.cancel_requested = patch.cancelRequested ? 1 : 0;
    if (patch.identifiers !== undefined) set.identifiers = JSON.stringify(patch.identifiers);
    if (patch.jobType !== undefined) set.job_type = patch.jobType;
    await this.db.transaction().execute(async (trx) => {
      if (Object.keys(set).length > 0) {
        await trx.updateTable('jobs').set(set).where('id', '=', id).execute();
      }
      await outbox.appendEventRows(trx, events);
    });
  }

  async replaceTasks(jobId: string, tasks: TaskRow[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('tasks').where('job_id', '=', jobId).execute();
      if (tasks.length > 0) await trx.insertInto('tasks').values(tasks.map(taskColumns)).execute();
    });
  }

  async listTasks(jobId: string): Promise<TaskRow[]> {
    const rows = await this.db
      .selectFrom('tasks')
      .selectAll()
      .where('job_id', '=', jobId)
      .orderBy('seq')
      .execute();
    return rows.map(mapTask);
  }

  async updateTask(id: string, patch: TaskPatch, events: NewEvent[] = []): Promise<void> {
    const set: Partial<Database['tasks']> = {};
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.attempts !== undefined) set.attempts = patch.attempts;
    if (patch.rowsRead !== undefined) set.rows_read = patch.rowsRead;
    if (patch.rowsRejected !== undefined) set.rows_rejected = patch.rowsRejected;
    if (patch.startedAt !== undefined) set.started_at = patch.startedAt;
    if (patch.endedAt !== undefined) set.ended_at = patch.endedAt;
    if (patch.error !== undefined)
      set.error = patch.error === null ? null : JSON.stringify(patch.error);
    if (patch.details !== undefined)
      set.details = patch.details === null ? null : JSON.stringify(patch.details);
    if (events.length === 0) {
      if (Object.keys(set).length > 0)
        await this.db.updateTable('tasks').set(set).where('id', '=', id).execute();
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      if (Object.keys(set).length > 0) {
        await trx.updateTable('tasks').set(set).where('id', '=', id).execute();
      }
      await outbox.appendEventRows(trx, events);
    });
  }

  async getSchedule(instance: string): Promise<ScheduleRow | undefined> {
    const r = await this.db
      .selectFrom('schedules')
      .selectAll()
      .where('instance', '=', instance)
      .executeTakeFirst();
    return r && mapSchedule(r);
  }

  async putSchedule(row: ScheduleRow): Promise<void> {
    const values = {
      instance: row.instance,
      is_active: row.isActive ? 1 : 0,
      timezone_id: row.timezoneId,
      cron_schedules: JSON.stringify(row.cronSchedules),
      next_run_at: row.nextRunAt,
      updated_at: row.updatedAt,
    };
    await this.db
      .insertInto('schedules')
      .values(values)
      .onConflict((oc) =>
        oc.column('instance').doUpdateSet({
          is_active: values.is_active,
          timezone_id: values.timezone_id,
          cron_schedules: values.cron_schedules,
          next_run_at: values.next_run_at,
          updated_at: values.updated_at,
        }),
      )
      .execute();
  }

  async listSchedules(): Promise<ScheduleRow[]> {
    const rows = await this.db.selectFrom('schedules').selectAll().orderBy('instance').execute();
    return rows.map(mapSchedule);
  }

  async appendMetric(row: MetricRow): Promise<void> {
    await this.db.insertInto('metric_history').values(metricColumns(row)).execute();
  }

  async listMetrics(
    instance: string,
    kind: string,
    name: string,
    limit: number,
  ): Promise<MetricRow[]> {
    const rows = await this.db
      .selectFrom('metric_history')
      .selectAll()
      .where('instance', '=', instance)
      .where('metric_kind', '=', kind)
      .where('metric_name', '=', name)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse().map((r) => ({
      instance: r.instance,
      metricKind: r.metric_kind,
      metricName: r.metric_name,
      jobId: r.job_id,
      observedAt: r.observed_at,
      value: toNumber(r.value),
      details: parseJson(r.details),
    }));
  }

  upsertDefinition(row: DefinitionRow): Promise<void> {
    return definitions.upsertDefinition(this.db, row);
  }

  listDefinitions(instance: string, kind: string): Promise<DefinitionRow[]> {
    return definitions.listDefinitions(this.db, instance, kind);
  }

  getDefinition(instance: string, kind: string, name: string): Promise<DefinitionRow | undefined> {
    return definitions.getDefinition(this.db, instance, kind, name);
  }

  deleteDefinition(instance: string, kind: string, name: string): Promise<boolean> {
    return definitions.deleteDefinition(this.db, instance, kind, name);
  }

  createConnection(row: ConnectionRow): Promise<void> {
    return connections.createConnection(this.db, row);
  }

  getConnection(id: string): Promise<ConnectionRow | undefined> {
    return connections.getConnection(this.db, id);
  }

  listConnections(): Promise<ConnectionRow[]> {
    return connections.listConnections(this.db);
  }

  revokeConnection(id: string, at: string): Promise<boolean> {
    return connections.revokeConnection(this.db, id, at);
  }

  appendStatusReport(row: StatusReportRow): Promise<void> {
    return connections.appendStatusReport(this.db, row);
  }

  listStatusReports(
    instance: string,
    opts: { limit: number; offset: number },
  ): Promise<StatusReportRow[]> {
    return connections.listStatusReports(this.db, instance, opts);
  }

  appendFlowRun(row: FlowRunRow): Promise<void> {
    return flows.appendFlowRun(this.db, row);
  }

  listFlowRuns(instance: string, query: FlowRunQuery): Promise<FlowRunRow[]> {
    return flows.listFlowRuns(this.db, instance, query);
  }

  async close(): Promise<void> {
    await this.beforeClose();
    await this.db.destroy();
  }
}
