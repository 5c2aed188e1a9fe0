/**
 * The event outbox and deliveries, shared by every Kysely dialect (see StateStore).
 * Invariants: an event and its deliveries are written in the caller's transaction; there is at most
 * one delivery per (event, url); a delivery is `inFlight` only while claimed (with a lease).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { mapSubscription, toNumber } from './state.mappers.js';
import type { Database } from './state.schema.js';
import type {
  ClaimOptions,
  ClaimedDelivery,
  DeliveryResult,
  DeliveryRow,
  DeliveryStatus,
  EventRow,
  NewEvent,
  RecordOptions,
  SubscriptionRow,
} from './state.types.js';

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
    await db
      .insertInto('deliveries')
      .values(
        [...byUrl.values()].map((s) => ({
          id: `dlv_${randomUUID()}`,
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

function mapEvent(r: Selectable<Database['events']>): EventRow {
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

/**
 * Claims due deliveries: expired leases return to `pending` first; each claimed delivery is signed by
 * its subscription, or the newest live duplicate when that one is gone; with none left it ends
 * `canceled` (visible in the log, resendable once a subscription is live again).
 */
export async function claimDeliveries(
  db: Kysely<Database>,
  opts: ClaimOptions,
): Promise<ClaimedDelivery[]> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('deliveries')
      .set({ status: 'pending', lease_until: null })
      .where('status', '=', 'inFlight')
      .where('lease_until', '<=', opts.now)
      .execute();
    let candidates = trx
      .selectFrom('deliveries')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', opts.now);
    if (opts.fullHosts && opts.fullHosts.length > 0) {
      candidates = candidates.where('target_host', 'not in', opts.fullHosts);
    }
    const due = await candidates
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(opts.limit)
      .execute();
    const taken = new Map<string, number>();
    const chosen = due.filter((d) => {
      const used = taken.get(d.target_host) ?? 0;
      if (used >= opts.capacityOf(d.target_host)) return false;
      taken.set(d.target_host, used + 1);
      return true;
    });
    const picked = chosen.slice(0, opts.limit);
    if (picked.length === 0) return [];
    const subs = await trx
      .selectFrom('subscriptions')
      .selectAll()
      .where('status', '=', 'active')
      .where('match_key', 'in', [...new Set(picked.map((d) => d.match_key))])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    const live = subs.map(mapSubscription);
    const signerOf = (d: (typeof picked)[number]): SubscriptionRow | undefined =>
      live.find((s) => s.id === d.subscription_id) ?? live.find((s) => s.matchKey === d.match_key);
    const claimed: Omit<ClaimedDelivery, 'event'>[] = [];
    const orphaned: string[] = [];
    for (const d of picked) {
      const signer = signerOf(d);
      if (!signer) {
        orphaned.push(d.id);
        continue;
      }
      if (signer.id !== d.subscription_id) {
        await trx
          .updateTable('deliveries')
          .set({ subscription_id: signer.id })
          .where('id', '=', d.id)
          .execute();
      }
      const row = mapDelivery({ ...d, subscription_id: signer.id, status: 'inFlight' });
      claimed.push({ delivery: row, signer });
    }
    if (orphaned.length > 0) {
      await trx
        .updateTable('deliveries')
        .set({
          status: 'canceled',
          next_attempt_at: null,
          last_error: 'no live subscription to this url and event (deleted or disabled)',
          updated_at: opts.now,
        })
        .where('id', 'in', orphaned)
        .execute();
    }
    if (claimed.length === 0) return [];
    await trx
      .updateTable('deliveries')
      .set({ status: 'inFlight', lease_until: opts.leaseUntil, updated_at: opts.now })
      .where(
        'id',
        'in',
        claimed.map((c) => c.delivery.id),
      )
      .execute();
    const events = await trx
      .selectFrom('events')
      .selectAll()
      .where('id', 'in', [...new Set(claimed.map((c) => c.delivery.eventId))])
      .execute();
    const byId = new Map(events.map((e) => [e.id, mapEvent(e)]));
    return claimed.map((c) => ({ ...c, event: byId.get(c.delivery.eventId)! }));
  });
}

