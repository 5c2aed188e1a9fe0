import type { MeasureService } from '../measures/index.js';
import type { SubscriptionDeps } from '../delivery/index.js';
import type { FlowService } from '../flows/index.js';
import type { RefreshService } from '../refresh/index.js';
import type { SegmentService } from '../segments/index.js';
import type { StateStore } from '../state/index.js';
import type { EventCatalogEntry } from '../triggers/index.js';
import type { Warehouse } from '../warehouse/index.js';

/** What the HTTP layer needs; built by `createApp` (the composition root). */
export interface ApiDeps {
  state: StateStore;
  warehouse: Warehouse;
  refresh: RefreshService;
  segments: SegmentService;
  measures: MeasureService;
  subscriptions: SubscriptionDeps;
  flows: FlowService;
  now: () => Date;
  adminKey: string;
  adminRateLimit: number;
  bodyLimitBytes: number;
  /** Where entity snapshots (partitions) are written: `<dataDir>/partitions/<instance>/…`. */
  dataDir: string;
  logLevel: string;
  /** The built console served at `/`. */
  consoleDir: string;
  /** The triggers' event catalog: the connector package's triggers and notification schemas. */
  events: EventCatalogEntry[];
}
