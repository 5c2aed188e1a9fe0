/**
 * The refresh engine (RefreshService + job runner) over a real SQLite store, with scripted task
 * kinds: each `ingest(target)` / `match` / `segment(target)` run takes the next step of its script.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ErrorCode, makeError } from '../src/errors/index.js';
import { RefreshService, type RunnerOptions, type SubmitRequest } from '../src/refresh/index.js';
import type { TaskKind, TaskResult } from '../src/refresh/index.js';
import { openSqliteState, type JobRow, type StateStore } from '../src/state/index.js';
import type { TaskRow, TaskStatus } from '../src/state/index.js';
import { job as jobRow, task as taskRow } from './state.contract.js';

type Step = 'ok' | 'warn' | 'user' | 'transient' | 'throw' | 'hang' | 'stuck' | Promise<void>;

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const results: Record<'ok' | 'warn' | 'user' | 'transient', TaskResult> = {
  ok: { ok: true, warnings: false, rowsRead: 10 },
  warn: { ok: true, warnings: true, rowsRead: 9, rowsRejected: 1 },
  user: { ok: false, error: makeError(ErrorCode.sourceMalformed, 'user', 'bad file') },
  transient: { ok: false, error: makeError(ErrorCode.sourceUnreachable, 'transient', 'reset') },
};

/** Rejects when the engine aborts the task's signal (cancel, timeout or stop). */
const aborted = (signal: AbortSignal) =>
  new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
  );

async function perform(step: Step, signal: AbortSignal): Promise<TaskResult> {
  // A gate also ends on abort, so a failed assertion before its release cannot hang stop().
  if (step instanceof Promise) return Promise.race([step.then(() => results.ok), aborted(signal)]);
  if (step === 'throw') throw new Error('boom');
  if (step === 'stuck') return new Promise<never>(() => undefined); // ignores its signal
  return step === 'hang' ? aborted(signal) : results[step];
}

const keyOf = (kind: string, target: string | null): string =>
  target === null ? kind : `${kind}:${target}`;

const defaults = {
  maxAttempts: 3,
  retryBaseDelayMs: 0,
  taskTimeoutMs: 600_000,
  taskConcurrency: 4,
};

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

