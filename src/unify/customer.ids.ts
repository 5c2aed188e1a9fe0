/**
 * Stable CustomerIds. The previous run's `CustomerLink` says which profile each source record
 * belonged to. For the new clusters:
 * - each old id goes to the new cluster holding most of its records (a split: the largest part keeps
 *   the id; ties go to the cluster with the smallest first record);
 * - a cluster that receives several old ids (a merge) keeps the one that brought it most records,
 *   ties to the smaller id; the others, and every id they had absorbed before, are listed in its
 *   `PreviousCustomerId`;
 * - a cluster that receives no old id gets a new one derived from its first record
 *   (`c-` + 16 hex digits of md5("<table>:<key>")), so unchanged input always gives the same ids.
 * Writes `_unify_ids(_cluster, CustomerId, PreviousCustomerId)` and returns the change counts.
 */
import type { WarehouseWriter } from '../warehouse/index.js';
import { RECORDS } from './records.stage.js';

export const IDS = '_unify_ids';

export interface ProfileChanges {
  total: number;
  created: number;
  kept: number;
  merged: number;
  split: number;
  removed: number;
}

export async function assignCustomerIds(
  w: WarehouseWriter,
  clusters: string,
  previous: { link: boolean; customer: boolean },
  salt: string,
): Promise<ProfileChanges> {
  const votes = previous.link
    ? `SELECT c._cluster, l.CustomerId AS old, count(*) AS n
       FROM ${clusters} c JOIN ${RECORDS} r USING (_rid)
       JOIN CustomerLink l ON l.SourceTable = r._src AND l.RecordId = r._key GROUP BY ALL`
    : 'SELECT NULL::BIGINT AS _cluster, NULL::VARCHAR AS old, 0::BIGINT AS n WHERE false';
  const history = previous.customer
    ? 'SELECT CustomerId AS old, PreviousCustomerId AS prev FROM Customer'
    : 'SELECT NULL::VARCHAR AS old, []::VARCHAR[] AS prev WHERE false';
  await w.run(`CREATE OR REPLACE TEMP TABLE _ids_votes AS ${votes}`);
  await w.run(`CREATE OR REPLACE TEMP TABLE _ids_owned AS
    SELECT _cluster, old, n FROM (
      SELECT *, row_number() OVER (PARTITION BY old ORDER BY n DESC, _cluster) AS k FROM _ids_votes
    ) WHERE k = 1`);
  await w.run(`CREATE OR REPLACE TEMP TABLE _ids_kept AS
    SELECT o._cluster,
      arg_min(o.old, {a: -o.n, b: o.old}) AS survivor,
      count(*) AS owned,
      list_sort(list_distinct(flatten(list(list_concat(coalesce(h.prev, []::VARCHAR[]), [o.old])))))
        AS absorbed
    FROM _ids_owned o LEFT JOIN (${history}) h ON h.old = o.old
    GROUP BY o._cluster`);
  await w.run(
    `CREATE OR REPLACE TABLE ${IDS} AS
    WITH firsts AS (
      SELECT c._cluster, r._src || ':' || r._key AS first_key
      FROM (SELECT DISTINCT _cluster FROM ${clusters}) c JOIN ${RECORDS} r ON r._rid = c._cluster
    ),
    known AS (SELECT old AS id FROM _ids_votes UNION SELECT unnest(absorbed) FROM _ids_kept),
    fresh AS (SELECT f._cluster, 'c-' || left(md5(f.first_key), 16) AS id1,
        'c-' || left(md5(f.first_key || '#' || $1), 16) AS id2
      FROM firsts f)
    SELECT f._cluster,
      coalesce(k.survivor, CASE WHEN f.id1 IN (SELECT id FROM known) THEN f.id2 ELSE f.id1 END)
        AS CustomerId,
      coalesce(list_filter(k.absorbed, x -> x <> k.survivor), []::VARCHAR[]) AS PreviousCustomerId
    FROM fresh f LEFT JOIN _ids_kept k USING (_cluster)`,
    [salt],
  );
  const rows = await w.all(`SELECT
      (SELECT count(*) FROM ${IDS})::BIGINT AS total,
      (SELECT count(*) FROM ${IDS} WHERE _cluster NOT IN (SELECT _cluster FROM _ids_votes))::BIGINT AS created,
      (SELECT count(*) FROM _ids_kept WHERE owned = 1)::BIGINT AS kept,
      (SELECT count(*) FROM _ids_kept WHERE owned > 1)::BIGINT AS merged,
      (SELECT count(*) FROM (SELECT old FROM _ids_votes GROUP BY old HAVING count(*) > 1))::BIGINT AS split,
      ${previous.link ? `(SELECT count(DISTINCT CustomerId) FROM CustomerLink WHERE CustomerId NOT IN (SELECT old FROM _ids_votes))` : '0'}::BIGINT AS removed`);
  for (const t of ['_ids_votes', '_ids_owned', '_ids_kept']) await w.run(`DROP TABLE ${t}`);
  const r = rows[0] ?? {};
  return {
    total: Number(r.total),
    created: Number(r.created),
    kept: Number(r.kept),
    merged: Number(r.merged),
    split: Number(r.split),
    removed: Number(r.removed),
  };
}
