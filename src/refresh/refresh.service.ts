/**
 * Jobs per instance, one at a time: a request while a job runs is queued, and a request while one
 * is already queued is coalesced into it (its scope becomes the union). Cancel works on queued and
 * running jobs. After a restart, jobs that were running are failed (their work was lost with the
 * process) and queued ones run.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, err, makeError, ok, type Result } from '../errors/index.js';
import {
  finalStatuses,
  type JobRow,
  type JobStatus,
  type StateStore,
  type SubmissionKind,
  type TaskRow,
} from '../state/index.js';
import { planTasks, orderKinds, type JobScope } from './job.planner.js';
import { runJob, type JobListener, type RunnerOptions } from './job.runner.js';
import type { RefreshOutbox } from './refresh.outbox.js';
import type { TaskKind } from './task.kind.js';

export interface SubmitRequest {
  instance: string;
  submissionKind: SubmissionKind;
  /** Source names for a scoped job; omitted or empty means every source (a full job). */
  identifiers?: string[];
  /** `all` runs the whole DAG; `ingestion` runs only the ingest tasks. */
  operationType?: 'all' | 'ingestion';
}

export interface SubmitResponse {
  jobId: string;
  status: JobStatus;
  coalesced: boolean;
}

export interface RefreshDeps {
  state: StateStore;
  kinds: TaskKind[];
  options: RunnerOptions;
  now: () => Date;
  listener?: JobListener;
  onJobEnded?: (job: JobRow, tasks: TaskRow[]) => void;
  /** Events caused by task and job ends, written with the status that causes them. */
  outbox?: RefreshOutbox;
}

interface InstanceQueue {
  pending: string[];
  running: { jobId: string; controller: AbortController } | undefined;
}

