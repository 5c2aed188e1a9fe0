/** Subscriptions: every webhook subscription with its status, parameters and latest delivery. */
import { api, instancePath, query } from '../api.client';
import type { Delivery, List, Subscription } from '../api.types';
import { href } from '../app.router';
import { DeliveryBadge, StatusCode, SubscriptionBadge } from '../components/delivery.badge';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/states.view';
import { formatDateTime, formatRelative } from '../format';
import { useResource } from '../resource.hook';
import { hostOf } from '../thresholds';

/** The parameters of a subscription in words: "segment VIP above 1000". */
export function describeParams(s: Subscription): string {
  const parts: string[] = [];
  if (s.source) parts.push(`source ${s.source}`);
  if (s.segment) parts.push(`segment ${s.segment}`);
  if (s.measure) parts.push(`measure ${s.measure}`);
  if (s.threshold !== undefined) parts.push(`above ${s.threshold.toLocaleString()}`);
  if (s.rearmBelow !== undefined) parts.push(`re-arms at ${s.rearmBelow.toLocaleString()}`);
  return parts.join(', ') || 'every event';
}

function LastDelivery({ instance, id }: { instance: string; id: string }) {
  const res = useResource(
    () =>
      api.get<List<Delivery>>(
        instancePath(instance, `/deliveries${query({ subscription: id, $top: 1 })}`),
      ),
    [instance, id],
  );
  if (res.error) return <span class="muted small">unavailable</span>;
  if (!res.data) return <span class="muted small">…</span>;
  const d = res.data.value[0];
  if (!d) return <span class="muted small">none yet</span>;
  return (
    <span class="inline-facts">
      <DeliveryBadge status={d.status} />
      {d.lastStatusCode !== null && <StatusCode code={d.lastStatusCode} />}
      <span class="muted small" title={formatDateTime(d.createdAt)}>
        {formatRelative(d.createdAt)}
      </span>
    </span>
  );
}

export function SubscriptionsPage({ instance }: { instance: string }) {
  const res = useResource(
    () => api.get<List<Subscription>>(instancePath(instance, '/subscriptions')),
    [instance],
  );
  const subs = res.data?.value;
  const disabled = subs?.filter((s) => s.status === 'disabled').length ?? 0;
  return (
    <>
      <PageHeader
        title="Subscriptions"
        subtitle="Webhooks that flows and platforms registered, and how their deliveries went."
      />
      {res.error && <ErrorNotice error={res.error} onRetry={res.reload} />}
      {!subs && !res.error && <Loading />}
      {subs && subs.length === 0 && (
        <EmptyState title="No subscriptions yet">
          Platforms subscribe when a flow with a Tributary trigger is saved; see Connections.
        </EmptyState>
      )}
      {disabled > 0 && (
        <div class="notice notice-warning" role="status">
          {disabled} disabled: their targets failed or answered 410. Open one to enable it and
          recover what it missed.
        </div>
      )}
      {subs && subs.length > 0 && (
        <div class="table-wrap">
          <table class="table" data-testid="subscriptions-table">
            <caption class="sr-only">Webhook subscriptions</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Target</th>
                <th scope="col">Last delivery</th>
              </tr>
            </thead>
            <tbody>
              {subs.map((s) => (
                <tr key={s.id} data-subscription={s.id}>
                  <th scope="row">
                    <a class="strong-link mono" href={href(instance, 'subscriptions', s.id)}>
                      {s.event}
                    </a>
                    <span class="muted block small">{describeParams(s)}</span>
                  </th>
                  <td>
                    <SubscriptionBadge status={s.status} />
                    {s.disabledReason && (
                      <span class="cell-error block small">{s.disabledReason}</span>
                    )}
                  </td>
                  <td class="mono small">{hostOf(s.url)}</td>
                  <td>
                    <LastDelivery instance={instance} id={s.id} />
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
