/**
 * One flow: what triggers it and what it does, its state, "send test", enable/disable, its run
 * history (the event, whether the condition held, each action's request and outcome) and its
 * deliveries in the delivery log (retries and replays ride the same machinery as webhooks), and its
 * definition to edit.
 */
import { useState } from 'preact/hooks';
import { api, instancePath, query } from '../api.client';
import type { Flow, FlowDelivery, FlowRun, List, Status } from '../api.types';
import { href } from '../app.router';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/states.view';
import { StatusBadge } from '../components/status.badge';
import { formatDateTime, formatRelative, shortOrderedId } from '../format';
import { useResource } from '../resource.hook';
import { FlowEditor } from './flow.editor';
import { FlowStateBadge, RunBadge, describeTrigger } from './flow.parts';
import { sendFlowTest, setFlowEnabled } from './flows.page';

/** Delivery states in the console's status palette (pending waits for its next attempt). */
const deliveryStatus: Record<FlowDelivery['status'], Status> = {
  pending: 'queued',
  inFlight: 'running',
  delivered: 'successful',
  failed: 'failed',
  canceled: 'canceled',
};

interface FlowData {
  flow: Flow;
  runs: FlowRun[];
  deliveries: FlowDelivery[];
}

async function loadFlow(instance: string, name: string): Promise<FlowData> {
  const path = `/flows/${encodeURIComponent(name)}`;
  const [flow, runs] = await Promise.all([
    api.get<Flow>(instancePath(instance, path)),
    api.get<List<FlowRun>>(instancePath(instance, `${path}/runs?$top=50`)),
  ]);
  const deliveries = flow.subscriptionId
    ? (
        await api.get<List<FlowDelivery>>(
          instancePath(
            instance,
            `/deliveries${query({ subscription: flow.subscriptionId, $top: 20 })}`,
          ),
        )
      ).value
    : [];
  return { flow, runs: runs.value, deliveries };
}

function RunRow({ run }: { run: FlowRun }) {
  return (
    <tr data-run={run.id}>
      <td title={formatDateTime(run.startedAt)}>{formatRelative(run.startedAt)}</td>
      <td>{run.test ? 'test' : `attempt ${run.attempt ?? '?'}`}</td>
      <td class="mono">{run.eventType}</td>
      <td>{run.conditionHeld === null ? '—' : run.conditionHeld ? 'held' : 'did not hold'}</td>
      <td>
        <RunBadge status={run.status} />
        {run.retry && <div class="muted small">will be retried</div>}
      </td>
      <td>
        {run.actions.length === 0 && <span class="muted">none performed</span>}
        {run.actions.map((a) => (
          <details key={a.index} class="action-run" data-action-status={a.status}>
            <summary>
              {a.index + 1}. {a.type}: {a.status}
              {a.statusCode !== null ? ` (${a.statusCode})` : ''} · {a.latencyMs} ms
            </summary>
            {a.error && <p class="cell-error">{a.error}</p>}
            <pre class="mono raw">
              {JSON.stringify({ request: a.request, response: a.response }, null, 2)}
            </pre>
          </details>
        ))}
      </td>
    </tr>
  );
}

export function FlowPage({
  instance,
  params,
}: {
  instance: string;
  params: Record<string, string>;
}) {
  const name = params.name ?? '';
  const res = useResource(() => loadFlow(instance, name), [instance, name], {
    pollMs: (d) =>
      d?.deliveries.some((x) => x.status === 'pending' || x.status === 'inFlight') ? 2000 : null,
  });
  const [testResult, setTestResult] = useState<FlowRun | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const data = res.data;

  const run = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await work();
      res.reload();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p class="breadcrumb">
        <a href={href(instance, 'flows')}>Flows</a> <span aria-hidden="true">/</span>
      </p>
      <PageHeader
        title={name}
        subtitle={data?.flow.description}
        actions={
          data && (
            <>
              <button
                type="button"
                class="button button-primary"
                disabled={busy}
                onClick={() =>
                  void run(async () => setTestResult(await sendFlowTest(instance, name)))
                }
              >
                Send test
              </button>{' '}
              <button
                type="button"
                class="button"
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    await setFlowEnabled(instance, data.flow, data.flow.status !== 'active');
                  })
                }
              >
                {data.flow.status === 'active' ? 'Disable' : 'Enable'}
              </button>
            </>
          )
        }
      />
      {testResult && (
        <p
          class={`notice ${testResult.status === 'failed' ? 'notice-error' : 'notice-info'}`}
          role="status"
        >
          Test on the sample {testResult.eventType} event: {testResult.status}
          {testResult.status === 'skipped' ? ' (the condition did not hold on the sample)' : ''}.
        </p>
      )}
      {error && <ErrorNotice error={error} />}
      {res.error && <ErrorNotice error={res.error} onRetry={res.reload} />}
      {!data && !res.error && <Loading />}
      {data && (
        <>
          <dl class="facts">
            <div>
              <dt>State</dt>
              <dd>
                <FlowStateBadge flow={data.flow} />
              </dd>
            </div>
            <div>
              <dt>When</dt>
              <dd>{describeTrigger(data.flow)}</dd>
            </div>
            <div>
              <dt>Actions</dt>
              <dd>{data.flow.actions.map((a) => a.type).join(' → ')}</dd>
            </div>
            <div>
              <dt>Failing since</dt>
              <dd>{data.flow.failingSince ? formatDateTime(data.flow.failingSince) : '—'}</dd>
            </div>
          </dl>
          <section class="panel" aria-labelledby="runs-title">
            <h2 id="runs-title" class="panel-title">
              Runs
            </h2>
            {data.runs.length === 0 ? (
              <EmptyState title="No runs yet">
                Send a test, or wait for the next {data.flow.trigger.event} event.
              </EmptyState>
            ) : (
              <div class="table-wrap">
                <table class="table table-dense">
                  <caption class="sr-only">Runs of flow {name}, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Started</th>
                      <th scope="col">Kind</th>
                      <th scope="col">Event</th>
                      <th scope="col">Condition</th>
                      <th scope="col">Outcome</th>
                      <th scope="col">Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.runs.map((r) => (
                      <RunRow key={r.id} run={r} />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <FlowEditor
            key={data.flow.name}
            instance={instance}
            flow={data.flow}
            onSaved={res.reload}
          />
          <section class="panel" aria-labelledby="deliveries-title">
            <h2 id="deliveries-title" class="panel-title">
              Deliveries
            </h2>
            {data.deliveries.length === 0 ? (
              <p class="muted">
                No event has been delivered to this flow yet (tests run outside the delivery log).
              </p>
            ) : (
              <div class="table-wrap">
                <table class="table table-dense">
                  <caption class="sr-only">Deliveries to flow {name}, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Delivery</th>
                      <th scope="col">Event</th>
                      <th scope="col">Status</th>
                      <th scope="col" class="num">
                        Attempts
                      </th>
                      <th scope="col">Next attempt</th>
                      <th scope="col">Last error</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.deliveries.map((d) => (
                      <tr key={d.id} data-delivery-status={d.status}>
                        <td class="mono" title={d.id}>
                          {shortOrderedId(d.id)}
                        </td>
                        <td class="mono">{d.eventType}</td>
                        <td>
                          <StatusBadge status={deliveryStatus[d.status]} compact />
                        </td>
                        <td class="num">{d.attempts}</td>
                        <td>
                          {d.nextAttemptAt && d.status === 'pending'
                            ? formatDateTime(d.nextAttemptAt)
                            : '—'}
                        </td>
                        <td class="cell-error">{d.lastError ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}
