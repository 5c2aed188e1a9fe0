import type { SubscriptionDeps } from '../delivery/index.js';
import type { RefreshService } from '../refresh/index.js';
import type { StateStore } from '../state/index.js';
import type { Warehouse } from '../warehouse/index.js';

/** What the HTTP layer needs; built by `createApp` (the composition root). */
export interface ApiDeps {
  state: StateStore;
  warehouse: Warehouse;
  refresh: RefreshService;
  subscriptions: SubscriptionDeps;
  now: () => Date;
  adminKey: string;
  logLevel: string;
}
