import type { JobRow, NewEvent, TaskRow } from '../state/index.js';

/**
 * Events caused by a task or job reaching a final status. The engine writes them in the same state
 * transaction as that status, so a crash can neither lose an event nor record the status without it.
 * Implemented by the triggers domain; the engine knows nothing of event types.
 */
export interface RefreshOutbox {
  /** `task` carries its final status; `job` is the job it belongs to (still running). */
  taskEnded(job: JobRow, task: TaskRow): Promise<NewEvent[]>;
  /** `job` carries its final status and end time. */
  jobEnded(job: JobRow, tasks: TaskRow[]): Promise<NewEvent[]>;
  /** Called after a write that appended events (wakes the delivery worker). */
  committed(): void;
}
