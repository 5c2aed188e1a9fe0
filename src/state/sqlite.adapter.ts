/** Embedded state plane: SQLite in WAL mode through better-sqlite3, migrated at open. */
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyStateStore } from './kysely.store.js';
import type { Database } from './state.schema.js';
import { err, ok, makeError, ErrorCode, type Result } from '../errors/index.js';

/** Opens (creating if needed) the SQLite state file; `:memory:` gives a throwaway store for tests. */
export async function openSqliteState(file: string): Promise<Result<KyselyStateStore>> {
  const sqlite = new Sqlite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const store = new KyselyStateStore(
    new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }),
  );
  const failure = await store.migrate();
  if (failure !== undefined) {
    await store.close();
    return err(makeError(ErrorCode.internal, 'unexpected', `state migration failed: ${failure}`));
  }
  return ok(store);
}
