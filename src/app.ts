/**
 * The composition root: builds the adapters and services from a config and wires them together.
 * Nothing else constructs long-lived objects; tests build an app the same way with their own config.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { Config } from './config/index.js';
import { buildHttpApp, resolveAdminKey, type AdminKey } from './api/index.js';
import { DeliveryWorker, WebhookSender, type SubscriptionDeps } from './delivery/index.js';
import {
  RefreshService,
  Scheduler,
  createIngestTaskKind,
  type JobListener,
  type TaskKind,
} from './refresh/index.js';
import { createFlows, type FlowService } from './flows/index.js';
import { MeasureService } from './measures/index.js';
import { createSnapshotTaskKind } from './odata/index.js';
import { SegmentService } from './segments/index.js';
import { openPostgresState, openSqliteState, type StateStore } from './state/index.js';
import {
  createMetricRecorder,
  createRefreshEvents,
  eventCatalog,
  type RecordMetric,
} from './triggers/index.js';
import { createUnifyTaskKinds } from './unify/index.js';
import { DuckDbWarehouse, type Warehouse } from './warehouse/index.js';

export interface AppOptions {
  config: Config;
  now?: () => Date;
  /**
   * Extra task kinds (later pipeline stages); the ingest kind is always present. Stages that produce
   * segment or measure values write them with `recordMetric` (it evaluates threshold triggers).
   */
  extraTaskKinds?: (core: {
    state: StateStore;
    warehouse: Warehouse;
    recordMetric: RecordMetric;
  }) => TaskKind[];
  /** Jitter source of the delivery retry schedule (tests pin it). */
  random?: () => number;
  listener?: JobListener;
  /** Replaces the metric recorder (by default it evaluates threshold triggers; see triggers). */
  recordMetric?: RecordMetric;
}

export interface App {
  config: Config;
  state: StateStore;
  warehouse: Warehouse;
  refresh: RefreshService;
  segments: SegmentService;
  measures: MeasureService;
  scheduler: Scheduler;
  http: FastifyInstance;
  /** The webhook dispatcher; started by `start()`, or driven by `tick(now)` in tests. */
  delivery: DeliveryWorker;
  /** Built-in flows (their deliveries run through `delivery`). */
  flows: FlowService;
  recordMetric: RecordMetric;
  adminKey: AdminKey;
  now: () => Date;
  /** Resumes deliveries left in flight, starts the scheduler and resumes queued jobs. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function createApp(opts: AppOptions): Promise<App> {
  const { config } = opts;
  const now = opts.now ?? (() => new Date());
  mkdirSync(config.dataDir, { recursive: true });
  const opened = config.stateUrl
    ? await openPostgresState(config.stateUrl)
    : await openSqliteState(join(config.dataDir, 'state.sqlite'));
  if (!opened.ok) throw new Error(opened.error.message);
  const state = opened.value;
  await state.createInstance({ name: 'default', createdAt: now().toISOString() });
  const warehouse = new DuckDbWarehouse({ dataDir: config.dataDir, ...config.duckdb });
  const ingest = createIngestTaskKind({
    state,
    warehouse,
    baseDir: config.dataDir,
    corruptRatio: config.ingest.corruptRatio,
    postgresBatchRows: config.ingest.postgresBatchRows,
  });
  const d = config.delivery;
  const subscriptions: SubscriptionDeps = {
    state,
    policy: { allowPrivateTargets: d.allowPrivateTargets, allowHttpHosts: d.allowHttpHosts },
    secretOverlapMs: 24 * 3_600_000,
  };
  const sender = new WebhookSender({
    ...subscriptions.policy,
    connectTimeoutMs: d.connectTimeoutMs,
    timeoutMs: d.timeoutMs,
    connectionsPerHost: d.hostConcurrency,
  });
  const delivery = new DeliveryWorker({
    state,
    now,
    log: pino({ level: config.logLevel }).child({ component: 'delivery' }),
    ...(opts.random && { random: opts.random }),
    sender,
    // Deliveries to `flow:<name>` run the built-in flow (created below, once refresh exists).
    internal: { run: (c, at, signal) => flows.runner.run(c, at, signal) },
    options: {
      schedule: { delaysMs: d.retryScheduleMs, retryAfterCapMs: d.retryAfterCapMs },
      hostConcurrency: d.hostConcurrency,
      concurrency: d.concurrency,
      batchSize: 200,
      pollIntervalMs: d.pollIntervalMs,
      workerId: d.workerId,
      leaseMs: d.leaseMs,
      sendTimeoutMs: d.timeoutMs,
      disableAfterMs: d.disableAfterMs,
      hostRates: d.hostRates,
    },
  });
  const notify = (): void => delivery.notify();
  // Segment and measure values go through the trigger evaluation, in the same state transaction.
  const recordMetric = opts.recordMetric ?? createMetricRecorder({ state, notify });
  const measures = new MeasureService({ state, warehouse, recordMetric });
  const segments = new SegmentService({
    state,
    warehouse,
    measures,
    recordMetric,
    deltaRetention: {
      evaluations: config.segments.deltaKeepEvaluations,
      days: config.segments.deltaKeepDays,
    },
  });
  const refresh = new RefreshService({
    state,
    kinds: withExtraKinds(
      [
        ingest,
        ...createUnifyTaskKinds({ state, warehouse }),
        measures.taskKind,
        segments.taskKind,
        createSnapshotTaskKind({ state, warehouse, dataDir: config.dataDir }),
      ],
      opts.extraTaskKinds?.({ state, warehouse, recordMetric }) ?? [],
    ),
    options: config.refresh,
    now,
    outbox: createRefreshEvents({ state, notify }),
    ...(opts.listener && { listener: opts.listener }),
  });
  const flows = createFlows({
    state,
    config,
    policy: subscriptions.policy,
    sender,
    submitRefresh: (req) => refresh.submit(req),
  });
  const scheduler = new Scheduler(state, refresh, now);
  const adminKey = resolveAdminKey(config.dataDir, config.adminKey);
  const http = await buildHttpApp({
    state,
    warehouse,
    refresh,
    segments,
    measures,
    subscriptions,
    flows: flows.service,
    now,
    adminKey: adminKey.key,
    adminRateLimit: config.api.adminRateLimit,
    bodyLimitBytes: config.api.bodyLimitBytes,
    dataDir: config.dataDir,
    logLevel: config.logLevel,
    consoleDir: config.consoleDir,
    events: eventCatalog(),
  });
  return {
    config,
    state,
    warehouse,
    refresh,
    segments,
    measures,
    scheduler,
    http,
    delivery,
    flows: flows.service,
    recordMetric,
    adminKey,
    now,
    async start() {
      await delivery.start();
      await refresh.recover();
      scheduler.start();
    },
    async close() {
      await scheduler.stop();
      await refresh.stop();
      await delivery.stop();
      flows.close();
      await http.close();
      await warehouse.close();
      await state.close();
    },
  };
}

/** Extra kinds replace a built-in kind of the same name (tests script a stage that way), else join. */
function withExtraKinds(builtIn: TaskKind[], extra: TaskKind[]): TaskKind[] {
  const names = new Set(extra.map((k) => k.kind));
  return [...builtIn.filter((k) => !names.has(k.kind)), ...extra];
}
