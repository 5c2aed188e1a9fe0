/**
 * Entity partitions: after each refresh every entity is written as a Parquet snapshot under
 * `<dataDir>/partitions/<instance>/<entity>/<snapshotId>/full.parquet`. When the previous snapshot
 * has the same columns, the incremental partitions between the two are written too:
 * `upsert.parquet` (rows new or changed, by the whole row) and `delete.parquet` (keys gone).
 * Partition files never change once written, so paging through one by offset is stable.
 * The newest `keepSnapshots` snapshots of each entity are kept.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StateStore } from '../state/index.js';
import { quoteIdent, quoteLiteral, type InstanceWarehouse, type Row } from '../warehouse/index.js';
import { listEntities } from './entity.catalog.js';
import { categorize } from './entity.types.js';
import { formatRow } from './entity.query.js';

export const partitionKinds = ['full', 'upsert', 'delete'] as const;
export type PartitionKind = (typeof partitionKinds)[number];
const keepSnapshots = 3;

export interface Partition {
  partitionId: string;
  entity: string;
  kind: PartitionKind;
  refreshJobId: string;
  createdAt: string;
  rowCount: number;
}

interface SnapshotMeta {
  snapshotId: string;
  jobId: string;
  createdAt: string;
  columns: string[];
  key: string[];
  rows: Partial<Record<PartitionKind, number>>;
}

function entityDir(dataDir: string, instance: string, entity: string): string {
  return join(dataDir, 'partitions', instance, entity);
}

function readSnapshots(dir: string): SnapshotMeta[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, 'meta.json')))
    .sort()
    .reverse()
    .map((d) => JSON.parse(readFileSync(join(dir, d, 'meta.json'), 'utf8')) as SnapshotMeta);
}

async function countParquet(wh: InstanceWarehouse, file: string): Promise<number> {
  const [r] = await wh.query(
    `SELECT count(*)::BIGINT AS n FROM read_parquet(${quoteLiteral(file)})`,
  );
  return Number(r?.n ?? 0);
}

/** Writes one snapshot of every entity; returns the number of entities written. */
export async function snapshotEntities(opts: {
  state: StateStore;
  wh: InstanceWarehouse;
  instance: string;
  dataDir: string;
  jobId: string;
  now: Date;
}): Promise<{ entities: number }> {
  const { wh, now } = opts;
  const snapshotId = `${now.toISOString().replace(/[-:.]/g, '')}-${opts.jobId.replace(/[^A-Za-z0-9]/g, '')}`;
  const entities = await listEntities(opts.state, wh, opts.instance);
  for (const e of entities) {
    const dir = entityDir(opts.dataDir, opts.instance, e.name);
    const previous = readSnapshots(dir)[0];
    const out = join(dir, snapshotId);
    mkdirSync(out, { recursive: true });
    const full = join(out, 'full.parquet');
    await wh.query(
      `COPY (SELECT * FROM ${quoteIdent(e.name)}) TO ${quoteLiteral(full)} (FORMAT PARQUET)`,
    );
    const columns = e.columns.map((c) => c.name);
    const meta: SnapshotMeta = {
      snapshotId,
      jobId: opts.jobId,
      createdAt: now.toISOString(),
      columns,
      key: e.key,
      rows: { full: await countParquet(wh, full) },
    };
    if (previous && previous.columns.join(',') === columns.join(',')) {
      const prev = quoteLiteral(join(dir, previous.snapshotId, 'full.parquet'));
      const cur = quoteLiteral(full);
      const keys = e.key.map(quoteIdent).join(', ');
      const upsert = join(out, 'upsert.parquet');
      const del = join(out, 'delete.parquet');
      await wh.query(
        `COPY (SELECT * FROM read_parquet(${cur}) EXCEPT SELECT * FROM read_parquet(${prev})) TO ${quoteLiteral(upsert)} (FORMAT PARQUET)`,
      );
      await wh.query(
        `COPY (SELECT ${keys} FROM read_parquet(${prev}) EXCEPT SELECT ${keys} FROM read_parquet(${cur})) TO ${quoteLiteral(del)} (FORMAT PARQUET)`,
      );
      meta.rows.upsert = await countParquet(wh, upsert);
      meta.rows.delete = await countParquet(wh, del);
    }
    writeFileSync(join(out, 'meta.json'), JSON.stringify(meta));
    for (const old of readSnapshots(dir).slice(keepSnapshots)) {
      rmSync(join(dir, old.snapshotId), { recursive: true, force: true });
    }
  }
  return { entities: entities.length };
}

/** Partitions of an entity, newest first. V1 lists full snapshots only; V2 adds incremental ones. */
export function listPartitions(
  dataDir: string,
  instance: string,
  entity: string,
  version: 1 | 2,
): Partition[] {
  const out: Partition[] = [];
  for (const s of readSnapshots(entityDir(dataDir, instance, entity))) {
    for (const kind of partitionKinds) {
      const rows = s.rows[kind];
      if (rows === undefined || (version === 1 && kind !== 'full')) continue;
      out.push({
        partitionId: `${s.snapshotId}.${kind}`,
        entity,
        kind,
        refreshJobId: s.jobId,
        createdAt: s.createdAt,
        rowCount: rows,
      });
    }
  }
  return out;
}

/** A page of a partition's rows, or undefined when there is no such partition. */
export async function readPartition(opts: {
  wh: InstanceWarehouse;
  dataDir: string;
  instance: string;
  entity: string;
  partitionId: string;
  top: number;
  skip: number;
}): Promise<{ rows: Row[]; more: boolean } | undefined> {
  const m = /^([0-9A-Za-z-]+)\.(full|upsert|delete)$/.exec(opts.partitionId);
  if (!m) return undefined;
  const file = join(entityDir(opts.dataDir, opts.instance, opts.entity), m[1]!, `${m[2]!}.parquet`);
  if (!existsSync(file)) return undefined;
  const source = `read_parquet(${quoteLiteral(file)})`;
  const described = await opts.wh.query(`DESCRIBE SELECT * FROM ${source}`);
  const columns = described.map((d) => {
    const sqlType = String(d.column_type);
    return { name: String(d.column_name), sqlType, category: categorize(sqlType) };
  });
  const rows = await opts.wh.query(`SELECT * FROM ${source} LIMIT $1 OFFSET $2`, [
    opts.top + 1,
    opts.skip,
  ]);
  return {
    rows: rows.slice(0, opts.top).map((r) => formatRow(r, columns)),
    more: rows.length > opts.top,
  };
}
