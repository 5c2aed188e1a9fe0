/** Queries on data sources and their latest ingest, shared by every Kysely dialect (see StateStore). */
import type { Kysely, Selectable } from 'kysely';
import { parseJson, toNumber } from './state.mappers.js';
import type { Database } from './state.schema.js';
import type { SourceRefreshRow, SourceRow, TaskStatus } from './state.types.js';

export async function upsertSource(db: Kysely<Database>, row: SourceRow): Promise<void> {
  const values = {
    instance: row.instance,
    name: row.name,
    kind: row.kind,
    owners: JSON.stringify(row.owners),
    definition: JSON.stringify(row.definition),
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
  await db
    .insertInto('data_sources')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['instance', 'name']).doUpdateSet({
        kind: values.kind,
        owners: values.owners,
        definition: values.definition,
        updated_at: values.updated_at,
      }),
    )
    .execute();
}

export async function listSources(db: Kysely<Database>, instance: string): Promise<SourceRow[]> {
  const rows = await db
    .selectFrom('data_sources')
    .selectAll()
    .where('instance', '=', instance)
    .orderBy('name')
    .execute();
  return rows.map(mapSource);
}

export async function getSource(
  db: Kysely<Database>,
  instance: string,
  name: string,
): Promise<SourceRow | undefined> {
  const r = await db
    .selectFrom('data_sources')
    .selectAll()
    .where('instance', '=', instance)
    .where('name', '=', name)
    .executeTakeFirst();
  return r && mapSource(r);
}

export async function deleteSource(
  db: Kysely<Database>,
  instance: string,
  name: string,
): Promise<boolean> {
  const res = await db
    .deleteFrom('data_sources')
    .where('instance', '=', instance)
    .where('name', '=', name)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function lastSourceRefreshes(
  db: Kysely<Database>,
  instance: string,
): Promise<SourceRefreshRow[]> {
  const rows = await db
    .selectFrom('tasks')
    .innerJoin('jobs', 'jobs.id', 'tasks.job_id')
    .select([
      'tasks.target',
      'tasks.status',
      'tasks.job_id',
      'tasks.ended_at',
      'tasks.rows_read',
      'tasks.rows_rejected',
      'tasks.error',
    ])
    .where('jobs.instance', '=', instance)
    .where('tasks.kind', '=', 'ingest')
    .where('tasks.status', 'in', [
      'successful',
      'completedWithWarnings',
      'failed',
      'running',
      'failedRetrying',
    ])
    .orderBy('tasks.target')
    .orderBy('jobs.created_at', 'desc')
    .execute();
  const latest = new Map<string, SourceRefreshRow>();
  for (const r of rows) {
    if (r.target === null || latest.has(r.target)) continue;
    latest.set(r.target, {
      source: r.target,
      status: r.status as TaskStatus,
      jobId: r.job_id,
      endedAt: r.ended_at,
      rowsRead: toNumber(r.rows_read),
      rowsRejected: toNumber(r.rows_rejected),
      error: parseJson(r.error),
    });
  }
  return [...latest.values()];
}

function mapSource(r: Selectable<Database['data_sources']>): SourceRow {
  return {
    instance: r.instance,
    name: r.name,
    kind: r.kind,
    owners: JSON.parse(r.owners) as string[],
    definition: JSON.parse(r.definition) as unknown,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
