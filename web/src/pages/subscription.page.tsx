/**
 * One subscription: enable or disable it, recover the deliveries that failed since a time, and
 * its delivery log a page at a time, each delivery with its attempts (code, latency, error) and a
 * resend. Polls while a delivery is pending or being sent.
 */
import { useState } from 'preact/hooks';
import { api, instancePath, query } from '../api.client';
import type { Delivery, DeliveryDetail, List, Subscription } from '../api.types';
import { href } from '../app.router';
import { DeliveryBadge, StatusCode, SubscriptionBadge } from '../components/delivery.badge';
import { Pager } from '../components/pager.view';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/states.view';
import {
  formatClock,
  formatDateTime,
  formatDuration,
  formatRelative,
  shortOrderedId,
} from '../format';
import { useResource } from '../resource.hook';
import { hostOf } from '../thresholds';
import { describeParams } from './subscriptions.page';

const pageSize = 10;

/** An event type with line-break chances after its dots (`datasource.refresh.succeeded`). */
function breakAtDots(text: string) {
  return text.split('.').map((part, i) => (
    <span key={i}>
      {i > 0 && '.'}
      {i > 0 && <wbr />}
      {part}
    </span>
  ));
}

async function loadDeliveries(instance: string, id: string, skip: number) {
  const page = await api.get<List<Delivery>>(
    instancePath(
      instance,
      `/deliveries${query({ subscription: id, $top: pageSize + 1, $skip: skip })}`,
    ),
  );
  const shown = page.value.slice(0, pageSize);
  const details = await Promise.all(
    shown.map((d) => api.get<DeliveryDetail>(instancePath(instance, `/deliveries/${d.id}`))),
  );
  return { deliveries: details, hasMore: page.value.length > pageSize };
}

const busy = (d: Delivery): boolean => d.status === 'pending' || d.status === 'inFlight';

function DeliveryRow({
  instance,
  delivery: d,
  onChange,
}: {
  instance: string;
  delivery: DeliveryDetail;
  onChange: () => void;
}) {
  const [error, setError] = useState<Error | null>(null);
  const last = d.attemptLog.at(-1);
  const resend = (): void => {
    setError(null);
    api
      .post(instancePath(instance, `/deliveries/${d.id}/resend`))
      .then(onChange, (e: unknown) => setError(e as Error));
  };
  return (
    <tr data-delivery={d.id}>
      <th scope="row">
        <span class="mono">{d.eventType}</span>
        <span class="muted block small" title={formatDateTime(d.createdAt)}>
          {formatRelative(d.createdAt)} · event{' '}
          <span class="mono" title={d.eventId}>
            {shortOrderedId(d.eventId)}
          </span>
        </span>
      </th>
      <td>
        <DeliveryBadge status={d.status} />
        {d.nextAttemptAt && d.status === 'pending' && (
          <span class="muted block small">next {formatRelative(d.nextAttemptAt)}</span>
        )}
      </td>
      <td>
        {d.attemptLog.length === 0 ? (
          <span class="muted small">not sent yet</span>
        ) : (
          <ol class="attempts" aria-label={`${d.attemptLog.length} attempts`}>
            {d.attemptLog.slice(-5).map((a) => (
              <li key={a.attempt}>
                <span class="muted small">#{a.attempt}</span> <StatusCode code={a.statusCode} />{' '}
                <span class="small">{formatDuration(a.latencyMs)}</span>{' '}
                <span class="muted small">{formatClock(a.startedAt)}</span>
                {a.error && <span class="cell-error block small">{a.error}</span>}
              </li>
            ))}
          </ol>
        )}
      </td>
      <td class="num">{last ? formatDuration(last.latencyMs) : '—'}</td>
      <td class="actions">
        <button
          type="button"
          class="button button-small"
          disabled={busy(d)}
          aria-label={`Resend the ${d.eventType} delivery from ${formatDateTime(d.createdAt)}`}
          onClick={resend}
        >
          Resend
        </button>
        {error && <span class="field-error block">{error.message}</span>}
      </td>
    </tr>
  );
}

