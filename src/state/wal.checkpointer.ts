/**
 * WAL checkpoints off the event loop. Left to itself, SQLite checkpoints inside the commit that takes
 * the WAL past 1,000 pages: it copies them into the database file and fsyncs it, several ms during
 * which the event loop (the delivery worker's sends, the API) waits. Here a worker thread with its
 * own connection runs a PASSIVE checkpoint every `intervalMs` (it never blocks the writer or the
 * readers, and once it has copied every frame the next write starts the WAL over), and the main
 * connection's own checkpoint is pushed out to `backstopPages`, reached only if the thread falls
 * behind or has died.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Sqlite from 'better-sqlite3';

export interface WalCheckpointOptions {
  intervalMs: number;
  backstopPages: number;
}

export const defaultWalCheckpoint: WalCheckpointOptions = {
  intervalMs: 100,
  backstopPages: 10_000,
};

// CommonJS, evaluated in the worker: the driver is loaded by the path the main thread resolved.
const checkpointerCode = `
const { parentPort, workerData } = require('node:worker_threads');
const Sqlite = require(workerData.driver);
const db = new Sqlite(workerData.file);
db.pragma('busy_timeout = 5000');
const checkpoint = () => {
  try { return db.pragma('wal_checkpoint(PASSIVE)')[0]; } catch (e) { return { error: String(e) }; }
};
setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => parentPort.postMessage(checkpoint()));
`;

/** SQLite's answer to a checkpoint: WAL frames in all and frames now copied into the database. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

export interface WalCheckpointer {
  /** Runs a checkpoint now, on the thread (the periodic ones need no call). */
  checkpointNow(): Promise<CheckpointResult | { error: string }>;
  /** Ends the thread (its connection closes with it). */
  stop(): Promise<void>;
}

/** Starts checkpointing `file` (open on `main`, in WAL mode) from a worker thread. */
export function startWalCheckpointer(
  main: Sqlite.Database,
  file: string,
  opts: WalCheckpointOptions = defaultWalCheckpoint,
): WalCheckpointer {
  main.pragma(`wal_autocheckpoint = ${opts.backstopPages}`);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(checkpointerCode, {
    eval: true,
    workerData: { driver, file, intervalMs: opts.intervalMs },
  });
  // A thread that fails only costs the main connection its checkpoints back (the backstop).
  worker.on('error', () => main.pragma('wal_autocheckpoint = 1000'));
  worker.unref();
  return {
    checkpointNow: () =>
      new Promise((resolve) => {
        worker.once('message', resolve);
        worker.postMessage('now');
      }),
    stop: async () => {
      await worker.terminate();
    },
  };
}
