import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../src/errors/index.js';
import {
  RefreshService,
  Scheduler,
  nextRunAfter,
  nextRuns,
  saveSchedule,
  validateSchedule,
} from '../src/refresh/index.js';
import { openSqliteState, type ScheduleRow, type StateStore } from '../src/state/index.js';

/** Turns an engine bug that would leave a job hanging into a failure; nothing waits on time. */
const bounded = { timeout: 30_000 };

const iso = (d: Date | null | undefined): string | null => d?.toISOString() ?? null;
const london = (cron: string) => ({ timezoneId: 'Europe/London', cronSchedules: [cron] });

void describe('validateSchedule', () => {
  const valid = { isActive: true, timezoneId: 'Europe/London', cronSchedules: ['30 1 * * *'] };

  void it('accepts a time zone with cron expressions and presets', () => {
    const body = { ...valid, cronSchedules: ['30 1 * * *', '0 6,18 * * 1-5', '@daily', '@weekly'] };
    assert.deepEqual(validateSchedule(body), { ok: true, value: body });
  });

  void it('names /timezoneId for an unknown time zone', () => {
    const r = validateSchedule({ ...valid, timezoneId: 'Mars/Olympus_Mons' });
    assert.ok(!r.ok);
    assert.deepEqual([r.error.code, r.error.field], [ErrorCode.validation, '/timezoneId']);
    assert.match(r.error.message, /Mars\/Olympus_Mons/);
  });

  void it('names the index of a bad cron expression, under the given base path', () => {
    const body = { ...valid, cronSchedules: ['0 1 * * *', '61 25 * * *'] };
    const r = validateSchedule(body);
    assert.ok(!r.ok);
    assert.deepEqual([r.error.code, r.error.field], [ErrorCode.validation, '/cronSchedules/1']);
    assert.match(r.error.message, /61 25/);
    const nested = validateSchedule({ ...valid, cronSchedules: ['@sometimes'] }, '/schedule');
    assert.ok(!nested.ok);
    assert.equal(nested.error.field, '/schedule/cronSchedules/0');
  });

  void it('names missing, mistyped and unknown fields', () => {
    const fieldOf = (v: unknown) => {
      const r = validateSchedule(v);
      return r.ok ? 'valid' : r.error.field;
    };
    assert.equal(fieldOf({ timezoneId: 'UTC', cronSchedules: [] }), '/isActive');
    assert.equal(fieldOf({ ...valid, cronSchedules: '@daily' }), '/cronSchedules');
    assert.equal(fieldOf({ ...valid, cron: 'x' }), '/cron');
  });
});

