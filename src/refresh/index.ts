export {
  RefreshService,
  type SubmitRequest,
  type SubmitResponse,
  type RefreshDeps,
} from './refresh.service.js';
export { Scheduler } from './scheduler.js';
export {
  ScheduleBody,
  validateSchedule,
  nextRunAfter,
  nextRuns,
  saveSchedule,
} from './schedule.js';
export { createIngestTaskKind, type IngestTaskDeps } from './ingest.task.js';
export type {
  TaskKind,
  TaskResult,
  TaskRunContext,
  PlanContext,
  PlannedTarget,
  TaskRef,
} from './task.kind.js';
export { planTasks } from './job.planner.js';
export type { JobListener, RunnerOptions } from './job.runner.js';
export type { RefreshOutbox } from './refresh.outbox.js';
