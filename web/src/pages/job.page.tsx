/**
 * One job: its facts, a Gantt timeline of its tasks and a table with attempts, rows and errors.
 * Polls every second until the job ends; a queued or running job can be canceled.
 */
import { useState } from 'preact/hooks';
import { api, instancePath } from '../api.client';
import { isFinal, type Job } from '../api.types';
import { href } from '../app.router';
import { GanttChart } from '../components/gantt.chart';
import { ErrorNotice, Loading, PageHeader } from '../components/states.view';
import { StatusBadge } from '../components/status.badge';
import {
  durationBetween,
  formatClock,
  formatCount,
  formatDateTime,
  formatDuration,
  shortId,
  taskLabel,
} from '../format';
import { useResource } from '../resource.hook';

export function JobPage({
  instance,
  params,
}: {
  instance: string;
  params: Record<string, string>;
}) {
  const jobId = params.jobId ?? '';
  const path = instancePath(instance, `/workflows/main/jobs/${encodeURIComponent(jobId)}`);
  const res = useResource(() => api.get<Job>(path), [path], {
    pollMs: (job) => (job && isFinal(job.status) ? null : 1000),
  });
  const [selected, setSelected] = useState<string | null>(null);
  const [cancelError, setCancelError] = useState<Error | null>(null);
  const job = res.data;
  const now = Date.now();
  const live = job !== undefined && !isFinal(job.status);

  const cancel = async (): Promise<void> => {
    setCancelError(null);
    try {
      await api.post<Job>(`${path}/cancel`);
      res.reload();
    } catch (e) {
      setCancelError(e as Error);
    }
  };

  return (
    <>
      <p class="breadcrumb">
        <a href={href(instance, 'jobs')}>Jobs</a> <span aria-hidden="true">/</span>
      </p>
      <PageHeader
        title={
          <>
            Job <span class="mono">{shortId(jobId)}</span>
          </>
        }
        subtitle={
          job && (
            <span class="job-status-line">
              <span data-testid="job-status" data-status={job.status}>
                <StatusBadge status={job.status} />
              </span>
              {live && (
                <span class="live" aria-label="Updating live">
                  <span class="live-dot" aria-hidden="true" /> live
                </span>
              )}
            </span>
          )
        }
        actions={
          live ? (
            <button type="button" class="button button-danger" onClick={() => void cancel()}>
              Cancel job
            </button>
          ) : undefined
        }
      />
      {cancelError && <ErrorNotice error={cancelError} />}
      {res.error && <ErrorNotice error={res.error} onRetry={res.reload} />}
      {!job && !res.error && <Loading />}
      {job && (
        <>
          <dl class="facts">
            <div>
              <dt>Started by</dt>
              <dd>{job.submissionKind === 'scheduled' ? 'Schedule' : 'On demand'}</dd>
            </div>
            <div>
              <dt>Scope</dt>
              <dd>{job.jobType === 'full' ? 'Full' : `Sources: ${job.identifiers.join(', ')}`}</dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>{formatDateTime(job.createdAt)}</dd>
            </div>
            <div>
              <dt>Duration</dt>
              <dd>{formatDuration(durationBetween(job.startedAt, job.endedAt, now))}</dd>
            </div>
          </dl>

          <section class="panel" aria-labelledby="timeline-title">
            <div class="panel-head">
              <h2 id="timeline-title" class="panel-title">
                Timeline
              </h2>
              <span class="muted small">
                {job.startedAt ? `from ${formatClock(job.startedAt)}` : 'waiting to start'}
              </span>
            </div>
            {(job.tasks ?? []).length === 0 ? (
              <p class="muted">This job has no tasks.</p>
            ) : (
              <GanttChart
                tasks={job.tasks ?? []}
                jobStart={job.startedAt}
                now={now}
                selected={selected}
                onSelect={setSelected}
              />
            )}
          </section>

          <section class="panel" aria-labelledby="tasks-title">
            <h2 id="tasks-title" class="panel-title">
              Tasks
            </h2>
            <div class="table-wrap">
              <table class="table table-dense" data-testid="tasks-table">
                <thead>
                  <tr>
                    <th scope="col">Task</th>
                    <th scope="col">Status</th>
                    <th scope="col" class="num">
                      Attempts
                    </th>
                    <th scope="col" class="num">
                      Duration
                    </th>
                    <th scope="col" class="num">
                      Rows
                    </th>
                    <th scope="col" class="num">
                      Rejected
                    </th>
                    <th scope="col">Error</th>
                  </tr>
                </thead>
                <tbody>
                  {(job.tasks ?? []).map((t) => (
                    <tr
                      key={t.id}
                      class={selected === t.id ? 'is-selected' : undefined}
                      onClick={() => setSelected(t.id)}
                    >
                      <th scope="row" class="mono">
                        {taskLabel(t)}
                      </th>
                      <td>
                        <StatusBadge status={t.status} compact />
                      </td>
                      <td class="num">{t.attempts}</td>
                      <td class="num">
                        {formatDuration(durationBetween(t.startedAt, t.endedAt, now))}
                      </td>
                      <td class="num">{formatCount(t.rowsRead)}</td>
                      <td class="num">{formatCount(t.rowsRejected)}</td>
                      <td class="cell-error">
                        {t.error ? (
                          <>
                            {t.error.message} <span class="muted">({t.error.code})</span>
                          </>
                        ) : (
                          ''
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </>
  );
}