async function harness(options: Partial<RunnerOptions> = {}, sources = ['a', 'b', 'c']) {
  const opened = await openSqliteState(':memory:');
  if (!opened.ok) throw new Error(opened.error.message);
  const state: StateStore = opened.value;
  const createdAt = new Date().toISOString();
  await state.createInstance({ name: 'default', createdAt });
  for (const name of sources) {
    const definition = { kind: 'csv', path: `${name}.csv` };
    const row = { name, kind: 'csv', owners: [], definition, createdAt, updatedAt: createdAt };
    await state.upsertSource({ instance: 'default', ...row });
  }

  // Record every status the engine writes, in order.
  const written: { id: string; status: TaskStatus }[] = [];
  const updateTask = state.updateTask.bind(state);
  const updateJob = state.updateJob.bind(state);
  state.updateTask = (id, patch) => {
    if (patch.status) written.push({ id, status: patch.status });
    return updateTask(id, patch);
  };
  state.updateJob = (id, patch) => {
    if (patch.status) written.push({ id, status: patch.status });
    return updateJob(id, patch);
  };

  const scripts = new Map<string, Step[]>();
  const runs: { jobId: string; key: string; attempt: number }[] = [];
  const events: string[] = [];
  const signals = new Map<string, AbortSignal>();
  const latches = new Map<string, Deferred>();
  const latch = (name: string): Deferred => {
    const d = latches.get(name) ?? deferred();
    latches.set(name, d);
    return d;
  };
  const kind = (name: string, after: string[], targets: (string | null)[] | null): TaskKind => ({
    kind: name,
    after,
    downstream: after.length > 0,
    plan: (ctx) => Promise.resolve(targets ?? ctx.sources),
    async run(ctx) {
      const key = keyOf(name, ctx.target);
      runs.push({ jobId: ctx.jobId, key, attempt: ctx.attempt });
      events.push(`${ctx.jobId} start ${key}`);
      signals.set(key, ctx.signal);
      latch(`start ${key}`).resolve();
      try {
        return await perform(scripts.get(key)?.shift() ?? 'ok', ctx.signal);
      } finally {
        events.push(`${ctx.jobId} end ${key}`);
      }
    },
  });
  const refresh = new RefreshService({
    state,
    kinds: [
      kind('segment', ['match'], ['vip', 'churn']),
      kind('match', ['ingest'], [null]),
      kind('ingest', [], null),
    ],
    options: { ...defaults, ...options },
    now: () => new Date(),
    listener: {
      onTaskEnded: (_i, _j, t) => latch(`ended ${keyOf(t.kind, t.target)}`).resolve(),
    },
    onJobEnded: (job) => events.push(`${job.id} ended ${job.status}`),
  });

  const h = {
    state,
    refresh,
    runs,
    events,
    signals,
    script: (key: string, ...steps: Step[]) => void scripts.set(key, steps),
    started: (key: string) => latch(`start ${key}`).promise,
    ended: (key: string) => latch(`ended ${key}`).promise,
    statuses: (id: string) => written.flatMap((w) => (w.id === id ? [w.status] : [])),
    async tasks(jobId: string): Promise<Record<string, TaskRow>> {
      const rows = await state.listTasks(jobId);
      return Object.fromEntries(rows.map((t) => [keyOf(t.kind, t.target), t]));
    },
    async submit(req: Partial<SubmitRequest> = {}) {
      const r = await refresh.submit({ instance: 'default', submissionKind: 'onDemand', ...req });
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      return r.value;
    },
    async wait(jobId: string): Promise<JobRow> {
      const job = await refresh.waitFor(jobId);
      assert.ok(job, `job ${jobId} exists`);
      return job;
    },
    async close() {
      await refresh.stop();
      await state.close();
    },
  };
  open.push(h);
  return h;
}

type Harness = Awaited<ReturnType<typeof harness>>;

/** Submits a job and waits for its end; returns the job and its tasks by key. */
async function runJob(h: Harness, req: Partial<SubmitRequest> = {}) {
  const { jobId } = await h.submit(req);
  const job = await h.wait(jobId);
  return { job, tasks: await h.tasks(jobId) };
}

/** Starts a full job whose ingest(a) waits for `release()`, so that later requests queue. */
async function blockQueue(h: Harness) {
  const gate = deferred();
  h.script('ingest:a', gate.promise);
  const { jobId } = await h.submit();
  await h.started('ingest:a');
  return { jobId, release: gate.resolve };
}

/** Turns an engine bug that would leave a job hanging into a failure; nothing waits on time. */
const bounded = { timeout: 30_000 };

const all = ['ingest:a', 'ingest:b', 'ingest:c', 'match', 'segment:vip', 'segment:churn'];
const downstream = ['match', 'segment:vip', 'segment:churn'];

