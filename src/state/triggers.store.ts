/**
 * The subscriptions, trigger-state and outbox part of the Kysely StateStore (the queries live in
 * `subscriptions.store.ts`, `outbox.store.ts` and `claims.store.ts`); `KyselyStateStore` extends it.
 */
import type { Kysely } from 'kysely';
import * as claims from './claims.store.js';
import * as results from './results.store.js';
import type { StateDialect } from './claims.store.js';
import * as deliveries from './deliveries.store.js';
import * as outbox from './outbox.store.js';
import type { Database } from './state.schema.js';
import * as subscriptions from './subscriptions.store.js';
import type {
  ClaimOptions,
  ClaimedDelivery,
  DeliveryAttemptRow,
  DeliveryQuery,
  DeliveryResult,
  DeliveryRow,
  DeliveryStatus,
  EventRow,
  MetricRow,
  NewEvent,
  RecordOptions,
  SubscriptionPatch,
  SubscriptionRow,
  ThresholdEvaluation,
  TriggerStateRow,
} from './state.types.js';

export abstract class TriggersStateStore {
  constructor(
    protected readonly db: Kysely<Database>,
    /** Row locking differs: PostgreSQL claims with `FOR UPDATE SKIP LOCKED`. */
    protected readonly dialect: StateDialect = 'sqlite',
  ) {}

  createSubscription(
    row: SubscriptionRow,
    baseline?: { metricKind: string; metricName: string },
  ): Promise<TriggerStateRow | undefined> {
    return subscriptions.createSubscription(this.db, row, baseline);
  }

  getSubscription(instance: string, id: string): Promise<SubscriptionRow | undefined> {
    return subscriptions.getSubscription(this.db, instance, id);
  }

  listSubscriptions(
    instance: string,
    filter: { url?: string; event?: string; includeDeleted?: boolean } = {},
  ): Promise<SubscriptionRow[]> {
    return subscriptions.listSubscriptions(this.db, instance, filter);
  }

  updateSubscription(
    instance: string,
    id: string,
    patch: SubscriptionPatch,
    updatedAt: string,
  ): Promise<SubscriptionRow | undefined> {
    return subscriptions.updateSubscription(this.db, instance, id, patch, updatedAt);
  }

  getTriggerState(subscriptionId: string): Promise<TriggerStateRow | undefined> {
    return subscriptions.getTriggerState(this.db, subscriptionId);
  }

  appendMetricAndEvaluate(
    row: MetricRow,
    event: string,
    evaluate: ThresholdEvaluation,
  ): Promise<NewEvent[]> {
    return subscriptions.appendMetricAndEvaluate(this.db, row, event, evaluate);
  }

  async appendEvents(events: NewEvent[]): Promise<void> {
    await this.db.transaction().execute((trx) => outbox.appendEventRows(trx, events));
  }

  listEvents(
    instance: string,
    opts: { type?: string; afterSeq: number; limit: number },
  ): Promise<EventRow[]> {
    return outbox.listEvents(this.db, instance, opts);
  }

  getEvent(id: string): Promise<EventRow | undefined> {
    return outbox.getEvent(this.db, id);
  }

  claimDeliveries(opts: ClaimOptions): Promise<ClaimedDelivery[]> {
    return claims.claimDeliveries(this.db, opts, this.dialect);
  }

  releaseInFlightDeliveries(workerId: string, ids?: string[]): Promise<number> {
    return claims.releaseInFlight(this.db, workerId, ids);
  }

  nextDeliveryDueAt(): Promise<string | undefined> {
    return outbox.nextDueAt(this.db);
  }

  recordDeliveryResults(batch: DeliveryResult[], opts: RecordOptions): Promise<NewEvent[]> {
    return results.recordDeliveryResults(this.db, this.dialect, batch, opts);
  }

  listDeliveries(instance: string, query: DeliveryQuery): Promise<DeliveryRow[]> {
    return deliveries.listDeliveries(this.db, instance, query);
  }

  getDelivery(instance: string, id: string): Promise<DeliveryRow | undefined> {
    return deliveries.getDelivery(this.db, instance, id);
  }

  listDeliveryAttempts(deliveryId: string): Promise<DeliveryAttemptRow[]> {
    return deliveries.listDeliveryAttempts(this.db, deliveryId);
  }

  requeueDeliveries(
    instance: string,
    select: { ids: string[] } | { matchKey: string; statuses: DeliveryStatus[]; since: string },
    now: string,
  ): Promise<number> {
    return deliveries.requeueDeliveries(this.db, instance, select, now);
  }
}