void describe('nextRunAfter', () => {
  void it('turns local wall-clock times into the right UTC instants, summer and winter', () => {
    const s = london('30 1 * * *');
    assert.equal(
      iso(nextRunAfter(s, new Date('2026-06-30T12:00:00Z'))),
      '2026-07-01T00:30:00.000Z',
    );
    assert.equal(
      iso(nextRunAfter(s, new Date('2026-01-14T12:00:00Z'))),
      '2026-01-15T01:30:00.000Z',
    );
    const paris = { timezoneId: 'Europe/Paris', cronSchedules: ['@daily'] };
    assert.equal(
      iso(nextRunAfter(paris, new Date('2026-07-01T12:00:00Z'))),
      '2026-07-01T22:00:00.000Z',
    );
  });

  void it('is strictly after `from`', () => {
    const s = london('30 1 * * *');
    const run = new Date('2026-07-01T00:30:00Z');
    assert.equal(iso(nextRunAfter(s, run)), '2026-07-02T00:30:00.000Z');
    assert.equal(iso(nextRunAfter(s, new Date(run.getTime() - 1))), run.toISOString());
  });

  void it('runs once on the spring-forward day although 01:30 does not exist in London', () => {
    // 2026-03-29: clocks go from 01:00 GMT to 02:00 BST; croner runs at the end of the gap.
    const runs = nextRuns(london('30 1 * * *'), new Date('2026-03-27T12:00:00Z'), 4).map(iso);
    assert.deepEqual(runs, [
      '2026-03-28T01:30:00.000Z', // 01:30 GMT
      '2026-03-29T01:00:00.000Z', // 02:00 BST, the first instant after the gap
      '2026-03-30T00:30:00.000Z', // 01:30 BST
      '2026-03-31T00:30:00.000Z',
    ]);
  });

  void it('runs once on the fall-back day although 01:30 happens twice in London', () => {
    // 2026-10-25: 01:30 BST (00:30Z) and 01:30 GMT (01:30Z); only the first is a run.
    const s = london('30 1 * * *');
    const runs = nextRuns(s, new Date('2026-10-23T12:00:00Z'), 4).map(iso);
    assert.deepEqual(runs, [
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
      '2026-10-27T01:30:00.000Z',
    ]);
    const betweenTheTwo = new Date('2026-10-25T01:00:00Z');
    assert.equal(iso(nextRunAfter(s, betweenTheTwo)), '2026-10-26T01:30:00.000Z');
  });

  void it('merges several expressions into one ordered list with no duplicate runs', () => {
    // 2026-07-03 is a Friday; New York is on EDT (UTC-4).
    const s = {
      timezoneId: 'America/New_York',
      cronSchedules: ['0 20 * * *', '0 8 * * *', '0 8,14 * * 1-5'],
    };
    const runs = nextRuns(s, new Date('2026-07-03T00:00:00Z'), 6).map(iso);
    assert.deepEqual(runs, [
      '2026-07-03T12:00:00.000Z', // Fri 08:00, named by two expressions, run once
      '2026-07-03T18:00:00.000Z', // Fri 14:00, weekdays only
      '2026-07-04T00:00:00.000Z', // Fri 20:00
      '2026-07-04T12:00:00.000Z', // Sat 08:00 (no 14:00 at the weekend)
      '2026-07-05T00:00:00.000Z', // Sat 20:00
      '2026-07-05T12:00:00.000Z',
    ]);
  });

  void it('expands @daily to midnight and @weekly to Monday midnight', () => {
    const utc = (p: string) => ({ timezoneId: 'UTC', cronSchedules: [p] });
    const wed = new Date('2026-07-01T12:00:00Z');
    assert.equal(iso(nextRunAfter(utc('@daily'), wed)), '2026-07-02T00:00:00.000Z');
    assert.equal(iso(nextRunAfter(utc('@weekly'), wed)), '2026-07-06T00:00:00.000Z');
    assert.equal(iso(nextRunAfter(utc('@hourly'), wed)), '2026-07-01T13:00:00.000Z');
  });

  void it('has no next run without cron expressions', () => {
    assert.equal(nextRunAfter({ timezoneId: 'UTC', cronSchedules: [] }, new Date()), null);
  });
});

