/**
 * The StateStore contract: every adapter (SQLite embedded, PostgreSQL scale-out) must pass these.
 * `open` must return a new, migrated and empty store; each test opens its own and closes it.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type {
  FlowRunRow,
  ConnectionRow,
  DefinitionRow,
  JobRow,
  MetricRow,
  ScheduleRow,
  StateStore,
  TaskRow,
} from '../src/state/index.js';

const t0 = Date.parse('2026-01-01T00:00:00.000Z');
/** An ISO timestamp `minutes` after a fixed origin. */
const at = (minutes: number): string => new Date(t0 + minutes * 60_000).toISOString();

/** A job row created `createdMinute` minutes after a fixed origin; queued unless patched. */
export function job(id: string, createdMinute: number, patch: Partial<JobRow> = {}): JobRow {
  return {
    id,
    instance: 'default',
    status: 'queued',
    submissionKind: 'onDemand',
    jobType: 'full',
    identifiers: [],
    createdAt: at(createdMinute),
    startedAt: null,
    endedAt: null,
    cancelRequested: false,
    ...patch,
  };
}

/** A queued `ingest(crm)` task row unless patched. */
export function task(id: string, jobId: string, patch: Partial<TaskRow> = {}): TaskRow {
  return {
    id,
    jobId,
    kind: 'ingest',
    target: 'crm',
    dependsOn: [],
    status: 'queued',
    attempts: 0,
    rowsRead: null,
    rowsRejected: null,
    startedAt: null,
    endedAt: null,
    error: null,
    details: null,
    ...patch,
  };
}

function metric(name: string, minute: number, patch: Partial<MetricRow> = {}): MetricRow {
  return {
    instance: 'default',
    metricKind: 'rows',
    metricName: name,
    jobId: null,
    observedAt: at(minute),
    value: minute,
    details: null,
    ...patch,
  };
}

