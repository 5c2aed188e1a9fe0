/**
 * Home: what is running, how the last job went, when the next scheduled run is, and what needs
 * attention (failed sources, rejected rows, disabled subscriptions). Polls quickly while a job runs.
 */
import { ApiError, api, instancePath } from '../api.client';
import { StatusReportsPanel } from '../components/status-reports.panel';
import {
  isFinal,
  type DataSource,
  type Flow,
  type Job,
  type List,
  type Schedule,
  type Subscription,
} from '../api.types';
import { href } from '../app.router';
import { JobsChart } from '../components/jobs.chart';
import { ErrorNotice, Loading, PageHeader } from '../components/states.view';
import { StatusBadge } from '../components/status.badge';
import {
  durationBetween,
  formatCount,
  formatDateTime,
  formatDuration,
  formatRelative,
  shortId,
} from '../format';
import { useResource } from '../resource.hook';

interface HomeData {
  jobs: Job[];
  running: Job | null;
  sources: DataSource[];
  schedule: Schedule;
  subscriptions: Subscription[];
  flows: Flow[];
}

async function loadHome(instance: string): Promise<HomeData> {
  const [jobs, sources, schedule, subscriptions, flows] = await Promise.all([
    api.get<List<Job>>(instancePath(instance, '/workflows/main/jobs?$top=24')),
    api.get<List<DataSource>>(instancePath(instance, '/manage/datasources')),
    api.get<Schedule>(instancePath(instance, '/workflows/main/schedules')),
    // A key without the subscribe scope (403) has no subscriptions to look after.
    api.get<List<Subscription>>(instancePath(instance, '/subscriptions')).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 403) return { value: [] };
      throw e;
    }),
    api.get<List<Flow>>(instancePath(instance, '/flows')),
  ]);
  const active = jobs.value.find((j) => !isFinal(j.status));
  const running = active
    ? await api.get<Job>(instancePath(instance, `/workflows/main/jobs/${active.jobId}`))
    : null;
  return {
    jobs: jobs.value,
    running,
    sources: sources.value,
    schedule,
    subscriptions: subscriptions.value,
    flows: flows.value,
  };
}

interface Attention {
  key: string;
  level: 'error' | 'warning';
  title: string;
  detail: string;
  link: string;
  linkLabel: string;
}

function listAttention(
  instance: string,
  sources: DataSource[],
  subscriptions: Subscription[],
): Attention[] {
  const items: Attention[] = [];
  for (const s of sources) {
    if (s.status === 'failed') {
      items.push({
        key: `failed-${s.name}`,
        level: 'error',
        title: `Data source ${s.name} failed`,
        detail: s.error?.message ?? 'The last refresh failed.',
        link: href(instance, 'sources', s.name),
        linkLabel: 'Open source',
      });
    } else if ((s.rowsRejected ?? 0) > 0) {
      items.push({
        key: `rejected-${s.name}`,
        level: 'warning',
        title: `${formatCount(s.rowsRejected)} rejected rows in ${s.name}`,
        detail: `The last refresh kept ${formatCount(s.rowsRead)} rows and set these aside with reasons.`,
        link: href(instance, 'sources', s.name),
        linkLabel: 'See rejected rows',
      });
    }
  }
  for (const sub of subscriptions) {
    if (sub.status !== 'disabled') continue;
    items.push({
      key: `subscription-${sub.id}`,
      level: 'error',
      title: `Subscription to ${sub.event} is disabled`,
      detail: sub.disabledReason ?? 'It was disabled; its events are not delivered.',
      link: href(instance, 'subscriptions', sub.id),
      linkLabel: 'Open subscription',
    });
  }
  return items;
}

/** Flows whose last delivered run failed, that are failing, or that delivery disabled. */
function listFailingFlows(instance: string, flows: Flow[]): Attention[] {
  return flows
    .filter(
      (f) =>
        f.failingSince !== null ||
        f.disabledReason === 'failing' ||
        f.disabledReason === 'gone' ||
        (f.lastRun?.status === 'failed' && !f.lastRun.test),
    )
    .map((f) => ({
      key: `flow-${f.name}`,
      level: 'error' as const,
      title: `Flow ${f.name} is failing`,
      detail:
        f.disabledReason === 'failing' || f.disabledReason === 'gone'
          ? 'Delivery disabled it after its target kept failing. Fix the target, then enable it.'
          : (f.lastRun?.error ??
            'Its last run failed; failed actions are retried on the delivery schedule.'),
      link: href(instance, 'flows', f.name),
      linkLabel: 'Open flow',
    }));
}

