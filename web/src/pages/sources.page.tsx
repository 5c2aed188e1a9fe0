/** Data sources: status, last refresh, rows and rejected rows, owners; refresh one or all. */
import { useCallback, useState } from 'preact/hooks';
import { api, instancePath, query } from '../api.client';
import type { DataSource, JobStarted, List } from '../api.types';
import { href } from '../app.router';
import { RefreshTracker, type StartedJob } from '../components/refresh.tracker';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/states.view';
import { StatusBadge } from '../components/status.badge';
import { formatCount, formatDateTime, formatRelative } from '../format';
import { useResource } from '../resource.hook';

/** POST …/workflows/main/jobs?identifiers=… ; an empty list is a full refresh. */
export async function startRefresh(instance: string, sources: string[]): Promise<JobStarted> {
  return api.post<JobStarted>(
    instancePath(
      instance,
      `/workflows/main/jobs${query({ identifiers: sources.length ? sources.join(',') : undefined })}`,
    ),
  );
}

export function SourcesPage({ instance }: { instance: string }) {
  const res = useResource(
    () => api.get<List<DataSource>>(instancePath(instance, '/manage/datasources')),
    [instance],
    { pollMs: (d) => (d?.value.some((s) => s.status === 'running') ? 2000 : null) },
  );
  const [started, setStarted] = useState<StartedJob | null>(null);
  const [startError, setStartError] = useState<Error | null>(null);
  const reload = res.reload;
  const onEnd = useCallback(() => reload(), [reload]);

  const refresh = async (sources: string[]): Promise<void> => {
    setStartError(null);
    try {
      const r = await startRefresh(instance, sources);
      setStarted({
        jobId: r.jobId,
        what: sources.length ? sources.join(', ') : 'all sources',
        coalesced: r.coalesced,
      });
      reload();
    } catch (e) {
      setStartError(e as Error);
    }
  };

  const sources = res.data?.value;
  return (
    <>
      <PageHeader
        title="Data sources"
        subtitle="Where customer data comes from, and how its last refresh went."
        actions={
          sources && sources.length > 0 ? (
            <button type="button" class="button button-primary" onClick={() => void refresh([])}>
              Refresh all
            </button>
          ) : undefined
        }
      />
      {started && (
        <RefreshTracker
          key={started.jobId}
          instance={instance}
          started={started}
          onEnd={onEnd}
          onDismiss={() => setStarted(null)}
        />
      )}
      {startError && <ErrorNotice error={startError} />}
      {res.error && <ErrorNotice error={res.error} onRetry={res.reload} />}
      {!sources && !res.error && <Loading />}
      {sources && sources.length === 0 && (
        <EmptyState title="No data sources yet">
          Add one with <code>tributary apply -f project.yaml</code> or{' '}
          <code>PUT /v1/instances/{instance}/manage/datasources/&lt;name&gt;</code>.
        </EmptyState>
      )}
      {sources && sources.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <caption class="sr-only">Data sources of instance {instance}</caption>
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col">Status</th>
                <th scope="col">Last refresh</th>
                <th scope="col" class="num">
                  Rows
                </th>
                <th scope="col" class="num">
                  Rejected
                </th>
                <th scope="col">Owners</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sources.map((s) => (
                <tr key={s.name} data-source={s.name}>
                  <th scope="row">
                    <a class="strong-link" href={href(instance, 'sources', s.name)}>
                      {s.name}
                    </a>
                    <div class="muted small">
                      {s.kind} · {s.tables.length} {s.tables.length === 1 ? 'table' : 'tables'}
                    </div>
                  </th>
                  <td>
                    <StatusBadge status={s.status} />
                    {s.error && <div class="cell-error">{s.error.message}</div>}
                  </td>
                  <td title={formatDateTime(s.lastRefresh)}>{formatRelative(s.lastRefresh)}</td>
                  <td class="num">{formatCount(s.rowsRead)}</td>
                  <td class="num">
                    {(s.rowsRejected ?? 0) > 0 ? (
                      <a
                        class="rejected-link"
                        href={href(instance, 'sources', s.name)}
                        aria-label={`${formatCount(s.rowsRejected)} rejected rows of ${s.name}`}
                      >
                        {formatCount(s.rowsRejected)}
                      </a>
                    ) : (
                      formatCount(s.rowsRejected)
                    )}
                  </td>
                  <td>
                    <ul class="owners">
                      {s.owners.map((o) => (
                        <li key={o}>
                          <a href={`mailto:${o}`}>{o}</a>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td class="actions">
                    <button
                      type="button"
                      class="button button-small"
                      onClick={() => void refresh([s.name])}
                      aria-label={`Refresh ${s.name}`}
                    >
                      Refresh
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
