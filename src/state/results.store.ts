/**
 * Results of delivery attempts, shared by every Kysely dialect (the claim protocol:
 * `claims.store.ts`). A batch is one transaction: the attempt log, the delivery rows this worker
 * still holds (`claimed_by`; a taken-over claim is not overwritten, its attempt is still logged),
 * each url's failure run on its live subscriptions, and the disabling of subscriptions whose target
 * is gone (410) or has failed for too long, with their `subscription.disabled` events.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { StateDialect } from './claims.store.js';
import { appendEventRows } from './outbox.store.js';
import { mapSubscription } from './state.mappers.js';
import type { Database } from './state.schema.js';
import type { DeliveryResult, NewEvent, RecordOptions, SubscriptionRow } from './state.types.js';
import { heldBy, inList } from './value.list.js';

/**
 * Appends the attempt log of a batch in one statement of the same text for every batch, prepared once
 * (see value.list.ts): on SQLite the rows travel as one JSON parameter (an array per row), on
 * PostgreSQL as one array per column. Not JSON there: `::json` refuses a lone surrogate (an error
 * text cut inside an emoji), which would fail the whole batch, while a text parameter takes it.
 */
/** Lone surrogates (a text cut inside an emoji) as U+FFFD, so both dialects store the same text. */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
function wellFormed(text: string | null): string | null {
  return text === null ? null : text.replace(loneSurrogate, '\ufffd');
}

async function insertAttempts(
  trx: Transaction<Database>,
  dialect: StateDialect,
  results: DeliveryResult[],
): Promise<void> {
  const columns = sql`delivery_attempts (delivery_id, attempt, started_at, status_code, latency_ms, error)`;
  const attempts = results.map((r) => r.attempt);
  if (dialect === 'postgres') {
    const column = <K extends keyof DeliveryResult['attempt']>(k: K) => attempts.map((a) => a[k]);
    const errors = attempts.map((a) => wellFormed(a.error));
    await sql`insert into ${columns}
      select * from unnest(${column('deliveryId')}::text[], ${column('attempt')}::integer[],
        ${column('startedAt')}::text[], ${column('statusCode')}::integer[],
        ${column('latencyMs')}::double precision[], ${errors}::text[])`.execute(trx);
    return;
  }
  const rows = JSON.stringify(
    attempts.map((a) => [
      a.deliveryId,
      a.attempt,
      a.startedAt,
      a.statusCode,
      a.latencyMs,
      wellFormed(a.error),
    ]),
  );
  await sql`insert into ${columns}
    select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5
    from json_each(${rows})`.execute(trx);
}

/** Writes the delivery rows of a batch: one UPDATE per distinct outcome (all 2xx share one). */
async function updateDeliveries(
  trx: Transaction<Database>,
  dialect: StateDialect,
  results: DeliveryResult[],
  opts: RecordOptions,
): Promise<void> {
  const groups = new Map<string, { r: DeliveryResult; ids: string[] }>();
  for (const r of results) {
    // Only the last part can hold a newline, and JSON tells an error null from the text "null".
    const key = `${r.status}\n${r.nextAttemptAt}\n${r.attempt.statusCode}\n${JSON.stringify(r.attempt.error)}`;
    const g = groups.get(key);
    if (g) g.ids.push(r.deliveryId);
    else groups.set(key, { r, ids: [r.deliveryId] });
  }
  for (const { r, ids } of groups.values()) {
    await trx
      .updateTable('deliveries')
      .set((eb) => ({
        status: r.status,
        attempts: eb('attempts', '+', 1),
        series_attempts: eb('series_attempts', '+', 1),
        next_attempt_at: r.nextAttemptAt,
        lease_until: null,
        claimed_by: null,
        last_status_code: r.attempt.statusCode,
        last_error: wellFormed(r.attempt.error),
        updated_at: opts.now,
        delivered_at: r.status === 'delivered' ? opts.now : null,
      }))
      .where(inList(dialect, 'id', ids))
      .where(heldBy(opts.workerId))
      .execute();
  }
}

/**
 * Writes attempt outcomes in one transaction: the attempt log, the delivery rows still held by the
 * worker, each url's failure run on its live subscriptions, and the disabling of subscriptions whose
 * target is gone (410) or has failed for too long, with their `subscription.disabled` events.
 * Returns those events.
 */
export async function recordDeliveryResults(
  db: Kysely<Database>,
  dialect: StateDialect,
  results: DeliveryResult[],
  opts: RecordOptions,
): Promise<NewEvent[]> {
  if (results.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    await insertAttempts(trx, dialect, results);
    await updateDeliveries(trx, dialect, results, opts);
    const targets = new Map<
      string,
      { instance: string; url: string; ok: boolean; gone: boolean; firstFailedAt: string }
    >();
    for (const r of results) {
      const key = `${r.instance}\n${r.url}`;
      const t = targets.get(key) ?? {
        instance: r.instance,
        url: r.url,
        ok: false,
        gone: false,
        firstFailedAt: r.attempt.startedAt,
      };
      t.ok ||= r.status === 'delivered';
      t.gone ||= r.gone;
      targets.set(key, t);
    }
    const disabled: { sub: SubscriptionRow; reason: 'gone' | 'failing' }[] = [];
    const healthy = [...targets.values()].filter((t) => t.ok && !t.gone);
    for (const instance of new Set(healthy.map((t) => t.instance))) {
      const urls = healthy.filter((t) => t.instance === instance).map((t) => t.url);
      await trx
        .updateTable('subscriptions')
        .set({ failing_since: null })
        .where('instance', '=', instance)
        .where(inList(dialect, 'url', urls))
        .where('status', '=', 'active')
        .where('failing_since', 'is not', null)
        .execute();
    }
    for (const t of targets.values()) {
      if (t.ok && !t.gone) continue;
      if (!t.ok) {
        await trx
          .updateTable('subscriptions')
          .set({ failing_since: t.firstFailedAt })
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