/** `datetime-local` text for a time, in the browser's zone. */
function localInput(t: number): string {
  const d = new Date(t - new Date(t).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

function Recover({ instance, id, onDone }: { instance: string; id: string; onDone: () => void }) {
  const [since, setSince] = useState(localInput(Date.now() - 86_400_000));
  const [result, setResult] = useState<{ requeued?: number; error?: Error }>({});
  return (
    <form
      class="inline-add"
      aria-label="Recover failed deliveries"
      onSubmit={(e) => {
        e.preventDefault();
        setResult({});
        api
          .post<{ requeued: number }>(instancePath(instance, `/subscriptions/${id}/recover`), {
            since: new Date(since).toISOString(),
          })
          .then(
            (r) => {
              setResult({ requeued: r.requeued });
              onDone();
            },
            (error: unknown) => setResult({ error: error as Error }),
          );
      }}
    >
      <label class="field-label" for="recover-since">
        Resend what failed since
      </label>
      <input
        id="recover-since"
        type="datetime-local"
        value={since}
        required
        onInput={(e) => setSince(e.currentTarget.value)}
      />
      <button type="submit" class="button">
        Recover
      </button>
      {result.requeued !== undefined && (
        <span class="saved" role="status">
          {result.requeued === 0
            ? 'Nothing failed since then.'
            : `${result.requeued} deliveries queued again.`}
        </span>
      )}
      {result.error && <span class="field-error">{result.error.message}</span>}
    </form>
  );
}

export function SubscriptionPage({
  instance,
  params,
}: {
  instance: string;
  params: Record<string, string>;
}) {
  const id = params.id ?? '';
  const [skip, setSkip] = useState(0);
  const [toggleError, setToggleError] = useState<Error | null>(null);
  const sub = useResource(
    () => api.get<Subscription>(instancePath(instance, `/subscriptions/${encodeURIComponent(id)}`)),
    [instance, id],
  );
  const log = useResource(() => loadDeliveries(instance, id, skip), [instance, id, skip], {
    pollMs: (d) => (d?.deliveries.some(busy) ? 1000 : null),
  });
  const s = sub.data;
  const setStatus = (status: Subscription['status']): void => {
    setToggleError(null);
    api
      .patch(instancePath(instance, `/subscriptions/${encodeURIComponent(id)}`), { status })
      .then(sub.reload, (e: unknown) => setToggleError(e as Error));
  };

  return (
    <>
      <p class="breadcrumb">
        <a href={href(instance, 'subscriptions')}>Subscriptions</a>{' '}
        <span aria-hidden="true">/</span>
      </p>
      <PageHeader
        title={s ? breakAtDots(s.event) : 'Subscription'}
        subtitle={s && describeParams(s)}
        actions={
          s &&
          (s.status === 'active' ? (
            <button
              type="button"
              class="button button-danger"
              onClick={() => setStatus('disabled')}
            >
              Disable
            </button>
          ) : (
            <button type="button" class="button button-primary" onClick={() => setStatus('active')}>
              Enable
            </button>
          ))
        }
      />
      {toggleError && <ErrorNotice error={toggleError} />}
      {sub.error && <ErrorNotice error={sub.error} onRetry={sub.reload} />}
      {!s && !sub.error && <Loading />}
      {s && (
        <>
          <dl class="facts">
            <div>
              <dt>Status</dt>
              <dd data-testid="subscription-status">
                <SubscriptionBadge status={s.status} />
                {s.disabledReason && <span class="cell-error block small">{s.disabledReason}</span>}
              </dd>
            </div>
            <div>
              <dt>Target</dt>
              <dd class="mono">{hostOf(s.url)}</dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd title={formatDateTime(s.createdAt)}>{formatRelative(s.createdAt)}</dd>
            </div>
            <div>
              <dt>Id</dt>
              <dd class="mono small">{s.id}</dd>
            </div>
          </dl>
          <section class="panel" aria-labelledby="deliveries-title">
            <div class="panel-head">
              <h2 id="deliveries-title" class="panel-title">
                Deliveries
              </h2>
              <Recover instance={instance} id={id} onDone={log.reload} />
            </div>
            {log.error && <ErrorNotice error={log.error} onRetry={log.reload} />}
            {!log.data && !log.error && <Loading />}
            {log.data && log.data.deliveries.length === 0 && skip === 0 && (
              <EmptyState title="No deliveries yet">
                Each {s.event} event becomes a delivery here.
              </EmptyState>
            )}
            {log.data && log.data.deliveries.length > 0 && (
              <>
                <div class="table-wrap">
                  <table class="table table-dense" data-testid="deliveries-table">
                    <caption class="sr-only">Deliveries of this subscription, newest first</caption>
                    <thead>
                      <tr>
                        <th scope="col">Event</th>
                        <th scope="col">Status</th>
                        <th scope="col">Attempts (code, latency)</th>
                        <th scope="col" class="num">
                          Last latency
                        </th>
                        <th scope="col" class="actions">
                          <span class="sr-only">Actions</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {log.data.deliveries.map((d) => (
                        <DeliveryRow
                          key={d.id}
                          instance={instance}
                          delivery={d}
                          onChange={log.reload}
                        />
                      ))}
                    </tbody>
                  </table>
                </div>
                <Pager
                  label="Delivery pages"
                  skip={skip}
                  shown={log.data.deliveries.length}
                  pageSize={pageSize}
                  hasMore={log.data.hasMore}
                  onSkip={setSkip}
                />
              </>
            )}
          </section>
        </>
      )}
    </>
  );
}
