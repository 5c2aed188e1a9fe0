/**
 * The event outbox and deliveries, shared by every Kysely dialect (see StateStore).
 * Invariants: an event and its deliveries are written in the caller's transaction; there is at most
 * one delivery per (event, url). Claims and results: `claims.store.ts`.
 */
import type { Kysely, Selectable } from 'kysely';
import { orderedIdSeries } from './ordered.id.js';
import { toNumber } from './state.mappers.js';
import type { Database } from './state.schema.js';
import type { DeliveryRow, DeliveryStatus, EventRow, NewEvent } from './state.types.js';

/** Inserts events and, per event, one delivery per distinct url among the live subscriptions it targets. */
export async function appendEventRows(db: Kysely<Database>, events: NewEvent[]): Promise<void> {
  for (const ev of events) {
    await db
      .insertInto('events')
      .values({
        id: ev.id,
        instance: ev.instance,
        type: ev.type,
        occurred_at: ev.occurredAt,
        data: JSON.stringify(ev.data),
      })
      .execute();
    let q = db.selectFrom('subscriptions').selectAll().where('status', '=', 'active');
    if (ev.subscriptionIds !== undefined) {
      if (ev.subscriptionIds.length === 0) continue;
      q = q.where('id', 'in', ev.subscriptionIds);
    } else {
      q = q.where('instance', '=', ev.instance).where('event', '=', ev.type);
      q =
        ev.source === undefined
          ? q.where('subject', 'is', null)
          : q.where((eb) => eb.or([eb('subject', 'is', null), eb('subject', '=', ev.source!)]));
    }
    // Newest first, so the newest of duplicate subscriptions signs.
    const subs = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    const byUrl = new Map<string, (typeof subs)[number]>();
    for (const s of subs) if (!byUrl.has(s.url)) byUrl.set(s.url, s);
    if (byUrl.size === 0) continue;
    const nextId = orderedIdSeries('dlv_', ev.occurredAt);
    await db
      .insertInto('deliveries')
      .values(
        [...byUrl.values()].map((s) => ({
          id: nextId(),
          instance: ev.instance,
          event_id: ev.id,
          event_type: ev.type,
          subscription_id: s.id,
          match_key: s.match_key,
          url: s.url,
          target_host: s.target_host,
          status: 'pending',
          series_attempts: 0,
          attempts: 0,
          next_attempt_at: ev.occurredAt,
          lease_until: null,
          last_status_code: null,
          last_error: null,
          created_at: ev.occurredAt,
          updated_at: ev.occurredAt,
          delivered_at: null,
        })),
      )
      .onConflict((oc) => oc.columns(['event_id', 'url']).doNothing())
      .execute();
  }
}

export function mapEvent(r: Selectable<Database['events']>): EventRow {
  return {
    seq: Number(r.seq),
    id: r.id,
    instance: r.instance,
    type: r.type,
    occurredAt: r.occurred_at,
    data: JSON.parse(r.data) as Record<string, unknown>,
  };
}

export function mapDelivery(r: Selectable<Database['deliveries']>): DeliveryRow {
  return {
    id: r.id,
    instance: r.instance,
    eventId: r.event_id,
    eventType: r.event_type,
    subscriptionId: r.subscription_id,
    matchKey: r.match_key,
    url: r.url,
    targetHost: r.target_host,
    status: r.status as DeliveryStatus,
    seriesAttempts: r.series_attempts,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastStatusCode: toNumber(r.last_status_code),
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deliveredAt: r.delivered_at,
  };
}

/** Events of an instance after the cursor `afterSeq`, in commit order. */
export async function listEvents(
  db: Kysely<Database>,
  instance: string,
  opts: { type?: string; afterSeq: number; limit: number },
): Promise<EventRow[]> {
  let q = db
    .selectFrom('events')
    .selectAll()
    .where('instance', '=', instance)
    .where('seq', '>', opts.afterSeq);
  if (opts.type !== undefined) q = q.where('type', '=', opts.type);
  const rows = await q.orderBy('seq').limit(opts.limit).execute();
  return rows.map(mapEvent);
}

export async function getEvent(db: Kysely<Database>, id: string): Promise<EventRow | undefined> {
  const r = await db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
  return r && mapEvent(r);
}

/** The earliest `next_attempt_at` of a pending delivery, for the worker's timer. */
export async function nextDueAt(db: Kysely<Database>): Promise<string | undefined> {
  const r = await db
    .selectFrom('deliveries')
    .select('next_attempt_at')
    .where('status', '=', 'pending')
    .orderBy('next_attempt_at')
    .limit(1)
    .executeTakeFirst();
  return r?.next_attempt_at ?? undefined;
}
