/**
 * Segments and measures: every definition with its current count or value and a sparkline of its
 * recent history (one history request per row, loaded by the row).
 */
import { api, instancePath, query } from '../api.client';
import type {
  List,
  MeasureHistoryEntry,
  MeasureSummary,
  SegmentHistoryEntry,
  SegmentSummary,
} from '../api.types';
import { href } from '../app.router';
import { Sparkline } from '../components/sparkline';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/states.view';
import { formatCount, formatDateTime, formatRelative } from '../format';
import { useResource } from '../resource.hook';

const sparkPoints = 20;

function Spark({
  instance,
  kind,
  name,
}: {
  instance: string;
  kind: 'segments' | 'measures';
  name: string;
}) {
  const res = useResource(
    () =>
      api.get<List<SegmentHistoryEntry | MeasureHistoryEntry>>(
        instancePath(
          instance,
          `/manage/${kind}/${encodeURIComponent(name)}/history${query({ $top: sparkPoints })}`,
        ),
      ),
    [instance, kind, name],
  );
  if (res.error) return <span class="muted small">history unavailable</span>;
  if (!res.data) return <span class="muted small">…</span>;
  const values = res.data.value.map((h) => ('count' in h ? h.count : h.value));
  return <Sparkline values={values} what={kind === 'segments' ? 'Members' : 'Value'} />;
}

/** "scalar" measures have one value; dimensional and customer-level ones a value per group or customer. */
export function measureKindLabel(m: { perCustomer?: boolean; dimensions?: unknown[] }): string {
  if (m.perCustomer) return 'per customer';
  return m.dimensions?.length ? 'by dimension' : 'business';
}

export function formatMeasureValue(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  return v.toLocaleString(undefined, { maximumFractionDigits: 2 });
}

export function SegmentsPage({ instance }: { instance: string }) {
  const segments = useResource(
    () => api.get<List<SegmentSummary>>(instancePath(instance, '/manage/segments')),
    [instance],
  );
  const measures = useResource(
    () => api.get<List<MeasureSummary>>(instancePath(instance, '/manage/measures')),
    [instance],
  );
  const segs = segments.data?.value;
  const meas = measures.data?.value;

  return (
    <>
      <PageHeader
        title="Segments and measures"
        subtitle="Who is in each segment and what each measure says, after every refresh."
        actions={
          <a class="button button-primary" href={href(instance, 'new-segment')}>
            New segment
          </a>
        }
      />
      <section class="panel" aria-labelledby="segments-title">
        <h2 id="segments-title" class="panel-title">
          Segments
        </h2>
        {segments.error && <ErrorNotice error={segments.error} onRetry={segments.reload} />}
        {!segs && !segments.error && <Loading />}
        {segs && segs.length === 0 && (
          <EmptyState title="No segments yet">
            <a href={href(instance, 'new-segment')}>Build the first one</a>, or define them in the
            project file.
          </EmptyState>
        )}
        {segs && segs.length > 0 && (
          <div class="table-wrap">
            <table class="table table-dense" data-testid="segments-table">
              <caption class="sr-only">Segments with their current member count</caption>
              <thead>
                <tr>
                  <th scope="col">Segment</th>
                  <th scope="col" class="num">
                    Members
                  </th>
                  <th scope="col">Trend</th>
                  <th scope="col">Evaluated</th>
                  <th scope="col">Refresh</th>
                </tr>
              </thead>
              <tbody>
                {segs.map((s) => (
                  <tr key={s.name} data-segment={s.name}>
                    <th scope="row">
                      <a class="strong-link" href={href(instance, 'segments', s.name)}>
                        {s.name}
                      </a>
                      {s.description && <span class="muted block small">{s.description}</span>}
                    </th>
                    <td class="num">{formatCount(s.lastEvaluation?.count)}</td>
                    <td>
                      <Spark instance={instance} kind="segments" name={s.name} />
                    </td>
                    <td title={formatDateTime(s.lastEvaluation?.time ?? null)}>
                      {s.lastEvaluation ? formatRelative(s.lastEvaluation.time) : 'never'}
                    </td>
                    <td class="nowrap">
                      {s.active === false ? (
                        <span class="pill">inactive</span>
                      ) : s.refresh === 'static' ? (
                        'static'
                      ) : (
                        'every refresh'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section class="panel" aria-labelledby="measures-title">
        <h2 id="measures-title" class="panel-title">
          Measures
        </h2>
        {measures.error && <ErrorNotice error={measures.error} onRetry={measures.reload} />}
        {!meas && !measures.error && <Loading />}
        {meas && meas.length === 0 && (
          <EmptyState title="No measures yet">
            Measures are defined in the project file (<code>measures:</code>) or with{' '}
            <code>POST …/manage/measures</code>.
          </EmptyState>
        )}
        {meas && meas.length > 0 && (
          <div class="table-wrap">
            <table class="table table-dense" data-testid="measures-table">
              <caption class="sr-only">Measures with their current value</caption>
              <thead>
                <tr>
                  <th scope="col">Measure</th>
                  <th scope="col">Kind</th>
                  <th scope="col" class="num">
                    Value
                  </th>
                  <th scope="col">Trend</th>
                  <th scope="col">Evaluated</th>
                </tr>
              </thead>
              <tbody>
                {meas.map((m) => {
                  const scalar = measureKindLabel(m) === 'business';
                  return (
                    <tr key={m.name} data-measure={m.name}>
                      <th scope="row">
                        <a class="strong-link" href={href(instance, 'measures', m.name)}>
                          {m.name}
                        </a>
                        {m.description && <span class="muted block small">{m.description}</span>}
                      </th>
                      <td>{measureKindLabel(m)}</td>
                      <td class="num">
                        {scalar ? formatMeasureValue(m.lastEvaluation?.value) : 'per group'}
                      </td>
                      <td>
                        {scalar ? (
                          <Spark instance={instance} kind="measures" name={m.name} />
                        ) : (
                          <span class="muted small">—</span>
                        )}
                      </td>
                      <td title={formatDateTime(m.lastEvaluation?.time ?? null)}>
                        {m.lastEvaluation ? formatRelative(m.lastEvaluation.time) : 'never'}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