export function runStateContract(name: string, open: () => Promise<StateStore>): void {
  void describe(`StateStore contract: ${name}`, () => {
    let store: StateStore;

    beforeEach(async () => {
      store = await open();
      await store.createInstance({ name: 'default', createdAt: at(0) });
      await store.createInstance({ name: 'other', createdAt: at(0) });
    });

    afterEach(async () => {
      await store.close();
    });

    void it('creates instances idempotently and lists them sorted by name', async () => {
      assert.equal(await store.createInstance({ name: 'zeta', createdAt: at(1) }), true);
      assert.equal(await store.createInstance({ name: 'alpha', createdAt: at(2) }), true);
      assert.equal(await store.createInstance({ name: 'zeta', createdAt: at(3) }), false);
      assert.deepEqual(await store.getInstance('zeta'), { name: 'zeta', createdAt: at(1) });
      assert.equal(await store.getInstance('missing'), undefined);
      const names = (await store.listInstances()).map((i) => i.name);
      assert.deepEqual(names, ['alpha', 'default', 'other', 'zeta']);
    });

    void it('upserts sources: an update changes the definition but keeps the first createdAt', async () => {
      const definition = {
        kind: 'csv',
        tables: [{ name: 't', path: 'a.csv', primaryKey: ['id'] }],
      };
      const first = {
        instance: 'default',
        name: 'crm',
        kind: 'csv',
        owners: ['ana@example.com'],
        definition,
        createdAt: at(1),
        updatedAt: at(1),
      };
      await store.upsertSource(first);
      assert.deepEqual(await store.getSource('default', 'crm'), first);

      const changed = { ...first, kind: 'parquet', owners: [], definition: { n: 2 } };
      await store.upsertSource({ ...changed, createdAt: at(9), updatedAt: at(9) });
      assert.deepEqual(await store.getSource('default', 'crm'), { ...changed, updatedAt: at(9) });
      assert.equal((await store.listSources('default')).length, 1);
    });

    void it('lists sources of one instance sorted by name, gets and deletes them', async () => {
      const src = (instance: string, name: string) => ({
        instance,
        name,
        kind: 'csv',
        owners: [],
        definition: { name },
        createdAt: at(1),
        updatedAt: at(1),
      });
      await store.upsertSource(src('default', 'shop'));
      await store.upsertSource(src('default', 'crm'));
      await store.upsertSource(src('other', 'billing'));
      const names = (await store.listSources('default')).map((s) => s.name);
      assert.deepEqual(names, ['crm', 'shop']);
      assert.equal(await store.getSource('default', 'billing'), undefined);
      assert.deepEqual(await store.getSource('other', 'billing'), src('other', 'billing'));

      assert.equal(await store.deleteSource('default', 'crm'), true);
      assert.equal(await store.deleteSource('default', 'crm'), false);
      assert.equal(await store.getSource('default', 'crm'), undefined);
      assert.deepEqual(
        (await store.listSources('default')).map((s) => s.name),
        ['shop'],
      );
    });

    void it('creates a job with its tasks and reads every field back', async () => {
      const j = job('j1', 1, {
        status: 'running',
        jobType: 'scoped',
        identifiers: ['crm', 'shop'],
        startedAt: at(2),
        cancelRequested: true,
      });
      // Ids in reverse order: tasks must come back in insertion (seq) order, not by id.
      const tasks = [
        task('t3', 'j1', { target: 'crm', status: 'successful', attempts: 2, rowsRead: 10 }),
        task('t2', 'j1', {
          target: 'shop',
          status: 'failed',
          attempts: 1,
          rowsRead: 5_000_000_000,
          rowsRejected: 3,
          startedAt: at(2),
          endedAt: at(3),
          error: { code: 'TRIB_ERR_SOURCE_MISSING', message: 'gone' },
          details: { tables: ['a', 'b'], nested: { ok: true } },
        }),
        task('t1', 'j1', { kind: 'match', target: null, dependsOn: ['t3', 't2'] }),
      ];
      await store.createJob(j, tasks);
      assert.deepEqual(await store.getJob('j1'), j);
      assert.deepEqual(await store.listTasks('j1'), tasks);
      assert.equal(await store.getJob('nope'), undefined);
      assert.deepEqual(await store.listTasks('nope'), []);
    });

    void it('creates a job and its tasks atomically: a failing task insert leaves no job', async () => {
      await store.createJob(job('j0', 0), [task('dup', 'j0')]);
      // The task id collides with an existing one, so the whole job must be rolled back.
      await assert.rejects(store.createJob(job('j1', 1), [task('fresh', 'j1'), task('dup', 'j1')]));
      assert.equal(await store.getJob('j1'), undefined);
      assert.deepEqual(await store.listTasks('j1'), []);
      assert.deepEqual(
        (await store.listJobs('default', { limit: 10, offset: 0 })).map((j) => j.id),
        ['j0'],
      );
    });

    void it('lists the jobs of an instance newest first with limit and offset', async () => {
      for (const [id, minute] of [
        ['c', 3],
        ['a', 1],
        ['e', 5],
        ['b', 2],
        ['d', 4],
      ] as const) {
        await store.createJob(job(id, minute), []);
      }
      await store.createJob(job('x', 9, { instance: 'other' }), []);
      const page = async (limit: number, offset: number) =>
        (await store.listJobs('default', { limit, offset })).map((j) => j.id);
      assert.deepEqual(await page(2, 0), ['e', 'd']);
      assert.deepEqual(await page(2, 2), ['c', 'b']);
      assert.deepEqual(await page(2, 4), ['a']);
      assert.deepEqual(await page(100, 0), ['e', 'd', 'c', 'b', 'a']);
      assert.deepEqual(await page(10, 10), []);
    });

    void it('lists unfinished jobs of every instance, oldest first', async () => {
      await store.createJob(job('done', 1, { status: 'successful' }), []);
      await store.createJob(job('run', 2, { status: 'running' }), []);
      await store.createJob(job('fail', 3, { status: 'failed' }), []);
      await store.createJob(job('warn', 4, { status: 'completedWithWarnings' }), []);
      await store.createJob(job('q-other', 5, { instance: 'other' }), []);
      await store.createJob(job('cancel', 6, { status: 'canceled' }), []);
      await store.createJob(job('q0', 0), []);
      const ids = (await store.listUnfinishedJobs()).map((j) => j.id);
      assert.deepEqual(ids, ['q0', 'run', 'q-other']);
    });

    void it('patches a job: only the given fields change', async () => {
      const j = job('j1', 1);
      await store.createJob(j, []);
      await store.updateJob('j1', { status: 'running', startedAt: at(2) });
      assert.deepEqual(await store.getJob('j1'), { ...j, status: 'running', startedAt: at(2) });
      await store.updateJob('j1', { cancelRequested: true });
      await store.updateJob('j1', { identifiers: ['crm'], jobType: 'scoped' });
      await store.updateJob('j1', {});
      await store.updateJob('j1', { status: 'canceled', endedAt: at(3) });
      assert.deepEqual(await store.getJob('j1'), {
        ...j,
        status: 'canceled',
        startedAt: at(2),
        endedAt: at(3),
        cancelRequested: true,
        identifiers: ['crm'],
        jobType: 'scoped',
      });
    });

    void it('patches a task: only the given fields change, and null clears error and details', async () => {
      const a = task('a', 'j1');
      const b = task('b', 'j1', { target: 'shop' });
      await store.createJob(job('j1', 1), [a, b]);
      await store.updateTask('a', { status: 'running', attempts: 1, startedAt: at(2) });
      const error = { code: 'TRIB_ERR_SOURCE_UNREACHABLE', message: 'connection refused' };
      await store.updateTask('a', { status: 'failedRetrying', error, details: { try: 1 } });
      const running = { ...a, status: 'running' as const, attempts: 1, startedAt: at(2) };
      assert.deepEqual(await store.listTasks('j1'), [
        { ...running, status: 'failedRetrying', error, details: { try: 1 } },
        b,
      ]);
      await store.updateTask('a', {});
      await store.updateTask('a', {
        status: 'successful',
        attempts: 2,
        error: null,
        details: null,
        rowsRead: 7,
        rowsRejected: 0,
        endedAt: at(3),
      });
      assert.deepEqual(await store.listTasks('j1'), [
        {
          ...running,
          status: 'successful',
          attempts: 2,
          rowsRead: 7,
          rowsRejected: 0,
          endedAt: at(3),
        },
        b,
      ]);
    });

    void it('replaces the tasks of one job, in the new order, leaving other jobs alone', async () => {
      await store.createJob(job('j1', 1), [task('a', 'j1'), task('b', 'j1')]);
      const other = [task('o', 'j2')];
      await store.createJob(job('j2', 2), other);
      const next = [
        task('z', 'j1', { target: 'shop' }),
        task('y', 'j1', { target: 'crm' }),
        task('x', 'j1', { kind: 'match', target: null, dependsOn: ['z', 'y'] }),
      ];
      await store.replaceTasks('j1', next);
      assert.deepEqual(await store.listTasks('j1'), next);
      assert.deepEqual(await store.listTasks('j2'), other);
      await store.replaceTasks('j1', []);
      assert.deepEqual(await store.listTasks('j1'), []);
    });

    void it('reports the latest ingest of each source of an instance', async () => {
      const ended = (minute: number) => ({ startedAt: at(minute), endedAt: at(minute) });
      await store.createJob(job('old', 1, { status: 'failed' }), [
        task('o1', 'old', { target: 'crm', status: 'successful', rowsRead: 1, ...ended(1) }),
        task('o2', 'old', {
          target: 'shop',
          status: 'failed',
          error: { code: 'TRIB_ERR_SOURCE_MISSING', message: 'no file' },
          ...ended(1),
        }),
        task('o3', 'old', { kind: 'match', target: null, status: 'skipped', ...ended(1) }),
      ]);
      await store.createJob(job('new', 2, { status: 'completedWithWarnings' }), [
        task('n1', 'new', {
          target: 'crm',
          status: 'completedWithWarnings',
          rowsRead: 9,
          rowsRejected: 1,
          ...ended(2),
        }),
      ]);
      // A queued ingest has not happened yet; another instance's ingests are not this one's.
      await store.createJob(job('next', 3), [task('q1', 'next', { target: 'shop' })]);
      await store.createJob(job('else', 4, { instance: 'other', status: 'successful' }), [
        task('e1', 'else', { target: 'crm', status: 'successful', ...ended(4) }),
      ]);

      const rows = (await store.lastSourceRefreshes('default')).sort((x, y) =>
        x.source.localeCompare(y.source),
      );
      assert.deepEqual(rows, [
        {
          source: 'crm',
          status: 'completedWithWarnings',
          jobId: 'new',
          endedAt: at(2),
          rowsRead: 9,
          rowsRejected: 1,
          error: null,
        },
        {
          source: 'shop',
          status: 'failed',
          jobId: 'old',
          endedAt: at(1),
          rowsRead: null,
          rowsRejected: null,
          error: { code: 'TRIB_ERR_SOURCE_MISSING', message: 'no file' },
        },
      ]);
      assert.deepEqual(
        (await store.lastSourceRefreshes('other')).map((r) => [r.source, r.jobId]),
        [['crm', 'else']],
      );
    });

    void it('puts, gets and lists schedules, a second put replacing the first', async () => {
      assert.equal(await store.getSchedule('default'), undefined);
      const s: ScheduleRow = {
        instance: 'default',
        isActive: true,
        timezoneId: 'Europe/London',
        cronSchedules: ['30 1 * * *', '@weekly'],
        nextRunAt: at(60),
        updatedAt: at(1),
      };
      await store.putSchedule(s);
      assert.deepEqual(await store.getSchedule('default'), s);
      const paused = {
        ...s,
        isActive: false,
        cronSchedules: [],
        nextRunAt: null,
        updatedAt: at(2),
      };
      await store.putSchedule(paused);
      assert.deepEqual(await store.getSchedule('default'), paused);
      const o = { ...s, instance: 'other', timezoneId: 'UTC' };
      await store.putSchedule(o);
      const all = (await store.listSchedules()).sort((x, y) =>
        x.instance.localeCompare(y.instance),
      );
      assert.deepEqual(all, [paused, o]);
    });

    void it('appends metrics and lists the last N of one series in chronological order', async () => {
      for (let m = 1; m <= 5; m++) {
        await store.appendMetric(metric('crm', m, { jobId: `j${m}`, details: { m } }));
        await store.appendMetric(metric('shop', m));
        await store.appendMetric(metric('crm', m, { metricKind: 'rejected' }));
        await store.appendMetric(metric('crm', m, { instance: 'other' }));
      }
      await store.appendMetric(metric('crm', 6, { value: null }));
      const last = await store.listMetrics('default', 'rows', 'crm', 3);
      assert.deepEqual(last, [
        metric('crm', 4, { jobId: 'j4', details: { m: 4 } }),
        metric('crm', 5, { jobId: 'j5', details: { m: 5 } }),
        metric('crm', 6, { value: null }),
      ]);
      const all = await store.listMetrics('default', 'rows', 'crm', 100);
      assert.deepEqual(
        all.map((r) => r.observedAt),
        [1, 2, 3, 4, 5, 6].map(at),
      );
      assert.deepEqual(await store.listMetrics('default', 'rows', 'nope', 10), []);
    });

    void it('upserts definitions per instance and kind, keeping createdAt, and deletes them', async () => {
      const def = (name: string, patch: Partial<DefinitionRow> = {}): DefinitionRow => ({
        instance: 'default',
        kind: 'segment',
        name,
        owners: ['a@example.com'],
        body: { rule: { and: [] }, n: 1 },
        createdAt: at(1),
        updatedAt: at(1),
        ...patch,
      });
      await store.upsertDefinition(def('vip'));
      await store.upsertDefinition(def('churn'));
      await store.upsertDefinition(def('vip', { kind: 'measure' }));
      await store.upsertDefinition(def('vip', { instance: 'other' }));
      await store.upsertDefinition(
        def('vip', { body: { n: 2 }, owners: [], createdAt: at(9), updatedAt: at(9) }),
      );
      assert.deepEqual(
        await store.getDefinition('default', 'segment', 'vip'),
        def('vip', { body: { n: 2 }, owners: [], updatedAt: at(9) }),
      );
      assert.deepEqual(
        (await store.listDefinitions('default', 'segment')).map((d) => d.name),
        ['churn', 'vip'],
      );
      assert.equal(await store.deleteDefinition('default', 'segment', 'vip'), true);
      assert.equal(await store.deleteDefinition('default', 'segment', 'vip'), false);
      assert.equal(await store.getDefinition('default', 'segment', 'vip'), undefined);
      assert.ok(await store.getDefinition('default', 'measure', 'vip'));
      assert.ok(await store.getDefinition('other', 'segment', 'vip'));
    });

    void it('creates connections, reads every field back, lists them and revokes once', async () => {
      const conn = (id: string, minute: number): ConnectionRow => ({
        id,
        name: `flow ${id}`,
        instances: ['default'],
        scopes: ['read', 'write'],
        keyHash: `hash-${id}`,
        rateLimit: 100,
        rateWindowSeconds: 60,
        createdAt: at(minute),
        revokedAt: null,
      });
      await store.createConnection(conn('b', 2));
      await store.createConnection({ ...conn('a', 1), instances: ['*'], scopes: ['admin'] });
      assert.deepEqual(await store.getConnection('b'), conn('b', 2));
      assert.equal(await store.getConnection('zz'), undefined);
      assert.deepEqual(
        (await store.listConnections()).map((c) => [c.id, c.instances, c.scopes]),
        [
          ['a', ['*'], ['admin']],
          ['b', ['default'], ['read', 'write']],
        ],
      );
      assert.equal(await store.revokeConnection('b', at(5)), true);
      assert.equal(await store.revokeConnection('b', at(6)), false);
      assert.equal(await store.revokeConnection('zz', at(6)), false);
      assert.equal((await store.getConnection('b'))?.revokedAt, at(5));
      await assert.rejects(store.createConnection(conn('a', 9)));
    });

    void it('appends status reports and lists them per instance, newest first, paged', async () => {
      for (const [i, instance] of (['default', 'default', 'other', 'default'] as const).entries()) {
        await store.appendStatusReport({
          id: `r${i}`,
          instance,
          reportType: 'export',
          status: i === 1 ? 'failed' : 'successful',
          message: i === 1 ? 'target unreachable' : null,
          runId: i === 0 ? 'run-7' : null,
          details: i === 0 ? { rows: 12, files: ['a.csv'] } : null,
          connectionId: i === 0 ? 'c1' : null,
          reportedAt: at(i),
        });
      }
      const all = await store.listStatusReports('default', { limit: 10, offset: 0 });
      assert.deepEqual(
        all.map((r) => r.id),
        ['r3', 'r1', 'r0'],
      );
      assert.deepEqual(all[2], {
        id: 'r0',
        instance: 'default',
        reportType: 'export',
        status: 'successful',
        message: null,
        runId: 'run-7',
        details: { rows: 12, files: ['a.csv'] },
        connectionId: 'c1',
        reportedAt: at(0),
      });
      assert.deepEqual(
        (await store.listStatusReports('default', { limit: 1, offset: 1 })).map((r) => r.id),
        ['r1'],
      );
    });

    void it('appends flow runs and lists them per flow or delivery, newest first, paged', async () => {
      const run = (id: string, minute: number, patch: Partial<FlowRunRow> = {}): FlowRunRow => ({
        id,
        instance: 'default',
        flow: 'F',
        deliveryId: 'd1',
        attempt: minute + 1,
        test: false,
        eventId: 'evt_1',
        eventType: 'datasource.refresh.failed',
        event: { id: 'evt_1', data: { source: 'shop', owners: ['a@x.org'] } },
        conditionHeld: null,
        status: 'failed',
        retry: true,
        actions: [{ index: 0, type: 'teams', status: 'failed', statusCode: 503 }],
        startedAt: at(minute),
        endedAt: at(minute + 1),
        ...patch,
      });
      await store.appendFlowRun(run('a', 0));
      await store.appendFlowRun(
        run('b', 2, { status: 'succeeded', retry: false, conditionHeld: true }),
      );
      await store.appendFlowRun(run('c', 1, { deliveryId: null, attempt: null, test: true }));
      await store.appendFlowRun(
        run('d', 3, { flow: 'G', deliveryId: 'd2', conditionHeld: false, status: 'skipped' }),
      );
      await store.appendFlowRun(run('e', 4, { instance: 'other' }));
      const ofF = await store.listFlowRuns('default', { flow: 'F', limit: 10, offset: 0 });
      assert.deepEqual(
        ofF.map((r) => r.id),
        ['b', 'c', 'a'],
      );
      assert.deepEqual(ofF[2], run('a', 0));
      assert.deepEqual(ofF[1], run('c', 1, { deliveryId: null, attempt: null, test: true }));
      assert.equal(ofF[0]!.conditionHeld, true);
      assert.deepEqual(
        (await store.listFlowRuns('default', { deliveryId: 'd1', limit: 10, offset: 0 })).map(
          (r) => r.id,
        ),
        ['b', 'a'],
      );
      assert.deepEqual(
        (await store.listFlowRuns('default', { flow: 'F', limit: 1, offset: 1 })).map((r) => r.id),
        ['c'],
      );
      const [g] = await store.listFlowRuns('default', { flow: 'G', limit: 10, offset: 0 });
      assert.equal(g!.conditionHeld, false);
      assert.equal(g!.status, 'skipped');
      assert.deepEqual(
        (await store.listFlowRuns('other', { limit: 10, offset: 0 })).map((r) => r.id),
        ['e'],
      );
    });
  });
}
