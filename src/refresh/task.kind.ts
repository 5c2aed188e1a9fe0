/**
 * A task kind is one sort of DAG node. Adding a stage to the pipeline (match, merge, segments,
 * measures, exports) is adding one TaskKind to the list given to the refresh service: it says which
 * kinds it runs after, which targets it has in a job, and how to run one target.
 */
import type { AppError } from '../errors/index.js';

export interface PlanContext {
  instance: string;
  /** Source names in this job's scope (every source for a full job). */
  sources: string[];
}

export interface TaskRunContext {
  instance: string;
  jobId: string;
  taskId: string;
  target: string | null;
  attempt: number;
  /** Aborted on job cancel or task timeout; long work must pass it down (it interrupts DuckDB). */
  signal: AbortSignal;
  now: () => Date;
  onProgress: (p: { rows: number; table?: string }) => void;
}

export interface TaskFigures {
  rowsRead?: number;
  rowsRejected?: number;
  details?: Record<string, unknown>;
}

export type TaskResult =
  | ({ ok: true; warnings: boolean; skipped?: boolean } & TaskFigures)
  | ({ ok: false; error: AppError } & TaskFigures);

/** A task of the same job, by kind and target. */
export interface TaskRef {
  kind: string;
  target: string | null;
}

/**
 * One planned target. The object form adds edges to particular tasks of the job (a segment waits
 * for the segments it reads); refs to tasks the job does not have are ignored, and refs must not
 * form a cycle (the kind's own validation rejects cycles before they reach the planner).
 */
export type PlannedTarget = string | null | { target: string | null; after: TaskRef[] };

export interface TaskKind {
  kind: string;
  /** Kinds whose tasks (in the same job) must all end before this kind's tasks start. */
  after: string[];
  /** True when the kind only runs in jobs that include processing, not `operationType=ingestion`. */
  downstream: boolean;
  /** Targets of this kind in a job; `null` is the single target of a whole-instance step. */
  plan(ctx: PlanContext): Promise<PlannedTarget[]>;
  run(ctx: TaskRunContext): Promise<TaskResult>;
}
