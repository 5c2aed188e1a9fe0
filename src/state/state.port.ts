/**
 * The state-plane port. Every adapter (SQLite embedded, PostgreSQL scale-out) passes
 * `test/state.contract.ts`. Methods that return `undefined` mean "not found"; they never throw for it.
 */
import type {
  ConnectionRow,
  ClaimOptions,
  ClaimedDelivery,
  DefinitionRow,
  FlowRunQuery,
  FlowRunRow,
  DeliveryAttemptRow,
  DeliveryQuery,
  DeliveryResult,
  DeliveryRow,
  DeliveryStatus,
  EventRow,
  NewEvent,
  RecordOptions,
  SubscriptionPatch,
  SubscriptionRow,
  ThresholdEvaluation,
  TriggerStateRow,
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
  /** Updates the job and appends `events` (with their deliveries) in the same transaction. */
  updateJob(id: string, patch: JobPatch, events?: NewEvent[]): Promise<void>;
  /** Replaces the tasks of a job still queued (coalescing a new request into it). */
  replaceTasks(jobId: string, tasks: TaskRow[]): Promise<void>;
  listTasks(jobId: string): Promise<TaskRow[]>;
  /** Updates the task and appends `events` (with their deliveries) in the same transaction. */
  updateTask(id: string, patch: TaskPatch, events?: NewEvent[]): Promise<void>;

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
  /**
   * Subscriptions. With `baseline`, the threshold trigger state is created in the same transaction
   * from the latest non-null value of that metric (undefined when none) and returned.
   */
  createSubscription(
    row: SubscriptionRow,
    baseline?: { metricKind: string; metricName: string },
  ): Promise<TriggerStateRow | undefined>;
  getSubscription(instance: string, id: string): Promise<SubscriptionRow | undefined>;
  /** Oldest first; deleted subscriptions only with `includeDeleted`. */
  listSubscriptions(
    instance: string,
    filter?: { url?: string; event?: string; includeDeleted?: boolean },
  ): Promise<SubscriptionRow[]>;
  updateSubscription(
    instance: string,
    id: string,
    patch: SubscriptionPatch,
    updatedAt: string,
  ): Promise<SubscriptionRow | undefined>;
  getTriggerState(subscriptionId: string): Promise<TriggerStateRow | undefined>;
  /**
   * Appends a metric value and, in the same transaction, evaluates the live subscriptions to `event`
   * whose subject is the metric's name, writing their states and the events `evaluate` returns.
   */
  appendMetricAndEvaluate(
    row: MetricRow,
    event: string,
    evaluate: ThresholdEvaluation,
  ): Promise<NewEvent[]>;

  /** The outbox: events in commit order, each with one delivery per distinct target url. */
  appendEvents(events: NewEvent[]): Promise<void>;
  listEvents(
    instance: string,
    opts: { type?: string; afterSeq: number; limit: number },
  ): Promise<EventRow[]>;
  getEvent(id: string): Promise<EventRow | undefined>;
  /**
   * Claims due deliveries and expired leases for `workerId` (lease until `leaseUntil`), within each
   * host's capacity, atomically: two workers never hold the same delivery under a valid lease.
   */
  claimDeliveries(opts: ClaimOptions): Promise<ClaimedDelivery[]>;
  /**
   * Returns in-flight deliveries `workerId` holds to pending, due at once: all of them (and unowned
   * ones) when its previous run died with them, or the `ids` it claimed but can no longer send
   * within their lease.
   */
  releaseInFlightDeliveries(workerId: string, ids?: string[]): Promise<number>;
  nextDeliveryDueAt(): Promise<string | undefined>;
  /** Records attempt outcomes; returns the `subscription.disabled` events it appended. */
  recordDeliveryResults(results: DeliveryResult[], opts: RecordOptions): Promise<NewEvent[]>;
  /** Newest first; `subscriptionId` includes deliveries signed by that subscription's duplicates. */
  listDeliveries(instance: string, query: DeliveryQuery): Promise<DeliveryRow[]>;
  getDelivery(instance: string, id: string): Promise<DeliveryRow | undefined>;
  listDeliveryAttempts(deliveryId: string): Promise<DeliveryAttemptRow[]>;
  /** Starts a new attempt series (same event id) for the selected deliveries not pending or in flight. */
  requeueDeliveries(
    instance: string,
    select: { ids: string[] } | { matchKey: string; statuses: DeliveryStatus[]; since: string },
    now: string,
  ): Promise<number>;

  /** Runs of built-in flows (delivery attempts and tests); listed newest first. */
  appendFlowRun(row: FlowRunRow): Promise<void>;
  listFlowRuns(instance: string, query: FlowRunQuery): Promise<FlowRunRow[]>;

  close(): Promise<void>;
}
