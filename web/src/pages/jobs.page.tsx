/** Jobs: the history, newest first, a page at a time, with a chart of recent durations. */
import { useState } from 'preact/hooks';
import { api, instancePath, query } from '../api.client';
import { isFinal, type Job, type List } from '../api.types';
import { href, navigate } from '../app.router';
import { JobsChart } from '../components/jobs.chart';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/states.view';
import { StatusBadge } from '../components/status.badge';
import {
  durationBetween,
  formatDateTime,
  formatDuration,
  formatRelative,
  shortId,
} from '../format';
import { useResource } from '../resource.hook';
import { startRefresh } from './sources.page';

const pageSize = 25;

export function JobsPage({ instance }: { instance: string }) {
  const [skip, setSkip] = useState(0);
  const [startError, setStartError] = useState<Error | null>(null);
  const res = useResource(
    () =>
      api.get<List<Job>>(
        instancePath(instance, `/workflows/main/jobs${query({ $top: pageSize + 1, $skip: skip })}`),
      ),
    [instance, skip],
    { pollMs: (d) => (d?.value.some((j) => !isFinal(j.status)) ? 1500 : 10000) },
  );
  const jobs = res.data?.value.slice(0, pageSize);
  const hasMore = (res.data?.value.length ?? 0) > pageSize;
  const now = Date.now();

  const startFull = async (): Promise<void> => {
    setStartError(null);
    try {
      const r = await startRefresh(instance, []);
      navigate(href(instance, 'jobs', r.jobId));
    } catch (e) {
      setStartError(e as Error);
    }
  };

  return (
    <>
      <PageHeader
        title="Jobs"
        subtitle="Every refresh of this instance, on demand or scheduled."
        actions={
          <button type="button" class="button button-primary" onClick={() => void startFull()}>
            Start a full refresh
          </button>
        }
      />
      {startError && <ErrorNotice error={startError} />}
      {res.error && <ErrorNotice error={res.error} onRetry={res.reload} />}
      {!jobs && !res.error && <Loading />}
      {jobs && jobs.length === 0 && skip === 0 && (
        <EmptyState title="No jobs yet">
          Start a refresh here or from Data sources; scheduled runs appear here too.
        </EmptyState>
      )}
      {jobs && jobs.length > 0 && (
        <>
          {skip === 0 && (
            <section class="panel" aria-label="Durations of recent jobs">
              <JobsChart jobs={jobs} instance={instance} now={now} />
            </section>
          )}
          <div class="table-wrap">
            <table class="table" data-testid="jobs-table">
              <caption class="sr-only">Job history, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Job</th>
                  <th scope="col">Status</th>
                  <th scope="col">Started by</th>
                  <th scope="col">Scope</th>
                  <th scope="col">Created</th>
                  <th scope="col" class="num">
                    Duration
                  </th>
                </tr>
              </thead>
              <tbody>
                {jobs.map((j) => (
                  <tr key={j.jobId}>
                    <th scope="row">
                      <a class="strong-link mono" href={href(instance, 'jobs', j.jobId)}>
                        {shortId(j.jobId)}
                      </a>
                    </th>
                    <td>
                      <StatusBadge status={j.status} />
                    </td>
                    <td>{j.submissionKind === 'scheduled' ? 'Schedule' : 'On demand'}</td>
                    <td>{j.jobType === 'full' ? 'Full' : j.identifiers.join(', ')}</td>
                    <td title={formatDateTime(j.createdAt)}>{formatRelative(j.createdAt, now)}</td>
                    <td class="num">
                      {formatDuration(durationBetween(j.startedAt, j.endedAt, now))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav class="pager" aria-label="Job history pages">
            <button
              type="button"
              class="button button-small"
              disabled={skip === 0}
              onClick={() => setSkip(Math.max(0, skip - pageSize))}
            >
              Newer
            </button>
            <span class="muted">
              {skip + 1}–{skip + jobs.length}
            </span>
            <button
              type="button"
              class="button button-small"
              disabled={!hasMore}
              onClick={() => setSkip(skip + pageSize)}
            >
              Older
            </button>
          </nav>
        </>
      )}
    </>
  );
}