void describe('refresh engine: task outcomes', bounded, () => {
  void it('runs a clean job queued → running → successful, each stage after the one before', async () => {
    const h = await harness();
    const res = await h.submit();
    assert.deepEqual(res, { jobId: res.jobId, status: 'queued', coalesced: false });
    const job = await h.wait(res.jobId);
    assert.deepEqual([job.status, job.jobType], ['successful', 'full']);
    assert.ok(job.startedAt !== null && job.endedAt !== null);
    assert.deepEqual(h.statuses(res.jobId), ['running', 'successful']);
    const tasks = await h.tasks(res.jobId);
    for (const key of all) {
      const t = tasks[key];
      assert.ok(t, key);
      assert.deepEqual([t.status, t.attempts, t.error], ['successful', 1, null], key);
      assert.ok(t.startedAt !== null && t.endedAt !== null, key);
      assert.deepEqual(h.statuses(t.id), ['running', 'successful'], key);
    }
    assert.equal(tasks['ingest:a']?.rowsRead, 10);

    const at = (e: string) => h.events.indexOf(`${res.jobId} ${e}`);
    for (const i of ['a', 'b', 'c']) assert.ok(at(`end ingest:${i}`) < at('start match'));
    for (const s of ['vip', 'churn']) assert.ok(at('end match') < at(`start segment:${s}`));
  });

  void it('ends completedWithWarnings when a task warns, and still runs downstream', async () => {
    const h = await harness();
    h.script('ingest:b', 'warn');
    const { job, tasks } = await runJob(h);
    assert.equal(job.status, 'completedWithWarnings');
    assert.equal(tasks['ingest:b']?.status, 'completedWithWarnings');
    assert.deepEqual([tasks['ingest:b']?.rowsRead, tasks['ingest:b']?.rowsRejected], [9, 1]);
    for (const key of downstream) assert.equal(tasks[key]?.status, 'successful', key);
  });

  void it('retries transient and unexpected failures, passing through failedRetrying', async () => {
    const h = await harness();
    h.script('ingest:a', 'transient', 'ok');
    h.script('ingest:b', 'throw', 'ok');
    const { job, tasks } = await runJob(h);
    assert.equal(job.status, 'successful');
    for (const key of ['ingest:a', 'ingest:b']) {
      const t = tasks[key];
      assert.ok(t, key);
      assert.deepEqual([t.status, t.attempts, t.error], ['successful', 2, null], key);
      assert.deepEqual(h.statuses(t.id), ['running', 'failedRetrying', 'running', 'successful']);
      assert.deepEqual(
        h.runs.filter((r) => r.key === key).map((r) => r.attempt),
        [1, 2],
      );
    }
  });

  void it('fails after maxAttempts transient failures, and at once on a user fault', async () => {
    const h = await harness();
    h.script('ingest:a', 'transient', 'transient', 'transient', 'ok');
    h.script('ingest:b', 'user', 'ok');
    const { job, tasks } = await runJob(h);
    assert.equal(job.status, 'failed');
    const [a, b] = [tasks['ingest:a'], tasks['ingest:b']];
    assert.ok(a && b);
    assert.deepEqual([a.status, a.attempts], ['failed', 3]);
    assert.deepEqual(a.error, { code: ErrorCode.sourceUnreachable, message: 'reset' });
    const retrying = ['running', 'failedRetrying'];
    assert.deepEqual(h.statuses(a.id), [...retrying, ...retrying, 'running', 'failed']);
    assert.deepEqual([b.status, b.attempts], ['failed', 1]);
    assert.deepEqual(b.error, { code: ErrorCode.sourceMalformed, message: 'bad file' });
    assert.deepEqual(h.statuses(b.id), ['running', 'failed']);
    assert.equal(h.runs.filter((r) => r.key === 'ingest:b').length, 1);
  });

  void it('fails a task that outlives taskTimeoutMs, aborting its signal and not retrying', async () => {
    const h = await harness({ taskTimeoutMs: 50 });
    h.script('ingest:a', 'hang', 'ok');
    h.script('ingest:b', 'stuck', 'ok');
    const { job, tasks } = await runJob(h);
    assert.equal(job.status, 'failed');
    for (const key of ['ingest:a', 'ingest:b']) {
      const t = tasks[key];
      assert.ok(t, key);
      assert.deepEqual(
        [t.status, t.attempts, t.error?.code],
        ['failed', 1, 'TRIB_ERR_TASK_TIMEOUT'],
      );
      assert.equal(h.signals.get(key)?.aborted, true, `${key} was told to stop`);
    }
    assert.equal(tasks['ingest:c']?.status, 'successful');
  });

  void it('skips everything downstream of a failed task while the other ingests still run', async () => {
    const h = await harness();
    h.script('ingest:b', 'user');
    const { job, tasks } = await runJob(h);
    assert.equal(job.status, 'failed');
    assert.equal(tasks['ingest:a']?.status, 'successful');
    assert.equal(tasks['ingest:c']?.status, 'successful');
    for (const key of downstream) {
      assert.equal(tasks[key]?.status, 'skipped', key);
      assert.equal(tasks[key]?.error?.code, ErrorCode.upstream, key);
    }
    assert.ok(!h.runs.some((r) => downstream.includes(r.key)), 'nothing downstream ran');
  });

  void it('names the upstream task that failed in a skipped task, not one still running', async () => {
    const h = await harness();
    const gate = deferred();
    h.script('ingest:a', gate.promise);
    h.script('ingest:b', 'user');
    const { jobId } = await h.submit();
    await h.ended('ingest:b');
    // ingest(b) failed (else the assertions below fail): match is skipped while ingest(a) waits.
    if ((await h.tasks(jobId))['ingest:b']?.status === 'failed') await h.ended('match');
    gate.resolve();
    await h.wait(jobId);
    const tasks = await h.tasks(jobId);
    assert.equal(tasks['match']?.error?.message, 'upstream task ingest(b) ended failed');
    assert.equal(tasks['segment:vip']?.error?.message, 'upstream task match ended skipped');
  });
});

