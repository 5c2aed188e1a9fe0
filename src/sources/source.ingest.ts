/**
 * Ingests every table of one source: load each into staging, enforce primary keys, check the corrupt
 * ratio, then swap all of the source's tables in at once. Expected failures come back as values
 * whose fault tells the refresh engine whether a retry can help.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  describeUnknown,
  err,
  makeError,
  ok,
  type AppError,
  type Result,
} from '../errors/index.js';
import { toTableName, type WarehouseWriter } from '../warehouse/index.js';
import { countRows, loadFileTable, resolveTablePath } from './file.loader.js';
import { connectPostgres, loadPostgresTable, PostgresConnectError } from './postgres.loader.js';
import { isPostgresSource, primaryKeyColumns, type SourceDefinition } from './source.schema.js';
import { dropStaged, enforcePrimaryKey, summarize, swapTables } from './table.swap.js';
import type { IngestContext, IngestReport, StagedTable, TableLoad } from './ingest.types.js';

function stageFor(source: string, table: string, primaryKey: string | string[]): StagedTable {
  const target = toTableName(source, table);
  return {
    table,
    target,
    stage: `__stage_${target}`,
    corruptStage: `__stage_${target}_corrupt`,
    primaryKey: primaryKeyColumns(primaryKey),
    rowsRejected: 0,
  };
}

/** Maps a DuckDB or driver error to a fault: missing files and bad SQL are the user's, I/O is transient. */
export function classifyIngestError(e: unknown): AppError {
  const message = describeUnknown(e);
  if (e instanceof PostgresConnectError) {
    return makeError(
      ErrorCode.sourceUnreachable,
      'transient',
      `PostgreSQL unreachable: ${message}`,
    );
  }
  if (/No files found that match the pattern/i.test(message)) {
    return makeError(ErrorCode.sourceMissing, 'user', message.split('\n')[0]!);
  }
  if (/Interrupted|INTERRUPT/i.test(message))
    return makeError(ErrorCode.canceled, 'user', 'ingest interrupted');
  if (
    /IO Error|Could not set lock|Resource temporarily unavailable|ECONNRESET|EBUSY/i.test(message)
  ) {
    return makeError(ErrorCode.sourceMalformed, 'transient', message.split('\n')[0]!);
  }
  return makeError(ErrorCode.sourceMalformed, 'user', message.split('\n\n')[0]!);
}

async function loadTables(
  w: WarehouseWriter,
  source: SourceDefinition,
  ctx: IngestContext,
  staged: StagedTable[],
): Promise<void> {
  if (isPostgresSource(source)) {
    const client = await connectPostgres(source);
    try {
      for (const t of source.tables) {
        const s = stageFor(source.name, t.name, t.primaryKey);
        staged.push(s);
        await w.run(
          `CREATE OR REPLACE TABLE ${s.corruptStage} (file VARCHAR, line BIGINT, reason VARCHAR, raw VARCHAR)`,
        );
        const onRows = (rows: number): void => ctx.onProgress?.({ table: t.name, rows });
        await loadPostgresTable(w, client, t, s.stage, ctx.postgresBatchRows, onRows, ctx.signal);
      }
    } finally {
      await client.end().catch(() => undefined);
    }
    return;
  }
  for (const t of source.tables) {
    const s = stageFor(source.name, t.name, t.primaryKey);
    staged.push(s);
    const scratch = join(tmpdir(), `tributary-${randomUUID()}.ndjson`);
    try {
      await loadFileTable(
        w,
        t,
        resolveTablePath(ctx.baseDir, t.path),
        s.stage,
        s.corruptStage,
        scratch,
      );
    } finally {
      rmSync(scratch, { force: true });
    }
  }
}

async function isOnlyRejects(w: WarehouseWriter, s: StagedTable): Promise<boolean> {
  return (await countRows(w, s.stage)) === 0 && (await countRows(w, s.corruptStage)) > 0;
}

export async function ingestSource(
  source: SourceDefinition,
  ctx: IngestContext,
): Promise<Result<IngestReport>> {
  return ctx.warehouse.write(async (w) => {
    const staged: StagedTable[] = [];
    try {
      await loadTables(w, source, ctx, staged);
      const tables: TableLoad[] = [];
      for (const s of staged) {
        // Nothing loadable but rejects (e.g. every NDJSON line invalid): the ratio decides, not the key.
        const key = (await isOnlyRejects(w, s))
          ? ({ ok: true, nullKeys: 0, duplicateKeys: 0 } as const)
          : await enforcePrimaryKey(w, s);
        if (!key.ok) {
          await dropStaged(w, staged);
          return err(makeError(ErrorCode.primaryKey, 'user', key.message));
        }
        const load = await summarize(w, s, key);
        tables.push(load);
        ctx.onProgress?.({ table: s.table, rows: load.rowsRead });
      }
      const rowsRead = tables.reduce((a, t) => a + t.rowsRead, 0);
      const rowsRejected = tables.reduce((a, t) => a + t.rowsRejected, 0);
      const total = rowsRead + rowsRejected;
      const overRatio = total > 0 && rowsRejected / total > ctx.corruptRatio;
      // Over the ratio the corrupt rows are still published (they explain the failure) but the
      // previous data stays in place.
      await swapTables(w, staged, !overRatio);
      if (overRatio) await dropStaged(w, staged);
      return ok({ rowsRead, rowsRejected, tables, overRatio });
    } catch (e) {
      await dropStaged(w, staged).catch(() => undefined);
      return err(classifyIngestError(e));
    }
  }, ctx.signal);
}
