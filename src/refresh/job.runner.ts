/**
 * Runs one job's DAG to the end: ready tasks start (up to the concurrency limit), transient failures
 * retry with exponential backoff, timeouts and user errors fail at once, and a task whose upstream
 * did not succeed is `skipped` while the rest of the DAG still runs.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ErrorCode, describeUnknown, makeError, type AppError } from '../errors/index.js';
import {
  finalStatuses,
  type JobRow,
  type JobStatus,
  type StateStore,
  type TaskRow,
  type TaskStatus,
} from '../state/index.js';
import type { RefreshOutbox } from './refresh.outbox.js';
import type { TaskKind, TaskResult } from './task.kind.js';

export interface RunnerOptions {
  maxAttempts: number;
  retryBaseDelayMs: number;
  taskTimeoutMs: number;
  taskConcurrency: number;
}

export interface JobListener {
  onTaskEnded?(instance: string, jobId: string, task: TaskRow): void;
  onTaskProgress?(jobId: string, taskId: string, p: { rows: number; table?: string }): void;
}

interface RunJobInput {
  instance: string;
  jobId: string;
  job: JobRow;
  outbox: RefreshOutbox | undefined;
  tasks: TaskRow[];
  kinds: Map<string, TaskKind>;
  state: StateStore;
  options: RunnerOptions;
  now: () => Date;
  cancel: AbortSignal;
  listener: JobListener;
}

const okStatuses: ReadonlySet<TaskStatus> = new Set(['successful', 'completedWithWarnings']);

class TaskTimeout extends Error {}

/** Runs `fn` with a signal aborted on job cancel or after `ms`; a timeout wins even if `fn` hangs. */
async function runWithTimeout(
  fn: (s: AbortSignal) => Promise<TaskResult>,
  ms: number,
  cancel: AbortSignal,
): Promise<TaskResult> {
  const controller = new AbortController();
  const onCancel = (): void => controller.abort(cancel.reason);
  cancel.addEventListener('abort', onCancel, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new TaskTimeout());
      reject(new TaskTimeout());
    }, ms);
  });
  try {
    return await Promise.race([fn(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
    cancel.removeEventListener('abort', onCancel);
  }
}

export async function runJob(input: RunJobInput): Promise<JobStatus> {
  const { state, now, tasks } = input;
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const running = new Map<string, Promise<void>>();

  const patch = async (t: TaskRow, p: Partial<TaskRow>): Promise<void> => {
    Object.assign(t, p);
    const ended = finalStatuses.has(t.status);
    const events = ended && input.outbox ? await input.outbox.taskEnded(input.job, t) : [];
    await state.updateTask(t.id, p, events);
    if (events.length > 0) input.outbox?.committed();
    if (ended) input.listener.onTaskEnded?.(input.instance, input.jobId, t);
  };

  const runTask = async (t: TaskRow): Promise<void> => {
    const kind = input.kinds.get(t.kind);
    for (let attempt = t.attempts + 1; ; attempt++) {
      if (input.cancel.aborted)
        return patch(t, { status: 'canceled', endedAt: now().toISOString() });
      await patch(t, {
        status: 'running',
        attempts: attempt,
        startedAt: t.startedAt ?? now().toISOString(),
        error: null,
      });
      let result: TaskResult;
      try {
        if (!kind) throw new Error(`no task kind "${t.kind}" is registered`);
        result = await runWithTimeout(
          (signal) =>
            kind.run({
              instance: input.instance,
              jobId: input.jobId,
              taskId: t.id,
              target: t.target,
              attempt,
              signal,
              now,
              onProgress: (p) => input.listener.onTaskProgress?.(input.jobId, t.id, p),
            }),
          input.options.taskTimeoutMs,
          input.cancel,
        );
      } catch (e) {
        const error: AppError =
          e instanceof TaskTimeout
            ? makeError(
                ErrorCode.taskTimeout,
                'timeout',
                `task timed out after ${input.options.taskTimeoutMs} ms`,
              )
            : makeError(ErrorCode.internal, 'unexpected', describeUnknown(e));
        result = { ok: false, error };
      }
      const figures = {
        rowsRead: result.rowsRead ?? null,
        rowsRejected: result.rowsRejected ?? null,
        details: result.details ?? null,
      };
      if (result.ok) {
        const status: TaskStatus = result.skipped
          ? 'skipped'
          : result.warnings
            ? 'completedWithWarnings'
            : 'successful';
        return patch(t, { ...figures, status, endedAt: now().toISOString() });
      }
      if (input.cancel.aborted) {
        return patch(t, {
          ...figures,
          status: 'canceled',
          endedAt: now().toISOString(),
          error: { code: ErrorCode.canceled, message: 'the job was canceled' },
        });
      }
      const error = { code: result.error.code, message: result.error.message };
      const retryable = result.error.fault === 'transient' || result.error.fault === 'unexpected';
      if (!retryable || attempt >= input.options.maxAttempts) {
        return patch(t, { ...figures, status: 'failed', endedAt: now().toISOString(), error });
      }
      await patch(t, { ...figures, status: 'failedRetrying', error });
      const backoff = input.options.retryBaseDelayMs * 2 ** (attempt - 1);
      await delay(backoff, undefined, { signal: input.cancel }).catch(() => undefined);
    }
  };

  for (;;) {
    for (const t of tasks) {
      if (t.status !== 'queued' || running.has(t.id)) continue;
      const deps = t.dependsOn.map((id) => byId.get(id)!);
      if (input.cancel.aborted) {
        await patch(t, { status: 'canceled', endedAt: now().toISOString() });
        continue;
      }
      const upstream = deps.find((d) => finalStatuses.has(d.status) && !okStatuses.has(d.status));
      if (upstream) {
        await patch(t, {
          status: 'skipped',
          endedAt: now().toISOString(),
          error: {
            code: ErrorCode.upstream,
            message: `upstream task ${upstream.kind}${upstream.target ? `(${upstream.target})` : ''} ended ${upstream.status}`,
          },
        });
        continue;
      }
      if (!deps.every((d) => okStatuses.has(d.status))) continue;
      if (running.size >= input.options.taskConcurrency) continue;
      const p = runTask(t).finally(() => running.delete(t.id));
      running.set(t.id, p);
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  return summarizeJob(tasks, input.cancel.aborted);
}

/** The job's status from its tasks: canceled wins, then failed, then warnings (or skips). */
export function summarizeJob(tasks: TaskRow[], canceled: boolean): JobStatus {
  if (canceled) return 'canceled';
  if (tasks.some((t) => t.status === 'failed')) return 'failed';
  if (
    tasks.some(
      (t) => t.status === 'completedWithWarnings' || (t.status === 'skipped' && t.error !== null),
    )
  ) {
    return 'completedWithWarnings';
  }
  return 'successful';
}
