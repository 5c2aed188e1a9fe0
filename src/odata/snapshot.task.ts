/**
 * The `snapshot` task kind: the last step of every refresh job. It reconciles the real-time overlay
 * with the refreshed tables (realtime.overlay.ts), indexes entity keys for Get item, and writes the entity partitions
 * (partition.store.ts). It runs after every other stage present in a processing (not ingestion-only) job.
 */
import type { TaskKind } from '../refresh/index.js';
import type { StateStore } from '../state/index.js';
import type { Warehouse } from '../warehouse/index.js';
import { indexEntityKeys } from './entity.catalog.js';
import { snapshotEntities } from './partition.store.js';
import { reconcileOverlay } from './realtime.overlay.js';

export function createSnapshotTaskKind(deps: {
  state: StateStore;
  warehouse: Warehouse;
  dataDir: string;
}): TaskKind {
  return {
    kind: 'snapshot',
    after: ['ingest', 'match', 'merge', 'segment', 'measure'],
    // Processing jobs only: an ingestion-only job leaves the published snapshots as they were.
    downstream: true,
    plan: () => Promise.resolve([null]),
    async run(ctx) {
      const wh = await deps.warehouse.open(ctx.instance);
      const superseded = await reconcileOverlay(wh, ctx.now(), ctx.signal);
      const indexed = await indexEntityKeys(deps.state, wh, ctx.instance, ctx.signal);
      const written = await snapshotEntities({
        state: deps.state,
        wh,
        instance: ctx.instance,
        dataDir: deps.dataDir,
        jobId: ctx.jobId,
        now: ctx.now(),
      });
      return { ok: true, warnings: false, details: { ...written, indexed, superseded } };
    },
  };
}
