/**
 * The claim protocol of the outbox, shared by every Kysely dialect (see src/delivery/README.md).
 * - A claim is one `UPDATE … RETURNING` that re-checks, per row, that the delivery is still due
 *   (`pending`) or its lease has expired (`inFlight`): both are `next_attempt_at <= now`, as a claim
 *   sets `next_attempt_at` to its lease expiry with `lease_until` and `claimed_by`. The statement is
 *   atomic, so two workers never both hold a delivery whose lease is valid. PostgreSQL also locks the candidates
 *   with `FOR UPDATE SKIP LOCKED` in the same transaction, so concurrent workers skip each other's
 *   rows instead of waiting on them. SQLite runs the single statement as its own write transaction
 *   (`busy_timeout` waits for another process's writer; a deferred read-then-write transaction could
 *   not).
 * - Results are written only while the worker still holds the claim: `results.store.ts`.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import { mapEvent } from './outbox.store.js';
import type { Database } from './state.schema.js';
import type { ClaimOptions, ClaimedDelivery } from './state.types.js';
import { heldBy, inList } from './value.list.js';

export type StateDialect = 'sqlite' | 'postgres';

type Candidate = { id: string; target_host: string };

/** The columns a claim returns: what sending needs (`ClaimedDeliveryRow`), nothing more. */
const claimedColumns = [
  'id',
  'instance',
  'event_id',
  'subscription_id',
  'match_key',
  'url',
  'target_host',
  'attempts',
  'series_attempts',
] as const;
type ClaimedRow = Pick<Selectable<Database['deliveries']>, (typeof claimedColumns)[number]>;

/** A live subscription as a signer, with its match key (to stand in for a deleted duplicate). */
type Signer = ClaimedDelivery['signer'] & { matchKey: string };

/**
 * Due deliveries and expired leases, oldest first, minus hosts with no room (no lock on SQLite). A
 * claim also writes its lease expiry to `next_attempt_at` (the time the delivery is due again if the
 * claim is lost), so both are one range of `deliveries_due` (status, next_attempt_at): the index
 * alone says that no lease has expired, without reading the in-flight rows.
 */
async function selectCandidates(
  db: Kysely<Database> | Transaction<Database>,
  opts: ClaimOptions,
  dialect: StateDialect,
): Promise<Candidate[]> {
  const selectOldest = (status: 'inFlight' | 'pending') => {
    let q = db
      .selectFrom('deliveries')
      .select(['id', 'target_host'])
      .where('status', '=', status)
      .where('next_attempt_at', '<=', opts.now)
      .orderBy('next_attempt_at')
      .limit(opts.limit);
    if (opts.fullHosts && opts.fullHosts.length > 0) {
      q = q.where('target_host', 'not in', opts.fullHosts);
    }
    return dialect === 'postgres' ? q.forUpdate().skipLocked() : q;
  };
  // Expired leases first.
  return [
    ...(await selectOldest('inFlight').execute()),
    ...(await selectOldest('pending').execute()),
  ];
}

/** Marks the chosen candidates claimed by `workerId`, skipping any another worker took meanwhile. */
async function markClaimed(
  db: Kysely<Database> | Transaction<Database>,
  opts: ClaimOptions,
  dialect: StateDialect,
): Promise<ClaimedRow[]> {
  const candidates = await selectCandidates(db, opts, dialect);
  const taken = new Map<string, number>();
  const ids: string[] = [];
  for (const c of candidates) {
    if (ids.length >= opts.limit) break;
    const used = taken.get(c.target_host) ?? 0;
    if (used >= opts.capacityOf(c.target_host)) continue;
    taken.set(c.target_host, used + 1);
    ids.push(c.id);
  }
  if (ids.length === 0) return [];
  return (
    db
      .updateTable('deliveries')
      .set({
        status: 'inFlight',
        claimed_by: opts.workerId,
        lease_until: opts.leaseUntil,
        next_attempt_at: opts.leaseUntil,
        updated_at: opts.now,
      })
      .where(inList(dialect, 'id', ids))
      // Still due, or its lease still expired (see selectCandidates). A CASE rather than a plain
      // condition on status: SQLite would answer that with `deliveries_due` (every due row)
      // instead of the primary key (only the chosen ids).
      .where((eb) =>
        eb
          .case()
          .when('status', '=', 'pending')
          .then(eb('next_attempt_at', '<=', opts.now))
          // `lease_until` too: a claim written before claims set `next_attempt_at` (an older
          // server still running in a rolling upgrade) keeps its lease.
          .when('status', '=', 'inFlight')
          .then(eb.and([eb('next_attempt_at', '<=', opts.now), eb('lease_until', '<=', opts.now)]))
          .else(eb.lit(false))
          .end(),
      )
      .returning(claimedColumns)
      .execute()
  );
}