void describe('refresh engine: cancel', bounded, () => {
  void it('cancels a running job: the running task is aborted and the rest canceled', async () => {
    const h = await harness();
    h.script('ingest:a', 'hang');
    const { jobId } = await h.submit();
    await h.started('ingest:a');
    const c = await h.refresh.cancel(jobId);
    assert.ok(c.ok);
    assert.equal(c.value.cancelRequested, true);
    const job = await h.wait(jobId);
    assert.equal(job.status, 'canceled');
    assert.ok(job.endedAt !== null);
    const tasks = await h.tasks(jobId);
    assert.equal(h.signals.get('ingest:a')?.aborted, true);
    assert.deepEqual(
      [tasks['ingest:a']?.status, tasks['ingest:a']?.error?.code],
      ['canceled', ErrorCode.canceled],
    );
    for (const key of downstream) assert.equal(tasks[key]?.status, 'canceled', key);
    assert.ok(!h.runs.some((r) => downstream.includes(r.key)), 'nothing downstream ran');
  });

  void it('cancels a queued job without running any of its tasks', async () => {
    const h = await harness();
    const first = await blockQueue(h);
    const second = await h.submit({ identifiers: ['b'] });
    const c = await h.refresh.cancel(second.jobId);
    assert.ok(c.ok);
    assert.equal(c.value.status, 'canceled');
    assert.ok(Object.values(await h.tasks(second.jobId)).every((t) => t.status === 'canceled'));
    // A new request after the cancel is a new job, not merged into the canceled one.
    const third = await h.submit({ identifiers: ['c'] });
    assert.notEqual(third.jobId, second.jobId);
    assert.equal(third.coalesced, false);
    first.release();
    assert.equal((await h.wait(first.jobId)).status, 'successful');
    assert.equal((await h.wait(third.jobId)).status, 'successful');
    assert.equal((await h.wait(second.jobId)).status, 'canceled');
    assert.ok(!h.runs.some((r) => r.jobId === second.jobId));
  });

  void it('refuses to cancel an ended job (conflict) or an unknown one (not found)', async () => {
    const h = await harness();
    const { job } = await runJob(h);
    const c = await h.refresh.cancel(job.id);
    assert.ok(!c.ok);
    assert.deepEqual([c.error.code, c.error.fault], [ErrorCode.conflict, 'conflict']);
    assert.equal((await h.state.getJob(job.id))?.status, 'successful');
    const u = await h.refresh.cancel('no-such-job');
    assert.ok(!u.ok);
    assert.equal(u.error.code, ErrorCode.notFound);
  });
});

