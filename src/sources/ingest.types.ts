/** What an ingest step reports back to the refresh engine. */
import type { InstanceWarehouse } from '../warehouse/index.js';

export interface TableLoad {
  table: string;
  warehouseTable: string;
  rowsRead: number;
  rowsRejected: number;
  nullKeys: number;
  duplicateKeys: number;
}

export interface IngestReport {
  rowsRead: number;
  rowsRejected: number;
  tables: TableLoad[];
  /** True when rejected / (read + rejected) exceeded the configured ratio: the data was not swapped in. */
  overRatio: boolean;
}

export interface IngestContext {
  instance: string;
  warehouse: InstanceWarehouse;
  /** Directory that relative file paths resolve against: the data directory (`apply` sends absolute paths). */
  baseDir: string;
  corruptRatio: number;
  postgresBatchRows: number;
  signal: AbortSignal;
  onProgress?: (p: { table: string; rows: number }) => void;
}

/** A table loaded into a staging table, waiting for the key check and the swap. */
export interface StagedTable {
  table: string;
  stage: string;
  target: string;
  corruptStage: string;
  primaryKey: string[];
  rowsRejected: number;
}
