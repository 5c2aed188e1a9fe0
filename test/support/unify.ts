/**
 * Unification test harness: CSV customer tables written to the test app's directory, registered
 * as sources through the API, a unification definition PUT through the API, and full refresh jobs.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskRow } from '../../src/state/index.js';
import { auth, type TestApp } from './app.js';

/** Writes `rows` (first row = header) as CSV and registers source `source` with table `table`. */
export async function putCsvSource(
  app: TestApp,
  source: string,
  table: string,
  key: string,
  rows: (string | number | null)[][],
): Promise<void> {
  const dir = join(app.dir, 'files');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${source}_${table}.csv`);
  const cell = (v: string | number | null): string =>
    v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v);
  writeFileSync(file, rows.map((r) => r.map(cell).join(',')).join('\n') + '\n');
  const res = await app.http.inject({
    method: 'PUT',
    url: `/v1/instances/default/manage/datasources/${source}`,
    headers: auth,
    payload: {
      name: source,
      tables: [
        { name: table, format: 'csv', path: file, primaryKey: key, options: { header: true } },
      ],
    },
  });
  assert.ok(res.statusCode === 200 || res.statusCode === 201, res.body);
}

export async function putUnification(
  app: TestApp,
  definition: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await app.http.inject({
    method: 'PUT',
    url: '/v1/instances/default/manage/unification',
    headers: auth,
    payload: definition as Record<string, unknown>,
  });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
}

/** Runs a full refresh and returns its tasks by kind (ingest tasks as `ingest:<source>`). */
export async function refreshAll(app: TestApp): Promise<Map<string, TaskRow>> {
  const sub = await app.refresh.submit({ instance: 'default', submissionKind: 'onDemand' });
  assert.ok(sub.ok);
  await app.refresh.waitFor(sub.value.jobId);
  const tasks = await app.state.listTasks(sub.value.jobId);
  return new Map(tasks.map((t) => [t.target ? `${t.kind}:${t.target}` : t.kind, t]));
}

export async function query(app: TestApp, sql: string): Promise<Record<string, unknown>[]> {
  return (await app.warehouse.open('default')).query(sql);
}

/** Profiles as sorted lists of `table:key`, sorted, so tests compare clusterings directly. */
export async function profiles(app: TestApp): Promise<string[][]> {
  const rows = await query(
    app,
    `SELECT list(SourceTable || ':' || RecordId ORDER BY SourceTable, RecordId) AS m
     FROM CustomerLink GROUP BY CustomerId`,
  );
  return rows
    .map((r) => (r.m as string[]).slice())
    .sort((a, b) => a.join().localeCompare(b.join()));
}

/** The CustomerId of one source record. */
export async function customerOf(app: TestApp, table: string, key: string): Promise<string> {
  const rows = await query(
    app,
    `SELECT CustomerId FROM CustomerLink WHERE SourceTable = '${table}' AND RecordId = '${key}'`,
  );
  assert.equal(rows.length, 1, `${table}:${key} should link to one profile`);
  return String(rows[0]!.CustomerId);
}
