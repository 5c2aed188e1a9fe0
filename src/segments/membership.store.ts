/**
 * Segment membership in the warehouse. `SegmentMembership(Segment, CustomerId, AddedAt)` holds the
 * current members of every segment; `SegmentMembershipDelta(Segment, CustomerId, Change, JobId,
 * EvaluatedAt)` keeps who was added or removed by each evaluation. One evaluation applies its
 * delta to the membership and records it in one transaction, so readers see the previous members
 * or the new ones, never a mix. A member keeps the AddedAt of the evaluation that added it. The
 * same transaction prunes the segment's delta rows older than the retention cutoff it is given.
 */
import { quoteIdent, type InstanceWarehouse, type WarehouseWriter } from '../warehouse/index.js';
import type { CompiledSegment } from './segment.compiler.js';
import { deltaTable, membershipTable } from './segment.schema.js';

/** How many added CustomerIds (sorted) the history keeps per evaluation. */
export const addedSampleSize = 10;

export interface MembershipChange {
  count: number;
  added: number;
  removed: number;
  addedSample: string[];
  /** Delta rows of this segment removed by the retention. */
  pruned: number;
}

const M = quoteIdent(membershipTable);
const D = quoteIdent(deltaTable);

export async function ensureMembershipTables(w: WarehouseWriter): Promise<void> {
  await w.run(
    `CREATE TABLE IF NOT EXISTS ${M} ("Segment" VARCHAR NOT NULL, "CustomerId" VARCHAR NOT NULL, "AddedAt" TIMESTAMP NOT NULL)`,
  );
  await w.run(
    `CREATE TABLE IF NOT EXISTS ${D} ("Segment" VARCHAR NOT NULL, "CustomerId" VARCHAR NOT NULL, "Change" VARCHAR NOT NULL, "JobId" VARCHAR, "EvaluatedAt" TIMESTAMP NOT NULL)`,
  );
}

function renderTimestamp(d: Date): string {
  return d.toISOString().slice(0, 23).replace('T', ' ');
}

/** Evaluates `compiled` and applies the change to the membership of `segment`. */
export function storeMembership(
  wh: InstanceWarehouse,
  segment: string,
  compiled: CompiledSegment,
  at: { now: Date; jobId: string | null; pruneBefore?: Date },
  signal?: AbortSignal,
): Promise<MembershipChange> {
  return wh.write(async (w) => {
    await ensureMembershipTables(w);
    await w.run('BEGIN TRANSACTION');
    try {
      await w.run(`CREATE OR REPLACE TEMP TABLE __segment_new AS ${compiled.sql}`, compiled.params);
      // One full join finds both sides of the change.
      await w.run(
        `CREATE OR REPLACE TEMP TABLE __segment_delta AS
         SELECT coalesce(n."CustomerId", o."CustomerId") AS "CustomerId",
                CASE WHEN o."CustomerId" IS NULL THEN 'added' ELSE 'removed' END AS "Change"
         FROM __segment_new n
         FULL JOIN (SELECT "CustomerId" FROM ${M} WHERE "Segment" = $1) o ON o."CustomerId" = n."CustomerId"
         WHERE n."CustomerId" IS NULL OR o."CustomerId" IS NULL`,
        [segment],
      );
      await w.run(
        `DELETE FROM ${M} WHERE "Segment" = $1 AND "CustomerId" IN
           (SELECT "CustomerId" FROM __segment_delta WHERE "Change" = 'removed')`,
        [segment],
      );
      const ts = renderTimestamp(at.now);
      await w.run(
        `INSERT INTO ${M} SELECT $1, "CustomerId", CAST($2 AS TIMESTAMP) FROM __segment_delta WHERE "Change" = 'added'`,
        [segment, ts],
      );
      await w.run(
        `INSERT INTO ${D} SELECT $1, "CustomerId", "Change", $2, CAST($3 AS TIMESTAMP) FROM __segment_delta`,
        [segment, at.jobId, ts],
      );
      const [counts] = await w.all(
        `SELECT (SELECT count(*) FROM __segment_new) AS n,
                count(*) FILTER (WHERE "Change" = 'added') AS added,
                count(*) FILTER (WHERE "Change" = 'removed') AS removed
         FROM __segment_delta`,
      );
      const sample = await w.all(
        `SELECT "CustomerId" FROM __segment_delta WHERE "Change" = 'added' ORDER BY 1 LIMIT ${addedSampleSize}`,
      );
      const pruned = at.pruneBefore ? await pruneDeltas(w, segment, at.pruneBefore) : 0;
      await w.run('COMMIT');
      return {
        count: Number(counts?.n ?? 0),
        added: Number(counts?.added ?? 0),
        removed: Number(counts?.removed ?? 0),
        addedSample: sample.map((r) => String(r.CustomerId)),
        pruned,
      };
    } catch (e) {
      await w.run('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      await w.run('DROP TABLE IF EXISTS __segment_new').catch(() => undefined);
      await w.run('DROP TABLE IF EXISTS __segment_delta').catch(() => undefined);
    }
  }, signal);
}

/** Deletes the segment's delta rows evaluated before `before`; answers how many went. */
async function pruneDeltas(w: WarehouseWriter, segment: string, before: Date): Promise<number> {
  const [row] = await w.all(
    `DELETE FROM ${D} WHERE "Segment" = $1 AND "EvaluatedAt" < CAST($2 AS TIMESTAMP)`,
    [segment, renderTimestamp(before)],
  );
  return Number(row?.Count ?? 0);
}

/** Counts the members `compiled` would have, storing nothing (the API's dry run). */
export async function previewMembership(
  wh: InstanceWarehouse,
  compiled: CompiledSegment,
): Promise<{ count: number; sample: string[] }> {
  const [row] = await wh.query(`SELECT count(*) AS n FROM (${compiled.sql})`, compiled.params);
  const sample = await wh.query(
    `SELECT "CustomerId" FROM (${compiled.sql}) ORDER BY 1 LIMIT ${addedSampleSize}`,
    compiled.params,
  );
  return { count: Number(row?.n ?? 0), sample: sample.map((r) => String(r.CustomerId)) };
}

/** Forgets a removed segment's members (its deltas and history stay). */
export async function dropMembership(wh: InstanceWarehouse, segment: string): Promise<void> {
  await wh.write(async (w) => {
    await ensureMembershipTables(w);
    await w.run(`DELETE FROM ${M} WHERE "Segment" = $1`, [segment]);
  });
}

export async function readMembers(
  wh: InstanceWarehouse,
  segment: string,
  page: { top: number; skip: number },
): Promise<{ CustomerId: string; AddedAt: unknown }[]> {
  if (!(await wh.tableExists(membershipTable))) return [];
  const rows = await wh.query(
    `SELECT "CustomerId", "AddedAt" FROM ${M} WHERE "Segment" = $1 ORDER BY "CustomerId" LIMIT $2 OFFSET $3`,
    [segment, page.top, page.skip],
  );
  return rows.map((r) => ({ CustomerId: String(r.CustomerId), AddedAt: r.AddedAt }));
}
