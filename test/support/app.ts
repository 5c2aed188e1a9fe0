/** Builds a real app (SQLite + DuckDB files) in a throwaway data directory. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App, type AppOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';

export interface TestApp extends App {
  dir: string;
  dispose(): Promise<void>;
}

export async function startTestApp(
  env: Record<string, string> = {},
  opts: Omit<AppOptions, 'config'> = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-test-'));
  const config = loadConfig(
    {
      TRIBUTARY_ADMIN_KEY: 'test-admin-key',
      TRIBUTARY_LOG_LEVEL: 'silent',
      TRIBUTARY_RETRY_BASE_DELAY_MS: '1',
      TRIBUTARY_DUCKDB_MEMORY_LIMIT: '512MB',
      ...env,
    },
    { dataDir: join(dir, 'data'), port: 0 },
  );
  const app = await createApp({ config, ...opts });
  return Object.assign(app, {
    dir,
    async dispose() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

export const auth = { authorization: 'Bearer test-admin-key' };
