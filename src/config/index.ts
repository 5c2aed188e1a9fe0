/**
 * The only reader of process.env. Produces one validated, frozen config; other code receives it.
 */
import { resolve } from 'node:path';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Where `npm run build` puts the console (web/dist at the package root). */
const builtConsoleDir = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface Config {
  dataDir: string;
  host: string;
  port: number;
  /** Admin API key; when absent one is generated on first start and kept in `<dataDir>/admin.key`. */
  adminKey: string | undefined;
  duckdb: { memoryLimit: string; threads: number };
  ingest: { corruptRatio: number; postgresBatchRows: number };
  refresh: {
    maxAttempts: number;
    retryBaseDelayMs: number;
    taskTimeoutMs: number;
    taskConcurrency: number;
  };
  api: {
    /** Calls per 60 s allowed to the admin key (connections carry their own limit). */
    adminRateLimit: number;
    /** Largest accepted request body. */
    bodyLimitBytes: number;
  };
  logLevel: string;
  /** The built console served at `/` (index.html and hashed assets). */
  consoleDir: string;
}

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

function readNumber(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a number between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

/** Builds the config from an environment map and explicit overrides (CLI flags win over env). */
export function loadConfig(
  env: Env,
  overrides: Partial<Pick<Config, 'dataDir' | 'port' | 'host'>> = {},
): Config {
  const memoryLimit = env.TRIBUTARY_DUCKDB_MEMORY_LIMIT ?? '1GB';
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i.test(memoryLimit)) {
    throw new ConfigError(
      `TRIBUTARY_DUCKDB_MEMORY_LIMIT must look like "1GB", got "${memoryLimit}"`,
    );
  }
  const config: Config = {
    dataDir: resolve(overrides.dataDir ?? env.TRIBUTARY_DATA_DIR ?? '.tributary'),
    host: overrides.host ?? env.TRIBUTARY_HOST ?? '127.0.0.1',
    port: overrides.port ?? readNumber(env, 'TRIBUTARY_PORT', 8080, 0, 65535),
    adminKey: env.TRIBUTARY_ADMIN_KEY || undefined,
    duckdb: {
      memoryLimit,
      threads: readNumber(env, 'TRIBUTARY_DUCKDB_THREADS', Math.max(1, cpus().length), 1, 256),
    },
    ingest: {
      corruptRatio: readNumber(env, 'TRIBUTARY_CORRUPT_RATIO', 0.01, 0, 1),
      postgresBatchRows: readNumber(env, 'TRIBUTARY_PG_BATCH_ROWS', 10_000, 1, 1_000_000),
    },
    refresh: {
      maxAttempts: readNumber(env, 'TRIBUTARY_TASK_MAX_ATTEMPTS', 3, 1, 20),
      retryBaseDelayMs: readNumber(env, 'TRIBUTARY_RETRY_BASE_DELAY_MS', 2_000, 0, 3_600_000),
      taskTimeoutMs: readNumber(env, 'TRIBUTARY_TASK_TIMEOUT_MS', 3_600_000, 1, 86_400_000),
      taskConcurrency: readNumber(env, 'TRIBUTARY_TASK_CONCURRENCY', 2, 1, 64),
    },
    api: {
      adminRateLimit: readNumber(env, 'TRIBUTARY_ADMIN_RATE_LIMIT', 10_000, 1, 10_000_000),
      bodyLimitBytes: readNumber(env, 'TRIBUTARY_BODY_LIMIT_BYTES', 1_048_576, 1024, 104_857_600),
    },
    logLevel: env.TRIBUTARY_LOG_LEVEL ?? 'info',
    consoleDir: resolve(env.TRIBUTARY_CONSOLE_DIR ?? builtConsoleDir),
  };
  return Object.freeze(config);
}