void describe('refresh engine: scope and queue', bounded, () => {
  void it('plans the named ingests plus downstream, and no downstream for ingestion', async () => {
    const h = await harness();
    const { job, tasks } = await runJob(h, { identifiers: ['b', 'b'] });
    assert.deepEqual([job.status, job.jobType, job.identifiers], ['successful', 'scoped', ['b']]);
    assert.deepEqual(Object.keys(tasks), ['ingest:b', ...downstream]);
    const full = await runJob(h, { operationType: 'ingestion' });
    assert.deepEqual(Object.keys(full.tasks), ['ingest:a', 'ingest:b', 'ingest:c']);
    const scoped = await runJob(h, { operationType: 'ingestion', identifiers: ['c'] });
    assert.deepEqual(Object.keys(scoped.tasks), ['ingest:c']);
    assert.equal(scoped.job.status, 'successful');
    const ran = h.runs.filter((r) => r.jobId !== job.id).map((r) => r.key);
    assert.deepEqual(ran.toSorted(), ['ingest:a', 'ingest:b', 'ingest:c', 'ingest:c']);
  });

  void it('answers an unknown identifier with an error value and creates no job', async () => {
    const h = await harness();
    const r = await h.refresh.submit({
      instance: 'default',
      submissionKind: 'onDemand',
      identifiers: ['a', 'nope'],
    });
    assert.ok(!r.ok);
    assert.deepEqual([r.error.code, r.error.field], [ErrorCode.validation, 'identifiers']);
    assert.match(r.error.message, /"nope"/);
    assert.deepEqual(await h.state.listJobs('default', { limit: 10, offset: 0 }), []);
  });

  void it('never overlaps two jobs of an instance: the second waits, queued, for the first', async () => {
    const h = await harness();
    const first = await blockQueue(h);
    const second = await h.submit({ identifiers: ['b'] });
    assert.deepEqual([second.status, second.coalesced], ['queued', false]);
    assert.notEqual(second.jobId, first.jobId);
    assert.equal((await h.state.getJob(first.jobId))?.status, 'running');
    assert.equal((await h.state.getJob(second.jobId))?.status, 'queued');
    for (const t of await h.state.listTasks(second.jobId)) {
      assert.deepEqual([t.status, t.attempts, t.startedAt], ['queued', 0, null]);
    }
    first.release();
    assert.equal((await h.wait(first.jobId)).status, 'successful');
    assert.equal((await h.wait(second.jobId)).status, 'successful');
    const firstEnded = h.events.indexOf(`${first.jobId} ended successful`);
    const secondStarted = h.events.findIndex((e) => e.startsWith(`${second.jobId} start`));
    assert.ok(firstEnded >= 0 && firstEnded < secondStarted, h.events.join('\n'));
  });

  void it('coalesces requests made while one is queued into it, with the union of scopes', async () => {
    const h = await harness();
    const running = await blockQueue(h);
    const b = await h.submit({ identifiers: ['a'] });
    const c = await h.submit({ identifiers: ['b'] });
    assert.deepEqual(c, { jobId: b.jobId, status: 'queued', coalesced: true });
    const job = await h.state.getJob(b.jobId);
    assert.deepEqual([job?.jobType, job?.identifiers.toSorted()], ['scoped', ['a', 'b']]);
    assert.deepEqual(Object.keys(await h.tasks(b.jobId)), ['ingest:a', 'ingest:b', ...downstream]);
    // A scheduled request is not merged into an on-demand one.
    const d = await h.submit({ submissionKind: 'scheduled' });
    assert.equal(d.coalesced, false);
    running.release();
    for (const id of [running.jobId, b.jobId, d.jobId]) {
      assert.equal((await h.wait(id)).status, 'successful');
    }
    const ranB = h.runs.filter((r) => r.jobId === b.jobId).map((r) => r.key);
    assert.deepEqual(ranB.toSorted(), ['ingest:a', 'ingest:b', ...downstream].toSorted());
    assert.equal((await h.state.listJobs('default', { limit: 10, offset: 0 })).length, 3);
  });

  void it('widens a coalesced job to downstream and to a full job when a request asks for it', async () => {
    const h = await harness();
    const running = await blockQueue(h);
    const b = await h.submit({ identifiers: ['a'], operationType: 'ingestion' });
    assert.deepEqual(Object.keys(await h.tasks(b.jobId)), ['ingest:a']);
    await h.submit({ identifiers: ['b'] });
    assert.deepEqual(Object.keys(await h.tasks(b.jobId)), ['ingest:a', 'ingest:b', ...downstream]);
    assert.equal((await h.submit({ operationType: 'ingestion' })).jobId, b.jobId);
    const job = await h.state.getJob(b.jobId);
    assert.deepEqual([job?.jobType, job?.identifiers], ['full', []]);
    assert.deepEqual(Object.keys(await h.tasks(b.jobId)), all);
    running.release();
    await h.wait(running.jobId);
    assert.equal((await h.wait(b.jobId)).status, 'successful');
  });
});

