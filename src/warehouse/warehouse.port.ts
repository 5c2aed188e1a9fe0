/**
 * The warehouse-plane port: the customer data and the heavy SQL. One database per instance.
 * Reads may run concurrently (snapshot isolation); every write goes through the instance's single
 * writer, one unit of work at a time, so DDL swaps and loads never interleave.
 */
export type SqlValue = string | number | boolean | null | bigint;
export type Row = Record<string, unknown>;

export interface WarehouseAppender {
  /** Appends one row of text-or-null values (the target table's columns are VARCHAR). */
  appendTextRow(values: (string | null)[]): void;
  close(): void;
}

export interface WarehouseWriter {
  run(sql: string, params?: SqlValue[]): Promise<void>;
  all(sql: string, params?: SqlValue[]): Promise<Row[]>;
  createAppender(table: string): Promise<WarehouseAppender>;
}

export interface InstanceWarehouse {
  readonly instance: string;
  /** Runs a read-only query on a fresh reader connection. BIGINTs come back as numbers when safe. */
  query(sql: string, params?: SqlValue[]): Promise<Row[]>;
  /**
   * Runs `work` with exclusive use of the writer connection. When `signal` aborts, the running
   * statement is interrupted and the promise rejects; an open transaction is rolled back by DuckDB.
   */
  write<T>(work: (w: WarehouseWriter) => Promise<T>, signal?: AbortSignal): Promise<T>;
  tableExists(name: string): Promise<boolean>;
  /**
   * A number that changes after every write unit of work, or undefined while one is running.
   * Facts read from the catalog (tables, columns) stay true while the stamp they were read under
   * is unchanged, so readers may cache them against it.
   */
  catalogStamp(): number | undefined;
}

export interface Warehouse {
  open(instance: string): Promise<InstanceWarehouse>;
  close(): Promise<void>;
}
