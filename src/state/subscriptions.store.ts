/**
 * Subscriptions and threshold trigger state, shared by every Kysely dialect (see StateStore).
 * A threshold subscription's state row is created with it (its baseline) and only ever changed in
 * the transaction that appends a metric value and the outbox rows its evaluation produced.
 */
import type { Kysely, Selectable } from 'kysely';
import { appendEventRows } from './outbox.store.js';
import { mapSubscription, metricColumns } from './state.mappers.js';
import type { Database } from './state.schema.js';
import type {
  MetricRow,
  NewEvent,
  ThresholdEvaluation,
  SubscriptionParams,
  SubscriptionPatch,
  SubscriptionRow,
  TriggerStateRow,
} from './state.types.js';

function subjectOf(p: SubscriptionParams): string | null {
  return p.source ?? p.segment ?? p.measure ?? null;
}

/**
 * Inserts the subscription; with `baseline`, also its trigger state, armed, with the latest non-null
 * value of that metric read in the same transaction (so no value can slip between baseline and start).
 */
export async function createSubscription(
  db: Kysely<Database>,
  row: SubscriptionRow,
  baseline?: { metricKind: string; metricName: string },
): Promise<TriggerStateRow | undefined> {
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('subscriptions')
      .values({
        id: row.id,
        instance: row.instance,
        event: row.event,
        url: row.url,
        target_host: row.targetHost,
        subject: subjectOf(row.params),
        params: JSON.stringify(row.params),
        match_key: row.matchKey,
        secret: row.secret,
        previous_secret: row.previousSecret,
        previous_secret_until: row.previousSecretUntil,
        status: row.status,
        disabled_reason: row.disabledReason,
        failing_since: row.failingSince,
        created_at: row.createdAt,
        updated_at: row.updatedAt,
      })
      .execute();
    if (!baseline) return undefined;
    const latest = await trx
      .selectFrom('metric_history')
      .select('value')
      .where('instance', '=', row.instance)
      .where('metric_kind', '=', baseline.metricKind)
      .where('metric_name', '=', baseline.metricName)
      .where('value', 'is not', null)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const state: TriggerStateRow = {
      subscriptionId: row.id,
      lastValue: latest?.value === undefined || latest.value === null ? null : Number(latest.value),
      armed: true,
      updatedAt: row.createdAt,
    };
    await trx
      .insertInto('trigger_state')
      .values({
        subscription_id: state.subscriptionId,
        last_value: state.lastValue,
        armed: 1,
        updated_at: state.updatedAt,
      })
      .execute();
    return state;
  });
}

export async function getSubscription(
  db: Kysely<Database>,
  instance: string,
  id: string,
): Promise<SubscriptionRow | undefined> {
  const r = await db
    .selectFrom('subscriptions')
    .selectAll()
    .where('instance', '=', instance)
    .where('id', '=', id)
    .executeTakeFirst();
  return r && mapSubscription(r);
}

/** Active and disabled subscriptions (deleted ones too with `includeDeleted`), oldest first. */
export async function listSubscriptions(
  db: Kysely<Database>,
  instance: string,
  filter: { url?: string; event?: string; includeDeleted?: boolean },
): Promise<SubscriptionRow[]> {
  let q = db.selectFrom('subscriptions').selectAll().where('instance', '=', instance);
  if (filter.url !== undefined) q = q.where('url', '=', filter.url);
  if (filter.event !== undefined) q = q.where('event', '=', filter.event);
  if (!filter.includeDeleted) q = q.where('status', '!=', 'deleted');
  const rows = await q.orderBy('created_at').orderBy('id').execute();
  return rows.map(mapSubscription);
}

export async function updateSubscription(
  db: Kysely<Database>,
  instance: string,
  id: string,
  patch: SubscriptionPatch,
  updatedAt: string,
): Promise<SubscriptionRow | undefined> {
  const set: Partial<Database['subscriptions']> = { updated_at: updatedAt };
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.secret !== undefined) set.secret = patch.secret;
  if (patch.previousSecret !== undefined) set.previous_secret = patch.previousSecret;
  if (patch.previousSecretUntil !== undefined)
    set.previous_secret_until = patch.previousSecretUntil;
  if (patch.disabledReason !== undefined) set.disabled_reason = patch.disabledReason;
  if (patch.failingSince !== undefined) set.failing_since = patch.failingSince;
  await db
    .updateTable('subscriptions')
    .set(set)
    .where('instance', '=', instance)
    .where('id', '=', id)
    .execute();
  return getSubscription(db, instance, id);
}

export async function getTriggerState(
  db: Kysely<Database>,
  subscriptionId: string,
): Promise<TriggerStateRow | undefined> {
  const r = await db
    .selectFrom('trigger_state')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .executeTakeFirst();
  return r && mapTriggerState(r);
}

function mapTriggerState(r: Selectable<Database['trigger_state']>): TriggerStateRow {
  return {
    subscriptionId: r.subscription_id,
    lastValue: r.last_value === null ? null : Number(r.last_value),
    armed: Number(r.armed) === 1,
    updatedAt: r.updated_at,
  };
}

/**
 * Appends the metric value, evaluates the live subscriptions to `event` on that metric, and writes
 * their new states and the resulting events (with deliveries) in one transaction.
 */
export async function appendMetricAndEvaluate(
  db: Kysely<Database>,
  row: MetricRow,
  event: string,
  evaluate: ThresholdEvaluation,
): Promise<NewEvent[]> {
  return db.transaction().execute(async (trx) => {
    await trx.insertInto('metric_history').values(metricColumns(row)).execute();
    const subs = await trx
      .selectFrom('subscriptions')
      .selectAll()
      .where('instance', '=', row.instance)
      .where('event', '=', event)
      .where('status', '=', 'active')
      .where('subject', '=', row.metricName)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    if (subs.length === 0) return [];
    const states = await trx
      .selectFrom('trigger_state')
      .selectAll()
      .where(
        'subscription_id',
        'in',
        subs.map((s) => s.id),
      )
      .execute();
    const byId = new Map(states.map((s) => [s.subscription_id, mapTriggerState(s)]));
    const candidates = subs.map((s) => ({
      subscription: mapSubscription(s),
      state: byId.get(s.id) ?? {
        subscriptionId: s.id,
        lastValue: null,
        armed: true,
        updatedAt: '',
      },
    }));
    const outcome = evaluate(candidates, row);
    for (const s of outcome.states) {
      await trx
        .insertInto('trigger_state')
        .values({
          subscription_id: s.subscriptionId,
          last_value: s.lastValue,
          armed: s.armed ? 1 : 0,
          updated_at: s.updatedAt,
        })
        .onConflict((oc) =>
          oc.column('subscription_id').doUpdateSet({
            last_value: s.lastValue,
            armed: s.armed ? 1 : 0,
            updated_at: s.updatedAt,
          }),
        )
        .execute();
    }
    await appendEventRows(trx, outcome.events);
    return outcome.events;
  });
}