void describe('Scheduler.tick', bounded, () => {
  const now = new Date('2026-07-01T12:00:00.000Z');
  const instances = ['default', 'other'];
  let state: StateStore;
  let refresh: RefreshService;
  let scheduler: Scheduler;

  async function setup(): Promise<void> {
    const opened = await openSqliteState(':memory:');
    if (!opened.ok) throw new Error(opened.error.message);
    state = opened.value;
    for (const instance of instances) {
      await state.createInstance({ name: instance, createdAt: now.toISOString() });
      await state.upsertSource({
        instance,
        name: 'crm',
        kind: 'csv',
        owners: [],
        definition: {},
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      });
    }
    refresh = new RefreshService({
      state,
      kinds: [
        {
          kind: 'ingest',
          after: [],
          downstream: false,
          plan: (ctx) => Promise.resolve(ctx.sources),
          run: () => Promise.resolve({ ok: true, warnings: false }),
        },
      ],
      options: { maxAttempts: 1, retryBaseDelayMs: 0, taskTimeoutMs: 600_000, taskConcurrency: 1 },
      now: () => now,
    });
    scheduler = new Scheduler(state, refresh, () => now);
  }

  beforeEach(setup);

  afterEach(async () => {
    await refresh.stop();
    await state.close();
  });

  const schedule = (patch: Partial<ScheduleRow>): ScheduleRow => ({
    instance: 'default',
    isActive: true,
    timezoneId: 'UTC',
    cronSchedules: ['0 6 * * *'],
    nextRunAt: null,
    updatedAt: now.toISOString(),
    ...patch,
  });
  const jobsOf = (instance: string) => state.listJobs(instance, { limit: 100, offset: 0 });

  void it('submits one scheduled job for a due schedule however many runs were missed', async () => {
    const threeDaysAgo = new Date(now.getTime() - 3 * 86_400_000).toISOString();
    await state.putSchedule(schedule({ nextRunAt: threeDaysAgo }));
    const ids = await scheduler.tick(now);
    assert.equal(ids.length, 1);
    const job = await refresh.waitFor(ids[0] ?? '');
    assert.deepEqual(
      [job?.instance, job?.submissionKind, job?.jobType, job?.status],
      ['default', 'scheduled', 'full', 'successful'],
    );
    assert.equal((await jobsOf('default')).length, 1);
    const next = await state.getSchedule('default');
    assert.equal(next?.nextRunAt, '2026-07-02T06:00:00.000Z');

    // The same instant again is no longer due.
    assert.deepEqual(await scheduler.tick(now), []);
    assert.equal((await jobsOf('default')).length, 1);
  });

  void it('submits nothing for a schedule not yet due, and leaves its next run alone', async () => {
    const later = '2026-07-01T12:00:00.001Z';
    await state.putSchedule(schedule({ nextRunAt: later }));
    assert.deepEqual(await scheduler.tick(now), []);
    assert.equal((await state.getSchedule('default'))?.nextRunAt, later);
    assert.deepEqual(await jobsOf('default'), []);
  });

  void it('fires a schedule exactly at its next run time', async () => {
    await state.putSchedule(schedule({ nextRunAt: now.toISOString() }));
    const ids = await scheduler.tick(now);
    assert.equal(ids.length, 1);
    assert.equal((await refresh.waitFor(ids[0] ?? ''))?.submissionKind, 'scheduled');
  });

  void it('submits nothing for an inactive schedule, even one long overdue', async () => {
    const past = '2026-06-01T06:00:00.000Z';
    await state.putSchedule(schedule({ isActive: false, nextRunAt: past }));
    assert.deepEqual(await scheduler.tick(now), []);
    assert.deepEqual(await jobsOf('default'), []);
    assert.equal((await state.getSchedule('default'))?.nextRunAt, past);
  });

  void it('computes a missing next run without submitting, then fires at that time', async () => {
    await state.putSchedule(schedule({ nextRunAt: null }));
    assert.deepEqual(await scheduler.tick(now), []);
    assert.deepEqual(await jobsOf('default'), []);
    const nextRunAt = (await state.getSchedule('default'))?.nextRunAt;
    assert.equal(nextRunAt, '2026-07-02T06:00:00.000Z');

    assert.ok(nextRunAt);
    const ids = await scheduler.tick(new Date(nextRunAt));
    assert.equal(ids.length, 1);
    assert.equal((await refresh.waitFor(ids[0] ?? ''))?.status, 'successful');
    assert.equal((await state.getSchedule('default'))?.nextRunAt, '2026-07-03T06:00:00.000Z');
  });

  void it('fires only the instances whose schedule is due', async () => {
    await state.putSchedule(schedule({ nextRunAt: '2026-07-01T06:00:00.000Z' }));
    await state.putSchedule(schedule({ instance: 'other', nextRunAt: '2026-07-02T06:00:00.000Z' }));
    const ids = await scheduler.tick(now);
    assert.equal(ids.length, 1);
    assert.equal((await refresh.waitFor(ids[0] ?? ''))?.instance, 'default');
    assert.deepEqual(await jobsOf('other'), []);
  });

  void it('saveSchedule stores the next run of an active schedule and none for a paused one', async () => {
    const body = { isActive: true, timezoneId: 'Europe/London', cronSchedules: ['30 1 * * *'] };
    const row = await saveSchedule(state, 'default', body, now);
    assert.equal(row.nextRunAt, '2026-07-02T00:30:00.000Z');
    assert.deepEqual(await state.getSchedule('default'), row);
    await saveSchedule(state, 'default', { ...body, isActive: false }, now);
    assert.equal((await state.getSchedule('default'))?.nextRunAt, null);
    assert.deepEqual(await scheduler.tick(new Date('2027-01-01T00:00:00Z')), []);
  });
});
