/** Embedded state plane: SQLite in WAL mode through better-sqlite3, migrated at open. */
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import { KyselyStateStore } from './kysely.store.js';
import { startWalCheckpointer } from './wal.checkpointer.js';
import type { Database } from './state.schema.js';
import { err, ok, makeError, ErrorCode, type Result } from '../errors/index.js';

/** Prepared statements kept per connection (by SQL text); the least recently used goes first. */
const cachedStatements = 256;

/**
 * The connection as Kysely sees it, with prepared statements reused: Kysely prepares every query it
 * runs, and preparing costs more than running the small statements of the hot paths (claims and
 * attempt writes). Kysely's SQLite driver runs one query at a time on this single connection and
 * never streams, so a cached statement is never in use twice.
 */
function withStatementCache(sqlite: Sqlite.Database): SqliteDatabase {
  const cache = new Map<string, Sqlite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) cache.delete(sql);
      else {
        stmt = sqlite.prepare(sql);
        if (cache.size >= cachedStatements) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

/** Opens (creating if needed) the SQLite state file; `:memory:` gives a throwaway store for tests. */
export async function openSqliteState(file: string): Promise<Result<KyselyStateStore>> {
  const sqlite = new Sqlite(file);
  sqlite.pragma('journal_mode = WAL');
  // In WAL mode a commit survives a crash of the process (kill -9) without an fsync per commit.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const checkpointer = file === ':memory:' ? undefined : startWalCheckpointer(sqlite, file);
  await checkpointer?.ready;
  // The thread's connection closes first, so the main one closes last: it checkpoints and removes
  // the WAL file.
  const store = new KyselyStateStore(
    new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) }),
    'sqlite',
    async () => checkpointer?.stop(),
  );
  const failure = await store.migrate();
  if (failure !== undefined) {
    await store.close();
    return err(makeError(ErrorCode.internal, 'unexpected', `state migration failed: ${failure}`));
  }
  return ok(store);
}
