/**
 * One data source: its definition, last refresh, and the rows its last refresh rejected
 * (file, line, reason, raw text), a page at a time, per table.
 */
import { useCallback, useState } from 'preact/hooks';
import { api, instancePath, query } from '../api.client';
import type { CorruptRow, DataSource, List, SourceDefinition } from '../api.types';
import { href } from '../app.router';
import { RefreshTracker, type StartedJob } from '../components/refresh.tracker';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/states.view';
import { StatusBadge } from '../components/status.badge';
import { formatCount, formatDateTime, formatRelative, shortId } from '../format';
import { useResource } from '../resource.hook';
import { startRefresh } from './sources.page';

const pageSize = 25;

interface SourceData {
  status: DataSource | undefined;
  definition: SourceDefinition;
}

async function loadSource(instance: string, name: string): Promise<SourceData> {
  const base = `/manage/datasources/${encodeURIComponent(name)}`;
  const [list, definition] = await Promise.all([
    api.get<List<DataSource>>(instancePath(instance, '/manage/datasources')),
    api.get<SourceDefinition>(instancePath(instance, base)),
  ]);
  return { status: list.value.find((s) => s.name === name), definition };
}

function CorruptRows({
  instance,
  source,
  table,
}: {
  instance: string;
  source: string;
  table: string;
}) {
  const [skip, setSkip] = useState(0);
  const res = useResource(
    () =>
      api.get<List<CorruptRow>>(
        instancePath(
          instance,
          `/manage/datasources/${encodeURIComponent(source)}/corrupt${query({ table, $top: pageSize + 1, $skip: skip })}`,
        ),
      ),
    [instance, source, table, skip],
  );
  if (res.error) return <ErrorNotice error={res.error} onRetry={res.reload} />;
  if (!res.data) return <Loading label="Loading rejected rows…" />;
  const rows = res.data.value.slice(0, pageSize);
  const hasMore = res.data.value.length > pageSize;
  if (rows.length === 0 && skip === 0) {
    return (
      <EmptyState title="No rejected rows">
        The last refresh of <code>{table}</code> kept every row.
      </EmptyState>
    );
  }
  return (
    <>
      <div class="table-wrap">
        <table class="table table-dense" data-testid="corrupt-rows">
          <caption class="sr-only">Rows of {table} rejected by the last refresh</caption>
          <thead>
            <tr>
              <th scope="col" class="num">
                Line
              </th>
              <th scope="col">Reason</th>
              <th scope="col">Raw row</th>
              <th scope="col">File</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={`${skip + i}`}>
                <td class="num">{r.line ?? '—'}</td>
                <td class="reason">{r.reason}</td>
                <td>
                  <code class="raw">{r.raw ?? '—'}</code>
                </td>
                <td class="muted small file">{r.file ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Rejected rows pages">
        <button
          type="button"
          class="button button-small"
          disabled={skip === 0}
          onClick={() => setSkip(Math.max(0, skip - pageSize))}
        >
          Previous
        </button>
        <span class="muted">
          Rows {skip + 1}–{skip + rows.length}
        </span>
        <button
          type="button"
          class="button button-small"
          disabled={!hasMore}
          onClick={() => setSkip(skip + pageSize)}
        >
          Next
        </button>
      </nav>
    </>
  );
}

export function SourcePage({
  instance,
  params,
}: {
  instance: string;
  params: Record<string, string>;
}) {
  const name = params.name ?? '';
  const res = useResource(() => loadSource(instance, name), [instance, name]);
  const [table, setTable] = useState<string | null>(null);
  const [started, setStarted] = useState<StartedJob | null>(null);
  const [startError, setStartError] = useState<Error | null>(null);
  const reload = res.reload;
  const onEnd = useCallback(() => reload(), [reload]);

  const refresh = async (): Promise<void> => {
    setStartError(null);
    try {
      const r = await startRefresh(instance, [name]);
      setStarted({ jobId: r.jobId, what: name, coalesced: r.coalesced });
    } catch (e) {
      setStartError(e as Error);
    }
  };

  const data = res.data;
  const tables = data?.definition.tables ?? [];
  const current = table ?? tables[0]?.name ?? null;
  const s = data?.status;

  return (
    <>
      <p class="breadcrumb">
        <a href={href(instance, 'sources')}>Data sources</a> <span aria-hidden="true">/</span>
      </p>
      <PageHeader
        title={name}
        subtitle={data?.definition.description}
        actions={
          <button type="button" class="button button-primary" onClick={() => void refresh()}>
            Refresh
          </button>
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
      {!data && !res.error && <Loading />}
      {data && (
        <>
          <dl class="facts">
            <div>
              <dt>Status</dt>
              <dd>{s ? <StatusBadge status={s.status} /> : '—'}</dd>
            </div>
            <div>
              <dt>Last refresh</dt>
              <dd title={formatDateTime(s?.lastRefresh ?? null)}>
                {formatRelative(s?.lastRefresh ?? null)}
                {s?.lastJobId && (
                  <>
                    {' · '}
                    <a href={href(instance, 'jobs', s.lastJobId)}>job {shortId(s.lastJobId)}</a>
                  </>
                )}
              </dd>
            </div>
            <div>
              <dt>Rows</dt>
              <dd>{formatCount(s?.rowsRead)}</dd>
            </div>
            <div>
              <dt>Rejected rows</dt>
              <dd>{formatCount(s?.rowsRejected)}</dd>
            </div>
            <div>
              <dt>Owners</dt>
              <dd>
                {(data.definition.owners ?? []).length === 0
                  ? 'none'
                  : (data.definition.owners ?? []).map((o, i) => (
                      <span key={o}>
                        {i > 0 && ', '}
                        <a href={`mailto:${o}`}>{o}</a>
                      </span>
                    ))}
              </dd>
            </div>
          </dl>
          {s?.error && (
            <div class="notice notice-error" role="alert">
              <div>
                <strong>The last refresh failed.</strong> {s.error.message}{' '}
                <span class="muted">({s.error.code})</span>
              </div>
            </div>
          )}

          <section class="panel" aria-labelledby="tables-title">
            <h2 id="tables-title" class="panel-title">
              Tables
            </h2>
            <div class="table-wrap">
              <table class="table table-dense">
                <thead>
                  <tr>
                    <th scope="col">Table</th>
                    <th scope="col">Format</th>
                    <th scope="col">Primary key</th>
                    <th scope="col">Location</th>
                  </tr>
                </thead>
                <tbody>
                  {tables.map((t) => (
                    <tr key={t.name}>
                      <th scope="row">{t.name}</th>
                      <td>{t.format}</td>
                      <td>
                        <code>
                          {Array.isArray(t.primaryKey)
                            ? t.primaryKey.join(', ')
                            : (t.primaryKey ?? '—')}
                        </code>
                      </td>
                      <td class="file">
                        <code>{t.path ?? t.table ?? t.query ?? '—'}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          <section class="panel" aria-labelledby="corrupt-title">
            <div class="panel-head">
              <h2 id="corrupt-title" class="panel-title">
                Rejected rows of the last refresh
              </h2>
              {tables.length > 1 && (
                <div class="segmented" role="group" aria-label="Table">
                  {tables.map((t) => (
                    <button
                      key={t.name}
                      type="button"
                      class={`segmented-item${t.name === current ? ' is-active' : ''}`}
                      aria-pressed={t.name === current}
                      onClick={() => setTable(t.name)}
                    >
                      {t.name}
                    </button>
                  ))}
                </div>
              )}
            </div>
            {current ? (
              <CorruptRows key={current} instance={instance} source={name} table={current} />
            ) : (
              <p class="muted">This source has no tables.</p>
            )}
          </section>
        </>
      )}
    </>
  );
}
