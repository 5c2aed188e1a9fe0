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
  /**
   * The state database: unset for the embedded SQLite file in `dataDir`, or a `postgres://` url
   * shared by several processes (the scale-out state plane).
   */
  stateUrl: string | undefined;
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
  /**
   * Retention of `SegmentMembershipDelta` rows, applied at each evaluation of a segment: the deltas
   * of its last `deltaKeepEvaluations` evaluations and of the last `deltaKeepDays` days are kept
   * (a row outside either limit goes; 0 turns a limit off). Member counts in the metric history stay.
   */
  segments: { deltaKeepEvaluations: number; deltaKeepDays: number };
  delivery: {
    allowPrivateTargets: boolean;
    allowHttpHosts: string[];
    /** Delay before each attempt of a series; [0] is the first (immediately). */
    retryScheduleMs: number[];
    retryAfterCapMs: number;
    connectTimeoutMs: number;
    timeoutMs: number;
    disableAfterMs: number;
    hostConcurrency: number;
    concurrency: number;
    pollIntervalMs: number;
    /** This process's claims in the outbox; each process sharing one state database needs its own. */
    workerId: string;
    /** How long a claim holds; longer than `timeoutMs` (a send needs the whole attempt covered). */
    leaseMs: number;
    /** Messages per second for specific hosts; Slack's incoming webhooks allow one. */
    hostRates: Record<string, number>;
  };
  logLevel: string;
  /** The built console served at `/` (index.html and hashed assets). */
  consoleDir: string;
  /** How users reach this server (links in flow messages); default `http://<host>:<port>`. */
  publicUrl: string;
  /** The SMTP server of the flows' email action; `host` undefined: email is not configured. */
  smtp: SmtpConfig;
}

export interface SmtpConfig {
  host: string | undefined;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  /** Refuse to send unless STARTTLS succeeds. */
  requireTls: boolean;
  user: string | undefined;
  password: string | undefined;
  /** The sender, e.g. `Tributary <tributary@example.com>`. */
  from: string;
  /** Check the server's certificate (turn off only for a test server with a self-signed one). */
  rejectUnauthorized: boolean;
  timeoutMs: number;
}

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

const defaultRetryScheduleMs = [
  0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
];

function readBoolean(env: Env, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function readList(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
}

/** `0,5000,300000`: milliseconds before each attempt of a delivery series. */
function readSchedule(env: Env, name: string): number[] {
  const raw = env[name];
  if (raw === undefined || raw === '') return defaultRetryScheduleMs;
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isFinite(n) || n < 0)) {
    throw new ConfigError(`${name} must be comma-separated milliseconds, got "${raw}"`);
  }
  return list;
}

/** `hooks.slack.com=1,api.example.com:8443=5`: messages per second per host. */
function readRates(env: Env, name: string): Record<string, number> {
  const rates: Record<string, number> = { 'hooks.slack.com': 1 };
  for (const item of readList(env, name)) {
    const [host, value] = item.split('=');
    const n = Number(value);
    if (!host || !Number.isFinite(n) || n <= 0) {
      throw new ConfigError(`${name} must look like "host=perSecond,…", got "${item}"`);
    }
    rates[host] = n;
  }
  return rates;
}

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const n = readNumber(env, name, fallback, min, max);
  if (!Number.isInteger(n)) throw new ConfigError(`${name} must be an integer, got "${env[name]}"`);
  return n;
}

function readNumber(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a number between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

function readStateUrl(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^postgres(ql)?:\/\//.test(raw)) {
    throw new ConfigError(`${name} must be a postgres:// url (or unset for SQLite)`);
  }
  return raw;
}

function readWorkerId(env: Env, name: string): string {
  const raw = env[name] ?? 'embedded';
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(raw)) {
    throw new ConfigError(`${name} must be 1-100 letters, digits or . _ : -, got "${raw}"`);
  }
  return raw;
}