/** Returns every in-flight delivery to `pending` (embedded start: the claims died with the process). */
export async function releaseInFlight(db: Kysely<Database>): Promise<number> {
  const res = await db
    .updateTable('deliveries')
    .set({ status: 'pending', lease_until: null })
    .where('status', '=', 'inFlight')
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
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

/**
 * Writes attempt outcomes in one transaction: the attempt log, the delivery rows, each url's failure
 * run on its live subscriptions, and the disabling of subscriptions whose target is gone (410) or has
 * failed for too long, with their `subscription.disabled` events. Returns those events.
 */
export async function recordDeliveryResults(
  db: Kysely<Database>,
  results: DeliveryResult[],
  opts: RecordOptions,
): Promise<NewEvent[]> {
  if (results.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('delivery_attempts')
      .values(
        results.map((r) => ({
          delivery_id: r.attempt.deliveryId,
          attempt: r.attempt.attempt,
          started_at: r.attempt.startedAt,
          status_code: r.attempt.statusCode,
          latency_ms: r.attempt.latencyMs,
          error: r.attempt.error,
        })),
      )
      .execute();
    const targets = new Map<
      string,
      { instance: string; url: string; ok: boolean; gone: boolean }
    >();
    for (const r of results) {
      await trx
        .updateTable('deliveries')
        .set((eb) => ({
          status: r.status,
          attempts: r.attempt.attempt,
          series_attempts: eb('series_attempts', '+', 1),
          next_attempt_at: r.nextAttemptAt,
          lease_until: null,
          last_status_code: r.attempt.statusCode,
          last_error: r.attempt.error,
          updated_at: opts.now,
          delivered_at: r.status === 'delivered' ? opts.now : null,
        }))
        .where('id', '=', r.deliveryId)
        .where('status', '=', 'inFlight')
        .execute();
      const key = `${r.instance}\n${r.url}`;
      const t = targets.get(key) ?? { instance: r.instance, url: r.url, ok: false, gone: false };
      t.ok ||= r.status === 'delivered';
      t.gone ||= r.gone;
      targets.set(key, t);
    }
    const disabled: { sub: SubscriptionRow; reason: 'gone' | 'failing' }[] = [];
    const healthy = [...targets.values()].filter((t) => t.ok && !t.gone);
    for (const instance of new Set(healthy.map((t) => t.instance))) {
      await trx
        .updateTable('subscriptions')
        .set({ failing_since: null })
        .where('instance', '=', instance)
        .where(
          'url',
          'in',
          healthy.filter((t) => t.instance === instance).map((t) => t.url),
        )
        .where('status', '=', 'active')
        .where('failing_since', 'is not', null)
        .execute();
    }
    for (const t of targets.values()) {
      if (t.ok && !t.gone) continue;
      if (!t.ok) {
        const first = results.find((r) => r.url === t.url && r.instance === t.instance)!;
        await trx
          .updateTable('subscriptions')
          .set({ failing_since: first.attempt.startedAt })
          .where('instance', '=', t.instance)
          .where('url', '=', t.url)
          .where('status', '=', 'active')
          .where('failing_since', 'is', null)
          .execute();
      }
      const doomed = await trx
        .selectFrom('subscriptions')
        .selectAll()
        .where('instance', '=', t.instance)
        .where('url', '=', t.url)
        .where('status', '=', 'active')
        .where((eb) =>
          t.gone
            ? eb.lit(true)
            : eb.and([
                eb('failing_since', 'is not', null),
                eb('failing_since', '<=', opts.disableFailingSince),
              ]),
        )
        .execute();
      for (const s of doomed) {
        const reason = t.gone ? 'gone' : 'failing';
        await trx
          .updateTable('subscriptions')
          .set({ status: 'disabled', disabled_reason: reason, updated_at: opts.now })
          .where('id', '=', s.id)
          .execute();
        disabled.push({ sub: mapSubscription({ ...s, status: 'disabled' }), reason });
      }
    }
    const events = disabled.map((d) => opts.disabledEvent(d.sub, d.reason));
    await appendEventRows(trx, events);
    return events;
  });
}
