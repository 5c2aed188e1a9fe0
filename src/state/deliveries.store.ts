/** Delivery log queries and replay, shared by every Kysely dialect (see StateStore). */
import type { Kysely } from 'kysely';
import { mapDelivery } from './outbox.store.js';
import { toNumber } from './state.mappers.js';
import type { Database } from './state.schema.js';
import type {
  DeliveryAttemptRow,
  DeliveryQuery,
  DeliveryRow,
  DeliveryStatus,
} from './state.types.js';

export async function listDeliveries(
  db: Kysely<Database>,
  instance: string,
  query: DeliveryQuery,
): Promise<DeliveryRow[]> {
  let q = db.selectFrom('deliveries').selectAll().where('instance', '=', instance);
  if (query.status !== undefined) q = q.where('status', '=', query.status);
  if (query.subscriptionId !== undefined) {
    const sub = await db
      .selectFrom('subscriptions')
      .select('match_key')
      .where('id', '=', query.subscriptionId)
      .executeTakeFirst();
    if (!sub) return [];
    // A subscription's deliveries include those its live duplicates signed.
    q = q.where('match_key', '=', sub.match_key);
  }
  if (query.since !== undefined) q = q.where('created_at', '>=', query.since);
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  return rows.map(mapDelivery);
}

export async function getDelivery(
  db: Kysely<Database>,
  instance: string,
  id: string,
): Promise<DeliveryRow | undefined> {
  const r = await db
    .selectFrom('deliveries')
    .selectAll()
    .where('instance', '=', instance)
    .where('id', '=', id)
    .executeTakeFirst();
  return r && mapDelivery(r);
}

export async function listDeliveryAttempts(
  db: Kysely<Database>,
  deliveryId: string,
): Promise<DeliveryAttemptRow[]> {
  const rows = await db
    .selectFrom('delivery_attempts')
    .selectAll()
    .where('delivery_id', '=', deliveryId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    deliveryId: r.delivery_id,
    attempt: r.attempt,
    startedAt: r.started_at,
    statusCode: toNumber(r.status_code),
    latencyMs: Number(r.latency_ms),
    error: r.error,
  }));
}

/**
 * Starts a new attempt series for deliveries that are not pending or in flight (same event id).
 * `ids` selects deliveries of the instance; returns how many were re-queued.
 */
export async function requeueDeliveries(
  db: Kysely<Database>,
  instance: string,
  select: { ids: string[] } | { matchKey: string; statuses: DeliveryStatus[]; since: string },
  now: string,
): Promise<number> {
  let q = db
    .updateTable('deliveries')
    .set({
      status: 'pending',
      series_attempts: 0,
      next_attempt_at: now,
      lease_until: null,
      updated_at: now,
    })
    .where('instance', '=', instance)
    .where('status', 'not in', ['pending', 'inFlight']);
  if ('ids' in select) {
    if (select.ids.length === 0) return 0;
    q = q.where('id', 'in', select.ids);
  } else {
    q = q
      .where('match_key', '=', select.matchKey)
      .where('status', 'in', select.statuses)
      .where('created_at', '>=', select.since);
  }
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows);
}