/** Live subscriptions by id or match key as signers, newest first. */
async function liveSigners(
  db: Kysely<Database>,
  dialect: StateDialect,
  by: 'id' | 'match_key',
  keys: string[],
): Promise<Signer[]> {
  if (keys.length === 0) return [];
  let q = db
    .selectFrom('subscriptions')
    .select(['id', 'match_key', 'secret', 'previous_secret', 'previous_secret_until'])
    .where('status', '=', 'active')
    .where(inList(dialect, by, keys));
  if (by === 'match_key') q = q.orderBy('created_at', 'desc').orderBy('id', 'desc');
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    matchKey: r.match_key,
    secret: r.secret,
    previousSecret: r.previous_secret,
    previousSecretUntil: r.previous_secret_until,
  }));
}

/**
 * Claims due deliveries and expired leases (see the protocol above). Each claimed delivery is signed
 * by its subscription, or the newest live duplicate when that one is gone; with none left it ends
 * `canceled` (visible in the log, resendable once a subscription is live again).
 */
export async function claimDeliveries(
  db: Kysely<Database>,
  opts: ClaimOptions,
  dialect: StateDialect,
): Promise<ClaimedDelivery[]> {
  const picked =
    dialect === 'postgres'
      ? await db.transaction().execute((trx) => markClaimed(trx, opts, dialect))
      : await markClaimed(db, opts, dialect);
  if (picked.length === 0) return [];
  const byId = new Map(
    (await liveSigners(db, dialect, 'id', [...new Set(picked.map((d) => d.subscription_id))])).map(
      (s) => [s.id, s],
    ),
  );
  // Deliveries whose subscription is gone go to the newest live duplicate (same match key).
  const newestByKey = new Map<string, Signer>();
  const unsigned = [
    ...new Set(picked.filter((d) => !byId.has(d.subscription_id)).map((d) => d.match_key)),
  ];
  for (const s of await liveSigners(db, dialect, 'match_key', unsigned)) {
    if (!newestByKey.has(s.matchKey)) newestByKey.set(s.matchKey, s);
  }
  // One event object per event and one signer object per subscription, shared by their
  // deliveries (an event's serialised body is kept per event object: webhook.attempt.ts).
  const events = await db
    .selectFrom('events')
    .selectAll()
    .where(inList(dialect, 'id', [...new Set(picked.map((d) => d.event_id))]))
    .execute();
  const eventById = new Map(events.map((e) => [e.id, mapEvent(e)]));
  const claimed: ClaimedDelivery[] = [];
  const orphaned: string[] = [];
  for (const d of picked) {
    const signer = byId.get(d.subscription_id) ?? newestByKey.get(d.match_key);
    if (!signer) {
      orphaned.push(d.id);
      continue;
    }
    if (signer.id !== d.subscription_id) {
      await db
        .updateTable('deliveries')
        .set({ subscription_id: signer.id })
        .where('id', '=', d.id)
        .where('claimed_by', '=', opts.workerId)
        .execute();
    }
    claimed.push({
      delivery: {
        id: d.id,
        instance: d.instance,
        eventId: d.event_id,
        subscriptionId: signer.id,
        matchKey: d.match_key,
        url: d.url,
        targetHost: d.target_host,
        attempts: d.attempts,
        seriesAttempts: d.series_attempts,
      },
      event: eventById.get(d.event_id)!,
      signer,
    });
  }
  if (orphaned.length > 0) {
    await db
      .updateTable('deliveries')
      .set({
        status: 'canceled',
        next_attempt_at: null,
        lease_until: null,
        claimed_by: null,
        last_error: 'no live subscription to this url and event (deleted or disabled)',
        updated_at: opts.now,
      })
      .where(inList(dialect, 'id', orphaned))
      .where(heldBy(opts.workerId))
      .execute();
  }
  return claimed;
}

/**
 * Returns the in-flight deliveries of `workerId` (and unowned ones, claimed before claims had an
 * owner) to `pending`: the worker's previous run died holding them.
 */
export async function releaseInFlight(
  db: Kysely<Database>,
  workerId: string,
  ids?: string[],
): Promise<number> {
  if (ids?.length === 0) return 0;
  // Due again at once, oldest event first (the claim overwrote the due time with its lease expiry;
  // a delivery is never due before it is created).
  let q = db
    .updateTable('deliveries')
    .set((eb) => ({
      status: 'pending',
      lease_until: null,
      claimed_by: null,
      next_attempt_at: eb.ref('created_at'),
    }))
    .where('status', '=', 'inFlight');
  q = ids
    ? q.where('claimed_by', '=', workerId).where('id', 'in', ids)
    : q.where((eb) => eb.or([eb('claimed_by', '=', workerId), eb('claimed_by', 'is', null)]));
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows);
}
