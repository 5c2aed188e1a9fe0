/** Badges for delivery and subscription states, in the status palette (see status.badge.tsx). */
import type { DeliveryStatus, Subscription } from '../api.types';

const deliveryLook: Record<DeliveryStatus, { cls: string; label: string }> = {
  pending: { cls: 'queued', label: 'Pending' },
  inFlight: { cls: 'running', label: 'Sending' },
  delivered: { cls: 'successful', label: 'Delivered' },
  failed: { cls: 'failed', label: 'Failed' },
  canceled: { cls: 'canceled', label: 'Canceled' },
};

export function DeliveryBadge({ status }: { status: DeliveryStatus }) {
  const look = deliveryLook[status];
  return (
    <span class={`badge status-${look.cls}`} data-status={status}>
      <span class="badge-dot" aria-hidden="true" />
      {look.label}
    </span>
  );
}

export function SubscriptionBadge({ status }: { status: Subscription['status'] }) {
  return (
    <span
      class={`badge status-${status === 'active' ? 'successful' : 'failed'}`}
      data-status={status}
    >
      <span class="badge-dot" aria-hidden="true" />
      {status === 'active' ? 'Active' : 'Disabled'}
    </span>
  );
}

/** An HTTP status code coloured by class; null (no answer) says so. */
export function StatusCode({ code }: { code: number | null }) {
  if (code === null) return <span class="code code-none">no answer</span>;
  const cls = code < 300 ? 'ok' : code < 500 ? 'client' : 'server';
  return <span class={`code code-${cls}`}>{code}</span>;
}
