/**
 * WAL checkpoints off the event loop. Left to itself, SQLite checkpoints inside the commit that takes
 * the WAL past 1,000 pages: it copies them into the database file and fsyncs it, several ms during
 * which the event loop (the delivery worker's sends, the API) waits. Here a worker thread with its
 * own connection runs a PASSIVE checkpoint every `intervalMs` (it never blocks the writer or the
 * readers), and the main connection's own checkpoint is pushed out to `backstopPages`.
 *
 * The WAL starts over at the first write after a checkpoint that copied every frame. Under a steady
 * stream of commits (hundreds a second) a commit lands during nearly every round, so the WAL keeps
 * growing until the backstop: the main connection then checkpoints once (the frames left to copy
 * are few, the fsync is the cost) and the WAL starts over; one stall per 10,000 pages instead of one
 * per 1,000. The backstop also covers a thread that has died.
 */
import { createRequire } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import { Worker } from 'node:worker_threads';
import type Sqlite from 'better-sqlite3';

export interface WalCheckpointOptions {
  intervalMs: number;
  backstopPages: number;
}

const defaultWalCheckpoint: WalCheckpointOptions = {
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
parentPort.on('message', () => parentPort.postMessage({ checkpoint: checkpoint() }));
checkpoint(); // opens the connection's view of the WAL before the thread reports ready
parentPort.postMessage({ ready: true });
`;

type FromThread = { ready: true } | { checkpoint: CheckpointResult | { error: string } };

/** SQLite's answer to a checkpoint: WAL frames in all and frames now copied into the database. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

export interface WalCheckpointer {
  /**
   * Settles once the thread has its connection open (or has failed: the backstop then checkpoints),
   * so that a close that follows finds both connections and closes the thread's first.
   */
  ready: Promise<void>;
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
    workerData: { driver, file: resolvePath(file), intervalMs: opts.intervalMs },
  });
  // A thread that fails gives the main connection its own checkpoints back (unless it is closed).
  worker.on('error', () => {
    if (main.open) main.pragma('wal_autocheckpoint = 1000');
  });
  worker.unref();
  const ready = new Promise<void>((resolve) => {
    worker.once('exit', () => resolve());
    const onReady = (m: FromThread) => {
      if (!('ready' in m)) return;
      worker.off('message', onReady);
      resolve();
    };
    worker.on('message', onReady);
  });
  return {
    ready,
    checkpointNow: () =>
      new Promise((resolve) => {
        const exited = () => resolve({ error: 'checkpoint thread has exited' });
        const onReply = (m: FromThread) => {
          if (!('checkpoint' in m)) return;
          worker.off('message', onReply);
          worker.off('exit', exited);
          resolve(m.checkpoint);
        };
        worker.once('exit', exited);
        worker.on('message', onReply);
        worker.postMessage('now');
      }),
    stop: async () => {
      await worker.terminate();
    },
  };
}
