/**
 * One segment: its member count over time with the thresholds that watch it, the current members a
 * page at a time (Customer filtered by `Segments/any(...)`), and its definition in the builder.
 * `new-segment` shows only the builder (not `segments/new`: "new" is a valid segment name).
 */
import { useState } from 'preact/hooks';
import { api, instancePath } from '../api.client';
import type { EntityInfo, List, Row, SegmentDefinition, SegmentHistoryEntry } from '../api.types';
import { href } from '../app.router';
import { CustomerTable } from '../components/customer.table';
import { HistoryChart } from '../components/history.chart';
import { Pager } from '../components/pager.view';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/states.view';
import { formatCount, formatDateTime, formatRelative, shortId } from '../format';
import { getEntityPage, odataString } from '../odata';
import { useResource } from '../resource.hook';
import { loadWatched } from '../thresholds';
import { SegmentEditor } from './segment.editor';

const pageSize = 20;
const memberColumns = ['FullName', 'Email', 'City', 'Country'];

function Members({ instance, name }: { instance: string; name: string }) {
  const [skip, setSkip] = useState(0);
  const columns = useResource(
    () => api.get<List<EntityInfo>>(instancePath(instance, '/manage/entities')),
    [instance],
  );
  const customerColumns =
    columns.data?.value.find((e) => e.name === 'Customer')?.columns.map((c) => c.name) ?? [];
  const shown = memberColumns.filter((c) => customerColumns.includes(c));
  const res = useResource(
    () =>
      columns.data
        ? getEntityPage<Row>(instance, 'Customer', {
            $filter: `Segments/any(s: s eq ${odataString(name)})`,
            $select: ['CustomerId', ...shown].join(','),
            $top: pageSize + 1,
            $skip: skip,
            $count: 'true',
          })
        : Promise.resolve(undefined),
    [instance, name, skip, columns.data !== undefined],
  );
  const err = columns.error ?? res.error;
  if (err) return <ErrorNotice error={err} onRetry={res.reload} />;
  if (!res.data) return <Loading label="Loading members…" />;
  const rows = res.data.value.slice(0, pageSize);
  if (rows.length === 0 && skip === 0) {
    return (
      <EmptyState title="No members">
        No profile satisfies the rule at the last evaluation.
      </EmptyState>
    );
  }
  return (
    <>
      <p class="muted small">{formatCount(res.data['@odata.count'])} members, by CustomerId.</p>
      <CustomerTable
        instance={instance}
        rows={rows}
        columns={shown}
        caption={`Members of ${name}`}
        testId="members-table"
      />
      <Pager
        label="Member pages"
        skip={skip}
        shown={rows.length}
        pageSize={pageSize}
        hasMore={res.data.value.length > pageSize}
        onSkip={setSkip}
      />
    </>
  );
}

export function NewSegmentPage({ instance }: { instance: string }) {
  return (
    <>
      <p class="breadcrumb">
        <a href={href(instance, 'segments')}>Segments and measures</a>{' '}
        <span aria-hidden="true">/</span>
      </p>
      <PageHeader title="New segment" subtitle="Build the rule; the count updates as you edit." />
      <section class="panel">
        <SegmentEditor instance={instance} initial={null} />
      </section>
    </>
  );
}

export function SegmentPage({
  instance,
  params,
}: {
  instance: string;
  params: Record<string, string>;
}) {
  const name = params.name ?? '';
  const res = useResource(
    () => loadWatched<SegmentDefinition, SegmentHistoryEntry>(instance, 'segment', name),
    [instance, name],
  );
  const [evaluation, setEvaluation] = useState<{ busy: boolean; error: Error | null }>({
    busy: false,
    error: null,
  });
  // Evaluates the stored definition now, outside a refresh (how static segments refresh).
  const evaluate = (): void => {
    setEvaluation({ busy: true, error: null });
    api.post(instancePath(instance, `/manage/segments/${encodeURIComponent(name)}/evaluate`)).then(
      () => {
        setEvaluation({ busy: false, error: null });
        res.reload();
      },
      (error: unknown) => setEvaluation({ busy: false, error: error as Error }),
    );
  };
  const data = res.data;
  const last = data?.history.at(-1);

  return (
    <>
      <p class="breadcrumb">
        <a href={href(instance, 'segments')}>Segments and measures</a>{' '}
        <span aria-hidden="true">/</span>
      </p>
      <PageHeader
        title={name}
        subtitle={data?.definition.description}
        actions={
          data && (
            <button type="button" class="button" disabled={evaluation.busy} onClick={evaluate}>
              {evaluation.busy ? 'Evaluating…' : 'Evaluate now'}
            </button>
          )
        }
      />
      {evaluation.error && <ErrorNotice error={evaluation.error} />}
      {res.error && <ErrorNotice error={res.error} onRetry={res.reload} />}
      {!data && !res.error && <Loading />}
      {data && (
        <>
          <dl class="facts">
            <div>
              <dt>Members</dt>
              <dd class="stat-value" data-testid="segment-count">
                {formatCount(last?.count)}
              </dd>
            </div>
            <div>
              <dt>Last evaluation</dt>
              <dd title={formatDateTime(last?.time ?? null)}>
                {last ? formatRelative(last.time) : 'never'}
                {last && (last.added !== null || last.removed !== null) && (
                  <span class="muted block small">
                    +{formatCount(last.added)} / −{formatCount(last.removed)}
                    {last.jobId && (
                      <>
                        {' · '}
                        <a href={href(instance, 'jobs', last.jobId)}>job {shortId(last.jobId)}</a>
                      </>
                    )}
                  </span>
                )}
              </dd>
            </div>
            <div>
              <dt>Refresh</dt>
              <dd>
                {data.definition.active === false
                  ? 'inactive'
                  : data.definition.refresh === 'static'
                    ? 'only when evaluated by hand'
                    : 'with every refresh'}
              </dd>
            </div>
            <div>
              <dt>Owners</dt>
              <dd>{(data.definition.owners ?? []).join(', ') || 'none'}</dd>
            </div>
          </dl>

          <section class="panel" aria-labelledby="history-title">
            <div class="panel-head">
              <h2 id="history-title" class="panel-title">
                Members over time
              </h2>
              <a href={href(instance, 'subscriptions')}>Thresholds: subscriptions</a>
            </div>
            {data.history.length === 0 ? (
              <p class="muted">Not evaluated yet: the next refresh records the first count.</p>
            ) : (
              <HistoryChart
                what="Members"
                thresholds={data.thresholds}
                points={data.history.map((h) => ({ time: h.time, value: h.count }))}
              />
            )}
            {data.thresholds.length === 0 && (
              <p class="muted small">No threshold watches this segment.</p>
            )}
          </section>

          <section class="panel" aria-labelledby="members-title">
            <h2 id="members-title" class="panel-title">
              Members
            </h2>
            {/* A new evaluation (a reload after Evaluate now) reads the members again. */}
            <Members key={last?.time ?? 'none'} instance={instance} name={name} />
          </section>

          <section class="panel" aria-labelledby="definition-title">
            <h2 id="definition-title" class="panel-title">
              Definition
            </h2>
            <SegmentEditor instance={instance} initial={data.definition} onSaved={res.reload} />
          </section>
        </>
      )}
    </>
  );
}
