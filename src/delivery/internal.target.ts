/**
 * Internal targets: a subscription whose url is `flow:<name>` belongs to a built-in flow. Its
 * deliveries ride the same outbox, claims, retry schedule, attempt log and replay as webhooks; the
 * worker hands them to the `InternalTarget` (the flows domain) instead of POSTing them.
 */
import type { ClaimedDelivery } from '../state/index.js';

const flowScheme = 'flow:';

export function isInternalUrl(url: string): boolean {
  return url.startsWith(flowScheme);
}

/** The internal url (and throttling unit) of the flow `name`. */
export function flowUrlOf(name: string): string {
  return `${flowScheme}${name}`;
}

/** The flow name of an internal url, or undefined for a webhook url. */
export function flowNameOf(url: string): string | undefined {
  return isInternalUrl(url) ? url.slice(flowScheme.length) : undefined;
}

/** How one run of an internal target went; the verdict decides the delivery's next step. */
export interface InternalOutcome {
  verdict: 'delivered' | 'transient' | 'permanent';
  /** The last HTTP status an action saw (null when none answered), for the attempt log. */
  statusCode: number | null;
  retryAfterMs: number | null;
  latencyMs: number;
  error: string | null;
}

export interface InternalTarget {
  /** Runs the target once for a claimed delivery; expected failures are outcomes, never throws. */
  run(claimed: ClaimedDelivery, now: Date, signal: AbortSignal): Promise<InternalOutcome>;
}