function readSmtp(env: Env): SmtpConfig {
  const secure = readBoolean(env, 'TRIBUTARY_SMTP_SECURE');
  const host = env.TRIBUTARY_SMTP_HOST || undefined;
  const from = env.TRIBUTARY_SMTP_FROM || 'Tributary <tributary@localhost>';
  if (!/<?[^@\s<>]+@[^@\s<>]+>?\s*$/.test(from)) {
    throw new ConfigError(`TRIBUTARY_SMTP_FROM must be an address, got "${from}"`);
  }
  return {
    host,
    port: readNumber(env, 'TRIBUTARY_SMTP_PORT', secure ? 465 : 587, 1, 65535),
    secure,
    requireTls: readBoolean(env, 'TRIBUTARY_SMTP_REQUIRE_TLS'),
    user: env.TRIBUTARY_SMTP_USER || undefined,
    password: env.TRIBUTARY_SMTP_PASSWORD || undefined,
    from,
    rejectUnauthorized: env.TRIBUTARY_SMTP_TLS_REJECT_UNAUTHORIZED !== 'false',
    timeoutMs: readNumber(env, 'TRIBUTARY_SMTP_TIMEOUT_MS', 15_000, 100, 300_000),
  };
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
  const deliveryTimeoutMs = readNumber(env, 'TRIBUTARY_DELIVERY_TIMEOUT_MS', 15_000, 1, 300_000);
  const config: Config = {
    dataDir: resolve(overrides.dataDir ?? env.TRIBUTARY_DATA_DIR ?? '.tributary'),
    stateUrl: readStateUrl(env, 'TRIBUTARY_STATE_URL'),
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
    segments: {
      deltaKeepEvaluations: readInteger(
        env,
        'TRIBUTARY_SEGMENT_DELTA_EVALUATIONS',
        30,
        0,
        1_000_000,
      ),
      deltaKeepDays: readInteger(env, 'TRIBUTARY_SEGMENT_DELTA_DAYS', 0, 0, 100_000),
    },
    delivery: {
      allowPrivateTargets: readBoolean(env, 'TRIBUTARY_ALLOW_PRIVATE_TARGETS'),
      allowHttpHosts: readList(env, 'TRIBUTARY_ALLOW_HTTP_HOSTS'),
      retryScheduleMs: readSchedule(env, 'TRIBUTARY_DELIVERY_RETRY_SCHEDULE_MS'),
      retryAfterCapMs: readNumber(
        env,
        'TRIBUTARY_DELIVERY_RETRY_AFTER_CAP_MS',
        36_000_000,
        0,
        86_400_000,
      ),
      connectTimeoutMs: readNumber(env, 'TRIBUTARY_DELIVERY_CONNECT_TIMEOUT_MS', 5_000, 1, 60_000),
      timeoutMs: deliveryTimeoutMs,
      disableAfterMs: readNumber(
        env,
        'TRIBUTARY_DELIVERY_DISABLE_AFTER_MS',
        5 * 86_400_000,
        1,
        365 * 86_400_000,
      ),
      hostConcurrency: readNumber(env, 'TRIBUTARY_DELIVERY_HOST_CONCURRENCY', 16, 1, 1024),
      concurrency: readNumber(env, 'TRIBUTARY_DELIVERY_CONCURRENCY', 128, 1, 4096),
      pollIntervalMs: readNumber(env, 'TRIBUTARY_DELIVERY_POLL_MS', 1_000, 1, 60_000),
      hostRates: readRates(env, 'TRIBUTARY_DELIVERY_HOST_RATES'),
      workerId: readWorkerId(env, 'TRIBUTARY_DELIVERY_WORKER_ID'),
      leaseMs: readNumber(
        env,
        'TRIBUTARY_DELIVERY_LEASE_MS',
        deliveryTimeoutMs + 60_000,
        deliveryTimeoutMs + 1,
        86_400_000,
      ),
    },
    logLevel: env.TRIBUTARY_LOG_LEVEL ?? 'info',
    consoleDir: resolve(env.TRIBUTARY_CONSOLE_DIR ?? builtConsoleDir),
    publicUrl: '',
    smtp: readSmtp(env),
  };
  config.publicUrl = (env.TRIBUTARY_PUBLIC_URL || `http://${config.host}:${config.port}`).replace(
    /\/+$/,
    '',
  );
  return Object.freeze(config);
}
