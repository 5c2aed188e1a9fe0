/**
 * The composition root: builds the adapters and services from a config and wires them together.
 * Nothing else constructs long-lived objects; tests build an app the same way with their own config.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/index.js';
import { buildHttpApp, resolveAdminKey, type AdminKey } from './api/index.js';
import {
  RefreshService,
  Scheduler,
  createIngestTaskKind,
  type JobListener,
  type TaskKind,
} from './refresh/index.js';
import { MeasureService } from './measures/index.js';
import { SegmentService } from './segments/index.js';
import { openSqliteState, type MetricRow, type StateStore } from './state/index.js';
import { createUnifyTaskKinds } from './unify/index.js';
import { createSnapshotTaskKind } from './odata/index.js';
import { DuckDbWarehouse, type Warehouse } from './warehouse/index.js';

export interface AppOptions {
  config: Config;
  now?: () => Date;
  /** Extra task kinds (later pipeline stages); the ingest kind is always present. */
  extraTaskKinds?: (core: { state: StateStore; warehouse: Warehouse }) => TaskKind[];
  listener?: JobListener;
  /**
   * Appends a segment or measure history row. Defaults to the state store's appendMetric; the
   * trigger evaluation replaces it to watch thresholds in the same state transaction.
   */
  recordMetric?: (row: MetricRow) => Promise<void>;
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
  adminKey: AdminKey;
  now: () => Date;
  /** Starts the scheduler and resumes queued jobs. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function createApp(opts: AppOptions): Promise<App> {
  const { config } = opts;
  const now = opts.now ?? (() => new Date());
  mkdirSync(config.dataDir, { recursive: true });
  const opened = await openSqliteState(join(config.dataDir, 'state.sqlite'));
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
  const recordMetric = opts.recordMetric ?? ((row: MetricRow) => state.appendMetric(row));
  const measures = new MeasureService({ state, warehouse, recordMetric });
  const segments = new SegmentService({ state, warehouse, measures, recordMetric });
  const refresh = new RefreshService({
    state,
    kinds: [
      ingest,
      ...createUnifyTaskKinds({ state, warehouse }),
      measures.taskKind,
      segments.taskKind,
      ...(opts.extraTaskKinds?.({ state, warehouse }) ?? []),
      createSnapshotTaskKind({ state, warehouse, dataDir: config.dataDir }),
    ],
    options: config.refresh,
    now,
    ...(opts.listener && { listener: opts.listener }),
  });
  const scheduler = new Scheduler(state, refresh, now);
  const adminKey = resolveAdminKey(config.dataDir, config.adminKey);
  const http = await buildHttpApp({
    state,
    warehouse,
    refresh,
    segments,
    measures,
    now,
    adminKey: adminKey.key,
    adminRateLimit: config.api.adminRateLimit,
    bodyLimitBytes: config.api.bodyLimitBytes,
    dataDir: config.dataDir,
    logLevel: config.logLevel,
    consoleDir: config.consoleDir,
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
    adminKey,
    now,
    async start() {
      await refresh.recover();
      scheduler.start();
    },
    async close() {
      await scheduler.stop();
      await refresh.stop();
      await http.close();
      await warehouse.close();
      await state.close();
    },
  };
}
