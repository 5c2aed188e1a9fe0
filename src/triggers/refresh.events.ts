/**
 * The refresh engine's outbox hook: which task and job ends are events (design §6.1), and their data.
 * - ingest ends `failed` → datasource.refresh.failed; `successful`/`completedWithWarnings` →
 *   datasource.refresh.succeeded (`failedRetrying` is not an end, `canceled` fires nothing);
 * - merge ends `successful`/`completedWithWarnings` → unification.completed;
 * - a scheduled full job ends (any final status) → refresh.scheduled.completed.
 */
import type { RefreshOutbox } from '../refresh/index.js';
import type { JobRow, NewEvent, StateStore, TaskRow } from '../state/index.js';
import { newEventId, type EventType } from './event.catalog.js';

export interface RefreshEventsDeps {
  state: StateStore;
  /** Wakes the delivery worker after events were committed. */
  notify: () => void;
}

function durationMs(a: string | null, b: string | null): number | null {
  return a && b ? Date.parse(b) - Date.parse(a) : null;
}

function count(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Table names: the ones the ingest reported, else the source definition's. */
function tablesOf(task: TaskRow, definition: unknown): string[] {
  const reported = task.details?.tables;
  const list: unknown[] = Array.isArray(reported)
    ? reported
    : ((definition as { tables?: unknown[] } | null)?.tables ?? []);
  return list
    .map((t) => (t as { table?: unknown; name?: unknown } | null) ?? {})
    .map((t) => (typeof t.table === 'string' ? t.table : t.name))
    .filter((n): n is string => typeof n === 'string');
}

function event(job: JobRow, type: EventType, at: string, data: Record<string, unknown>): NewEvent {
  return { id: newEventId(at), instance: job.instance, type, occurredAt: at, data };
}

export function createRefreshEvents(deps: RefreshEventsDeps): RefreshOutbox {
  return {
    async taskEnded(job, task) {
      const at = task.endedAt ?? job.startedAt ?? job.createdAt;
      const ok = task.status === 'successful' || task.status === 'completedWithWarnings';
      if (task.kind === 'ingest' && task.target !== null && (ok || task.status === 'failed')) {
        const source = await deps.state.getSource(job.instance, task.target);
        const type = ok ? 'datasource.refresh.succeeded' : 'datasource.refresh.failed';
        const ev = event(job, type, at, {
          source: task.target,
          tables: tablesOf(task, source?.definition ?? null),
          jobId: job.id,
          submissionKind: job.submissionKind,
          status: task.status,
          attempts: task.attempts,
          rowsRead: task.rowsRead,
          rowsRejected: task.rowsRejected,
          error: task.error,
          startedAt: task.startedAt,
          endedAt: task.endedAt,
          owners: source?.owners ?? [],
        });
        return [{ ...ev, source: task.target }];
      }
      if (task.kind === 'merge' && ok) {
        const p = (task.details?.profiles ?? {}) as Record<string, unknown>;
        return [
          event(job, 'unification.completed', at, {
            jobId: job.id,
            status: task.status,
            submissionKind: job.submissionKind,
            endedAt: task.endedAt,
            profiles: {
              total: count(p.total),
              created: count(p.created),
              kept: count(p.kept),
              merged: count(p.merged),
              split: count(p.split),
            },
          }),
        ];
      }
      return [];
    },
    jobEnded(job, tasks) {
      if (job.submissionKind !== 'scheduled' || job.jobType !== 'full') return Promise.resolve([]);
      const at = job.endedAt ?? job.createdAt;
      return Promise.resolve([
        event(job, 'refresh.scheduled.completed', at, {
          jobId: job.id,
          status: job.status,
          jobType: job.jobType,
          startedAt: job.startedAt,
          endedAt: job.endedAt,
          durationMs: durationMs(job.startedAt, job.endedAt),
          tasks: tasks.map((t) => ({
            kind: t.kind,
            target: t.target,
            status: t.status,
            attempts: t.attempts,
            durationMs: durationMs(t.startedAt, t.endedAt),
            error: t.error,
          })),
        }),
      ]);
    },
    committed: () => deps.notify(),
  };
}