export class RefreshService {
  private readonly queues = new Map<string, InstanceQueue>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly waiters = new Map<string, ((job: JobRow) => void)[]>();
  private readonly kinds: TaskKind[];
  private readonly idle = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: RefreshDeps) {
    this.kinds = orderKinds(deps.kinds);
  }

  /** Fails jobs left running by a previous process and re-queues the queued ones. */
  async recover(): Promise<void> {
    for (const job of await this.deps.state.listUnfinishedJobs()) {
      if (job.status === 'queued') {
        this.queueOf(job.instance).pending.push(job.id);
        this.pump(job.instance);
        continue;
      }
      const at = this.deps.now().toISOString();
      const tasks = await this.deps.state.listTasks(job.id);
      for (const t of tasks) {
        if (finalStatuses.has(t.status)) continue;
        await this.endTask(job, t, {
          status: 'failed',
          endedAt: at,
          error: {
            code: ErrorCode.internal,
            message: 'the server stopped while this task was pending',
          },
        });
      }
      await this.endJob({ ...job, status: 'failed', endedAt: at }, tasks);
    }
  }

  /**
   * Submissions and job starts of one instance run one at a time, so a coalesce can never rewrite
   * the tasks of a job that has already started reading them.
   */
  submit(req: SubmitRequest): Promise<Result<SubmitResponse>> {
    return this.serialize(req.instance, () => this.submitNow(req));
  }

  private serialize<T>(instance: string, work: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(instance) ?? Promise.resolve();
    const next = prev.then(work, work);
    this.locks.set(
      instance,
      next.catch(() => undefined),
    );
    return next;
  }

  private async submitNow(req: SubmitRequest): Promise<Result<SubmitResponse>> {
    const sources = (await this.deps.state.listSources(req.instance)).map((s) => s.name);
    const identifiers = [...new Set(req.identifiers ?? [])];
    const unknown = identifiers.filter((i) => !sources.includes(i));
    if (unknown.length > 0) {
      return err(
        makeError(
          ErrorCode.validation,
          'user',
          `unknown data source "${unknown[0]}"; known: ${sources.join(', ') || 'none'}`,
          'identifiers',
        ),
      );
    }
    const includeDownstream = (req.operationType ?? 'all') === 'all';
    const queue = this.queueOf(req.instance);
    const queuedId = queue.pending.at(-1);
    const queued = queuedId === undefined ? undefined : await this.deps.state.getJob(queuedId);
    if (queued && queued.status === 'queued' && queued.submissionKind === req.submissionKind) {
      // Coalesce: the waiting job will pick up the union of both scopes.
      const full = queued.jobType === 'full' || identifiers.length === 0;
      const union = full ? [] : [...new Set([...queued.identifiers, ...identifiers])];
      const hadDownstream = (await this.deps.state.listTasks(queued.id)).some(
        (t) => this.kinds.find((k) => k.kind === t.kind)?.downstream === true,
      );
      const scope: JobScope = {
        sources: full ? sources : union,
        includeDownstream: includeDownstream || hadDownstream,
      };
      await this.deps.state.replaceTasks(
        queued.id,
        await planTasks(this.kinds, queued.id, req.instance, scope),
      );
      await this.deps.state.updateJob(queued.id, {
        identifiers: union,
        jobType: full ? 'full' : 'scoped',
      });
      return ok({ jobId: queued.id, status: 'queued', coalesced: true });
    }
    const job: JobRow = {
      id: randomUUID(),
      instance: req.instance,
      status: 'queued',
      submissionKind: req.submissionKind,
      jobType: identifiers.length === 0 ? 'full' : 'scoped',
      identifiers,
      createdAt: this.deps.now().toISOString(),
      startedAt: null,
      endedAt: null,
      cancelRequested: false,
    };
    const scope: JobScope = {
      sources: identifiers.length === 0 ? sources : identifiers,
      includeDownstream,
    };
    await this.deps.state.createJob(job, await planTasks(this.kinds, job.id, req.instance, scope));
    queue.pending.push(job.id);
    this.pump(req.instance);
    return ok({ jobId: job.id, status: 'queued', coalesced: false });
  }

  async cancel(jobId: string): Promise<Result<JobRow>> {
    const job = await this.deps.state.getJob(jobId);
    if (!job) return err(makeError(ErrorCode.notFound, 'notFound', `no job "${jobId}"`, 'jobId'));
    if (finalStatuses.has(job.status)) {
      return err(
        makeError(ErrorCode.conflict, 'conflict', `job ${jobId} already ended ${job.status}`),
      );
    }
    await this.deps.state.updateJob(jobId, { cancelRequested: true });
    const queue = this.queueOf(job.instance);
    if (queue.running?.jobId === jobId) {
      queue.running.controller.abort(new Error('canceled'));
    } else {
      queue.pending = queue.pending.filter((id) => id !== jobId);
      await this.finish(job, 'canceled', await this.cancelTasks(job));
    }
    return ok((await this.deps.state.getJob(jobId))!);
  }

  /** Resolves when the job reaches a final status. */
  async waitFor(jobId: string): Promise<JobRow | undefined> {
    // Register before reading, so a job that ends during the read still resolves this waiter.
    let waiter: ((job: JobRow) => void) | undefined;
    const ended = new Promise<JobRow>((resolve) => {
      waiter = resolve;
      this.waiters.set(jobId, [...(this.waiters.get(jobId) ?? []), resolve]);
    });
    const job = await this.deps.state.getJob(jobId);
    if (!job || finalStatuses.has(job.status)) {
      const rest = (this.waiters.get(jobId) ?? []).filter((w) => w !== waiter);
      if (rest.length > 0) this.waiters.set(jobId, rest);
      else this.waiters.delete(jobId);
      return job;
    }
    return ended;
  }

  /** Stops taking new work, cancels running jobs and waits for them to settle. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const q of this.queues.values()) {
      q.pending = [];
      q.running?.controller.abort(new Error('server stopping'));
    }
    await Promise.all([...this.idle]);
  }

  private queueOf(instance: string): InstanceQueue {
    let q = this.queues.get(instance);
    if (!q) {
      q = { pending: [], running: undefined };
      this.queues.set(instance, q);
    }
    return q;
  }

  private pump(instance: string): void {
    const q = this.queueOf(instance);
    if (q.running || this.stopped) return;
    const jobId = q.pending.shift();
    if (jobId === undefined) return;
    const controller = new AbortController();
    q.running = { jobId, controller };
    const done = this.execute(instance, jobId, controller).finally(() => {
      q.running = undefined;
      this.idle.delete(done);
      this.pump(instance);
    });
    this.idle.add(done);
  }

  private async execute(
    instance: string,
    jobId: string,
    controller: AbortController,
  ): Promise<void> {
    const started = await this.serialize(instance, async () => {
      const job = await this.deps.state.getJob(jobId);
      if (!job || job.status !== 'queued') return undefined;
      const running: JobRow = {
        ...job,
        status: 'running',
        startedAt: this.deps.now().toISOString(),
      };
      await this.deps.state.updateJob(jobId, {
        status: running.status,
        startedAt: running.startedAt,
      });
      return { job: running, tasks: await this.deps.state.listTasks(jobId) };
    });
    if (!started) return;
    const { job, tasks } = started;
    const status = await runJob({
      instance,
      jobId,
      job,
      outbox: this.deps.outbox,
      tasks,
      kinds: new Map(this.kinds.map((k) => [k.kind, k])),
      state: this.deps.state,
      options: this.deps.options,
      now: this.deps.now,
      cancel: controller.signal,
      listener: this.deps.listener ?? {},
    });
    await this.finish(job, status, tasks);
  }

  private async cancelTasks(job: JobRow): Promise<TaskRow[]> {
    const tasks = await this.deps.state.listTasks(job.id);
    const at = this.deps.now().toISOString();
    for (const t of tasks) {
      if (finalStatuses.has(t.status)) continue;
      await this.endTask(job, t, { status: 'canceled', endedAt: at });
    }
    return tasks;
  }

  /** Writes a task's final status with the events it causes (one transaction). */
  private async endTask(job: JobRow, t: TaskRow, patch: Partial<TaskRow>): Promise<void> {
    Object.assign(t, patch);
    const events = (await this.deps.outbox?.taskEnded(job, t)) ?? [];
    await this.deps.state.updateTask(t.id, patch, events);
    if (events.length > 0) this.deps.outbox?.committed();
  }

  /** Writes a job's final status and end time with the events it causes (one transaction). */
  private async endJob(ended: JobRow, tasks: TaskRow[]): Promise<void> {
    const events = (await this.deps.outbox?.jobEnded(ended, tasks)) ?? [];
    await this.deps.state.updateJob(
      ended.id,
      { status: ended.status, endedAt: ended.endedAt },
      events,
    );
    if (events.length > 0) this.deps.outbox?.committed();
  }

  private async finish(job: JobRow, status: JobStatus, tasks: TaskRow[]): Promise<void> {
    await this.endJob({ ...job, status, endedAt: this.deps.now().toISOString() }, tasks);
    const ended = (await this.deps.state.getJob(job.id))!;
    this.deps.onJobEnded?.(ended, tasks);
    for (const resolve of this.waiters.get(job.id) ?? []) resolve(ended);
    this.waiters.delete(job.id);
  }
}
