/** Embedded warehouse: one DuckDB file per instance under `<dataDir>/warehouse/`. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  DuckDBInstance,
  JSDuckDBValueConverter,
  type DuckDBConnection,
  type DuckDBMaterializedResult,
  type DuckDBPreparedStatement,
} from '@duckdb/node-api';
import type {
  InstanceWarehouse,
  Row,
  SqlValue,
  Warehouse,
  WarehouseAppender,
  WarehouseWriter,
} from './warehouse.port.js';

export interface DuckDbOptions {
  dataDir: string;
  memoryLimit: string;
  threads: number;
}

function normalizeRow(row: Record<string, unknown>): Row {
  for (const [k, v] of Object.entries(row)) {
    if (
      typeof v === 'bigint' &&
      v <= BigInt(Number.MAX_SAFE_INTEGER) &&
      v >= BigInt(Number.MIN_SAFE_INTEGER)
    ) {
      row[k] = Number(v);
    }
  }
  return row;
}

/**
 * The rows of a materialized result as JS objects (what `getRowObjectsJS` gives), read from its
 * chunks synchronously: a reader would fetch each chunk through another round trip to DuckDB's
 * thread pool, one more wait per query for a point lookup.
 */
function rowsOf(result: DuckDBMaterializedResult): Row[] {
  const names = result.deduplicatedColumnNames();
  const rows: Row[] = [];
  for (let c = 0; c < result.chunkCount; c++) {
    for (const values of result.getChunk(c).convertRows(JSDuckDBValueConverter)) {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
      rows.push(normalizeRow(row));
    }
  }
  return rows;
}

async function readAll(con: DuckDBConnection, sql: string, params?: SqlValue[]): Promise<Row[]> {
  return rowsOf(await con.run(sql, params));
}

/** Idle reader connections kept open, and prepared statements kept per reader. */
const maxIdleReaders = 8;
const maxStatementsPerReader = 32;

/**
 * A reader connection with its prepared statements by SQL text, kept for one catalog stamp: after a
 * write they are dropped and prepared again rather than relying on DuckDB to rebind a plan whose
 * tables were replaced.
 */
interface Reader {
  con: DuckDBConnection;
  stamp: number | undefined;
  statements: Map<string, DuckDBPreparedStatement>;
}

function dropStatements(reader: Reader): void {
  for (const st of reader.statements.values()) st.destroySync();
  reader.statements.clear();
}

async function readPrepared(reader: Reader, sql: string, params?: SqlValue[]): Promise<Row[]> {
  let st = reader.statements.get(sql);
  if (st) reader.statements.delete(sql);
  else {
    st = await reader.con.prepare(sql);
    if (reader.statements.size >= maxStatementsPerReader) {
      const [oldest, old] = reader.statements.entries().next().value!;
      reader.statements.delete(oldest);
      old.destroySync();
    }
  }
  reader.statements.set(sql, st); // most recently used last
  st.clearBindings();
  if (params && params.length > 0) st.bind(params);
  return rowsOf(await st.run());
}

class DuckDbInstanceWarehouse implements InstanceWarehouse {
  private queue: Promise<unknown> = Promise.resolve();
  private writesDone = 0;
  private writing = false;
  private closed = false;
  private readonly idle: Reader[] = [];

  constructor(
    readonly instance: string,
    private readonly db: DuckDBInstance,
    private readonly writer: DuckDBConnection,
  ) {}

  /**
   * Reads on a pooled connection. While no write runs, statements are prepared once per reader and
   * catalog stamp and then only bound and executed (a repeated point lookup skips the prepare round
   * trip); during a write each read is prepared afresh.
   */
  async query(sql: string, params?: SqlValue[]): Promise<Row[]> {
    const reader = this.idle.pop() ?? {
      con: await this.db.connect(),
      stamp: undefined,
      statements: new Map<string, DuckDBPreparedStatement>(),
    };
    let reusable = true;
    try {
      const stamp = this.catalogStamp();
      if (stamp !== reader.stamp) dropStatements(reader);
      reader.stamp = stamp;
      if (stamp === undefined) return await readAll(reader.con, sql, params);
      return await readPrepared(reader, sql, params);
    } catch (e) {
      reusable = false;
      throw e;
    } finally {
      if (reusable && !this.closed && this.idle.length < maxIdleReaders) this.idle.push(reader);
      else {
        dropStatements(reader);
        reader.con.closeSync();
      }
    }
  }

  write<T>(work: (w: WarehouseWriter) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const run = async (): Promise<T> => {
      signal?.throwIfAborted();
      const onAbort = (): void => this.writer.interrupt();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.writing = true;
      try {
        return await work(this.makeWriter());
      } finally {
        this.writing = false;
        this.writesDone++;
        signal?.removeEventListener('abort', onAbort);
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async tableExists(name: string): Promise<boolean> {
    const rows = await this.query(
      `SELECT 1 FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?`,
      [name],
    );
    return rows.length > 0;
  }

  catalogStamp(): number | undefined {
    return this.writing ? undefined : this.writesDone;
  }

  close(): void {
    this.closed = true;
    for (const reader of this.idle.splice(0)) {
      dropStatements(reader);
      reader.con.closeSync();
    }
    this.writer.closeSync();
    this.db.closeSync();
  }

  private makeWriter(): WarehouseWriter {
    const con = this.writer;
    return {
      run: async (sql, params) => {
        await con.run(sql, params);
      },
      all: (sql, params) => readAll(con, sql, params),
      createAppender: async (table): Promise<WarehouseAppender> => {
        const appender = await con.createAppender(table);
        return {
          appendTextRow: (values) => {
            for (const v of values) {
              if (v === null) appender.appendNull();
              else appender.appendVarchar(v);
            }
            appender.endRow();
          },
          close: () => appender.closeSync(),
        };
      },
    };
  }
}

export class DuckDbWarehouse implements Warehouse {
  private readonly open_ = new Map<string, Promise<DuckDbInstanceWarehouse>>();

  constructor(private readonly opts: DuckDbOptions) {}

  open(instance: string): Promise<InstanceWarehouse> {
    let pending = this.open_.get(instance);
    if (!pending) {
      pending = this.create(instance);
      this.open_.set(instance, pending);
      pending.catch(() => this.open_.delete(instance));
    }
    return pending;
  }

  async close(): Promise<void> {
    const all = [...this.open_.values()];
    this.open_.clear();
    for (const p of all) {
      const w = await p.catch(() => undefined);
      w?.close();
    }
  }

  private async create(instance: string): Promise<DuckDbInstanceWarehouse> {
    const dir = join(this.opts.dataDir, 'warehouse');
    mkdirSync(dir, { recursive: true });
    // Extensions cannot be downloaded here; only the ones built into the package may load.
    const db = await DuckDBInstance.create(join(dir, `${instance}.duckdb`), {
      memory_limit: this.opts.memoryLimit,
      threads: String(this.opts.threads),
      autoinstall_known_extensions: 'false',
      temp_directory: join(dir, `${instance}.tmp`),
    });
    const writer = await db.connect();
    return new DuckDbInstanceWarehouse(instance, db, writer);
  }
}