void describe('refresh engine: restart', bounded, () => {
  void it('recover() fails jobs left running and runs the ones left queued', async () => {
    const h = await harness();
    // What a previous process left behind: one job mid-run, one waiting its turn.
    const at = new Date().toISOString();
    const match = { kind: 'match', target: null };
    await h.state.createJob(jobRow('r', 0, { status: 'running', startedAt: at }), [
      taskRow('r1', 'r', { target: 'a', status: 'successful', attempts: 1, endedAt: at }),
      taskRow('r2', 'r', { target: 'b', status: 'running', attempts: 1, startedAt: at }),
      taskRow('r3', 'r', { ...match, dependsOn: ['r1', 'r2'] }),
    ]);
    await h.state.createJob(jobRow('q', 1), [
      taskRow('q1', 'q', { target: 'c' }),
      taskRow('q2', 'q', { ...match, dependsOn: ['q1'] }),
    ]);

    await h.refresh.recover();
    const lost = await h.state.getJob('r');
    assert.equal(lost?.status, 'failed');
    assert.ok(lost?.endedAt);
    const r = await h.tasks('r');
    assert.equal(r['ingest:a']?.status, 'successful');
    for (const key of ['ingest:b', 'match']) {
      assert.deepEqual([r[key]?.status, r[key]?.error?.code], ['failed', ErrorCode.internal], key);
    }
    assert.equal((await h.wait('q')).status, 'successful');
    assert.deepEqual(
      h.runs.map((x) => `${x.jobId} ${x.key}`),
      ['q ingest:c', 'q match'],
    );
  });
});

void describe('refresh engine: property', bounded, () => {
  void it('skips downstream iff an ingest failed, and fails the job iff a task failed', async () => {
    const outcome = fc.constantFrom('ok', 'warn', 'user', 'retry');
    await fc.assert(
      fc.asyncProperty(fc.array(outcome, { minLength: 4, maxLength: 4 }), async (outcomes) => {
        const sources = ['a', 'b', 'c', 'd'];
        const h = await harness({}, sources);
        outcomes.forEach((o, i) => {
          const steps: Step[] = o === 'retry' ? ['transient', 'ok'] : [o];
          h.script(`ingest:${sources[i]}`, ...steps);
        });
        const { job, tasks } = await runJob(h);
        const rows = Object.values(tasks);
        const anyFailed = outcomes.includes('user');
        for (const t of rows.filter((x) => x.kind !== 'ingest')) {
          assert.equal(t.status === 'skipped', anyFailed, `${t.kind} ${t.status}`);
          if (!anyFailed) assert.equal(t.status, 'successful');
        }
        const someTaskFailed = rows.some((t) => t.status === 'failed');
        assert.equal(job.status === 'failed', someTaskFailed);
        assert.equal(someTaskFailed, anyFailed);
        if (!anyFailed) {
          const warned = outcomes.includes('warn');
          assert.equal(job.status, warned ? 'completedWithWarnings' : 'successful');
        }
      }),
      { numRuns: 40 },
    );
  });
});
