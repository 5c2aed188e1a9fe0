/** Queries on the `connections` and `status_reports` tables, shared by every Kysely dialect. */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from './state.schema.js';
import type { ConnectionRow, Scope, StatusReportRow } from './state.types.js';

export async function createConnection(db: Kysely<Database>, row: ConnectionRow): Promise<void> {
  await db
    .insertInto('connections')
    .values({
      id: row.id,
      name: row.name,
      instances: JSON.stringify(row.instances),
      scopes: JSON.stringify(row.scopes),
      key_hash: row.keyHash,
      rate_limit: row.rateLimit,
      rate_window_seconds: row.rateWindowSeconds,
      created_at: row.createdAt,
      revoked_at: row.revokedAt,
    })
    .execute();
}

export async function getConnection(
  db: Kysely<Database>,
  id: string,
): Promise<ConnectionRow | undefined> {
  const r = await db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
  return r && mapConnection(r);
}

export async function listConnections(db: Kysely<Database>): Promise<ConnectionRow[]> {
  const rows = await db.selectFrom('connections').selectAll().orderBy('created_at').execute();
  return rows.map(mapConnection);
}

/** Marks the connection revoked; false when it does not exist or was already revoked. */
export async function revokeConnection(
  db: Kysely<Database>,
  id: string,
  at: string,
): Promise<boolean> {
  const res = await db
    .updateTable('connections')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function appendStatusReport(
  db: Kysely<Database>,
  row: StatusReportRow,
): Promise<void> {
  await db
    .insertInto('status_reports')
    .values({
      id: row.id,
      instance: row.instance,
      report_type: row.reportType,
      status: row.status,
      message: row.message,
      run_id: row.runId,
      details: row.details === null ? null : JSON.stringify(row.details),
      connection_id: row.connectionId,
      reported_at: row.reportedAt,
    })
    .execute();
}

/** Newest first. */
export async function listStatusReports(
  db: Kysely<Database>,
  instance: string,
  opts: { limit: number; offset: number },
): Promise<StatusReportRow[]> {
  const rows = await db
    .selectFrom('status_reports')
    .selectAll()
    .where('instance', '=', instance)
    .orderBy('reported_at', 'desc')
    .orderBy('id', 'desc')
    .limit(opts.limit)
    .offset(opts.offset)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    instance: r.instance,
    reportType: r.report_type,
    status: r.status,
    message: r.message,
    runId: r.run_id,
    details: r.details === null ? null : (JSON.parse(r.details) as Record<string, unknown>),
    connectionId: r.connection_id,
    reportedAt: r.reported_at,
  }));
}

function mapConnection(r: Selectable<Database['connections']>): ConnectionRow {
  return {
    id: r.id,
    name: r.name,
    instances: JSON.parse(r.instances) as string[],
    scopes: JSON.parse(r.scopes) as Scope[],
    keyHash: r.key_hash,
    rateLimit: r.rate_limit,
    rateWindowSeconds: r.rate_window_seconds,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  };
}
