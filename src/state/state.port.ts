/**
 * The state-plane port. Every adapter (SQLite embedded, PostgreSQL scale-out) passes
 * `test/state.contract.ts`. Methods that return `undefined` mean "not found"; they never throw for it.
 */
import type {
  ConnectionRow,
  DefinitionRow,
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

export interface StateStore {
  listInstances(): Promise<InstanceRow[]>;
  getInstance(name: string): Promise<InstanceRow | undefined>;
  /** Creates the instance; returns false when it already existed. */
  createInstance(row: InstanceRow): Promise<boolean>;

  upsertSource(row: SourceRow): Promise<void>;
  listSources(instance: string): Promise<SourceRow[]>;
  getSource(instance: string, name: string): Promise<SourceRow | undefined>;
  deleteSource(instance: string, name: string): Promise<boolean>;
  lastSourceRefreshes(instance: string): Promise<SourceRefreshRow[]>;

  /** Inserts a job and its tasks atomically. */
  createJob(job: JobRow, tasks: TaskRow[]): Promise<void>;
  getJob(id: string): Promise<JobRow | undefined>;
  listJobs(instance: string, opts: { limit: number; offset: number }): Promise<JobRow[]>;
  /** Jobs not yet in a final state, oldest first (used to resume or fail them after a restart). */
  listUnfinishedJobs(): Promise<JobRow[]>;
  updateJob(id: string, patch: JobPatch): Promise<void>;
  /** Replaces the tasks of a job still queued (coalescing a new request into it). */
  replaceTasks(jobId: string, tasks: TaskRow[]): Promise<void>;
  listTasks(jobId: string): Promise<TaskRow[]>;
  updateTask(id: string, patch: TaskPatch): Promise<void>;

  getSchedule(instance: string): Promise<ScheduleRow | undefined>;
  putSchedule(row: ScheduleRow): Promise<void>;
  listSchedules(): Promise<ScheduleRow[]>;

  appendMetric(row: MetricRow): Promise<void>;
  listMetrics(instance: string, kind: string, name: string, limit: number): Promise<MetricRow[]>;

  /** Definitions (unification, segments, measures, flows): see DefinitionRow. */
  upsertDefinition(row: DefinitionRow): Promise<void>;
  listDefinitions(instance: string, kind: string): Promise<DefinitionRow[]>;
  getDefinition(instance: string, kind: string, name: string): Promise<DefinitionRow | undefined>;
  deleteDefinition(instance: string, kind: string, name: string): Promise<boolean>;

  /** Connections (API keys); a revoked connection stays listed with its `revokedAt`. */
  createConnection(row: ConnectionRow): Promise<void>;
  getConnection(id: string): Promise<ConnectionRow | undefined>;
  listConnections(): Promise<ConnectionRow[]>;
  /** False when the connection does not exist or was already revoked. */
  revokeConnection(id: string, at: string): Promise<boolean>;

  /** Status reports sent by external flows; listed newest first. */
  appendStatusReport(row: StatusReportRow): Promise<void>;
  listStatusReports(
    instance: string,
    opts: { limit: number; offset: number },
  ): Promise<StatusReportRow[]>;

  close(): Promise<void>;
}
