/** Flow runs, shared by every Kysely dialect (see StateStore). */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from './state.schema.js';
import type { FlowRunQuery, FlowRunRow, FlowRunStatus } from './state.types.js';

export async function appendFlowRun(db: Kysely<Database>, row: FlowRunRow): Promise<void> {
  await db
    .insertInto('flow_runs')
    .values({
      id: row.id,
      instance: row.instance,
      flow: row.flow,
      delivery_id: row.deliveryId,
      attempt: row.attempt,
      test: row.test ? 1 : 0,
      event_id: row.eventId,
      event_type: row.eventType,
      event: JSON.stringify(row.event),
      condition_held: row.conditionHeld === null ? null : row.conditionHeld ? 1 : 0,
      status: row.status,
      retry: row.retry ? 1 : 0,
      actions: JSON.stringify(row.actions),
      started_at: row.startedAt,
      ended_at: row.endedAt,
    })
    .execute();
}

/** Newest first (by start, then id); filtered by flow and/or delivery. */
export async function listFlowRuns(
  db: Kysely<Database>,
  instance: string,
  query: FlowRunQuery,
): Promise<FlowRunRow[]> {
  let q = db.selectFrom('flow_runs').selectAll().where('instance', '=', instance);
  if (query.flow !== undefined) q = q.where('flow', '=', query.flow);
  if (query.deliveryId !== undefined) q = q.where('delivery_id', '=', query.deliveryId);
  const rows = await q
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  return rows.map(mapFlowRun);
}

function mapFlowRun(r: Selectable<Database['flow_runs']>): FlowRunRow {
  return {
    id: r.id,
    instance: r.instance,
    flow: r.flow,
    deliveryId: r.delivery_id,
    attempt: r.attempt === null ? null : Number(r.attempt),
    test: Number(r.test) === 1,
    eventId: r.event_id,
    eventType: r.event_type,
    event: JSON.parse(r.event) as Record<string, unknown>,
    conditionHeld: r.condition_held === null ? null : Number(r.condition_held) === 1,
    status: r.status as FlowRunStatus,
    retry: Number(r.retry) === 1,
    actions: JSON.parse(r.actions) as unknown[],
    startedAt: r.started_at,
    endedAt: r.ended_at,
  };
}