function RunningCard({ instance, job, now }: { instance: string; job: Job | null; now: number }) {
  if (!job) {
    return (
      <section class="card stat-card" aria-labelledby="running-title">
        <h2 id="running-title" class="card-title">
          Running now
        </h2>
        <p class="stat-value muted">Idle</p>
        <p class="muted">No job is queued or running.</p>
      </section>
    );
  }
  const tasks = job.tasks ?? [];
  const done = tasks.filter((t) => isFinal(t.status)).length;
  const pct = tasks.length ? Math.round((done / tasks.length) * 100) : 0;
  return (
    <section class="card stat-card" aria-labelledby="running-title">
      <h2 id="running-title" class="card-title">
        Running now
      </h2>
      <p class="stat-value">
        <StatusBadge status={job.status} />
      </p>
      <div
        class="progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={tasks.length}
        aria-valuenow={done}
        aria-label="Tasks finished"
      >
        <span style={{ width: `${pct}%` }} />
      </div>
      <p class="muted">
        {done} of {tasks.length} tasks · {formatDuration(durationBetween(job.startedAt, null, now))}{' '}
        · <a href={href(instance, 'jobs', job.jobId)}>job {shortId(job.jobId)}</a>
      </p>
    </section>
  );
}

export function HomePage({ instance }: { instance: string }) {
  const res = useResource(() => loadHome(instance), [instance], {
    pollMs: (d) => (d?.running ? 1500 : 15000),
  });
  const now = Date.now();
  const data = res.data;
  const last = data?.jobs.find((j) => isFinal(j.status));
  const attention = data
    ? [
        ...listAttention(instance, data.sources, data.subscriptions),
        ...listFailingFlows(instance, data.flows),
      ]
    : [];
  const count = (status: string): number =>
    data?.sources.filter((s) => s.status === status).length ?? 0;
  const breakdown = [
    [count('successful'), 'successful'],
    [count('completedWithWarnings'), 'with warnings'],
    [count('failed'), 'failed'],
    [count('notStarted'), 'not refreshed yet'],
  ] as const;

  return (
    <>
      <PageHeader title="Overview" subtitle={`Instance ${instance}`} />
      {res.error && <ErrorNotice error={res.error} onRetry={res.reload} />}
      {!data && !res.error && <Loading />}
      {data && (
        <>
          <div class="card-grid">
            <RunningCard instance={instance} job={data.running} now={now} />
            <section class="card stat-card" aria-labelledby="last-title">
              <h2 id="last-title" class="card-title">
                Last job
              </h2>
              {last ? (
                <>
                  <p class="stat-value">
                    <StatusBadge status={last.status} />
                  </p>
                  <p class="muted">
                    Ended {formatRelative(last.endedAt, now)} · took{' '}
                    {formatDuration(durationBetween(last.startedAt, last.endedAt))} ·{' '}
                    <a href={href(instance, 'jobs', last.jobId)}>timeline</a>
                  </p>
                </>
              ) : (
                <p class="muted">No job has finished yet.</p>
              )}
            </section>
            <section class="card stat-card" aria-labelledby="next-title">
              <h2 id="next-title" class="card-title">
                Next scheduled run
              </h2>
              {data.schedule.isActive && data.schedule.nextRunAt ? (
                <>
                  <p class="stat-value">{formatRelative(data.schedule.nextRunAt, now)}</p>
                  <p class="muted">
                    {formatDateTime(data.schedule.nextRunAt, data.schedule.timezoneId)} ·{' '}
                    <a href={href(instance, 'schedule')}>schedule</a>
                  </p>
                </>
              ) : (
                <>
                  <p class="stat-value muted">Not scheduled</p>
                  <p class="muted">
                    Refreshes run only on demand. <a href={href(instance, 'schedule')}>Set times</a>
                  </p>
                </>
              )}
            </section>
            <section class="card stat-card" aria-labelledby="sources-title">
              <h2 id="sources-title" class="card-title">
                Data sources
              </h2>
              <p class="stat-value">{data.sources.length}</p>
              <p class="muted">
                {breakdown
                  .filter(([n]) => n > 0)
                  .map(([n, label]) => `${n} ${label}`)
                  .join(' · ') || 'None yet'}{' '}
                · <a href={href(instance, 'sources')}>see all</a>
              </p>
            </section>
          </div>

          <section class="panel" aria-labelledby="attention-title">
            <h2 id="attention-title" class="panel-title">
              Needs attention
            </h2>
            {attention.length === 0 ? (
              <p class="all-clear">
                <span aria-hidden="true">✓</span> Nothing needs attention.
              </p>
            ) : (
              <ul class="attention-list">
                {attention.map((a) => (
                  <li key={a.key} class={`attention attention-${a.level}`}>
                    <div>
                      <strong>{a.title}</strong>
                      <p class="muted">{a.detail}</p>
                    </div>
                    <a class="button button-small" href={a.link}>
                      {a.linkLabel}
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <StatusReportsPanel instance={instance} />

          <section class="panel" aria-labelledby="recent-title">
            <div class="panel-head">
              <h2 id="recent-title" class="panel-title">
                Recent jobs
              </h2>
              <a href={href(instance, 'jobs')}>All jobs</a>
            </div>
            {data.jobs.length === 0 ? (
              <p class="muted">No job has run yet. Start one from Data sources or Jobs.</p>
            ) : (
              <JobsChart jobs={data.jobs} instance={instance} now={now} />
            )}
          </section>
        </>
      )}
    </>
  );
}
