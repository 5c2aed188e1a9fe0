/** Shared steps of the trigger and delivery tests: subscribe through the API, emit an event. */
import assert from 'node:assert/strict';
import pino from 'pino';
import type { App } from '../../src/app.js';
import { DeliveryWorker, WebhookSender, type WorkerOptions } from '../../src/delivery/index.js';
import type { StateStore } from '../../src/state/index.js';
import { newEventId } from '../../src/triggers/index.js';
import { auth } from './app.js';

export interface CreatedSubscription {
  id: string;
  secret: string;
  location: string;
}

export async function subscribe(
  app: App,
  body: Record<string, unknown>,
  instance = 'default',
): Promise<CreatedSubscription> {
  const res = await app.http.inject({
    method: 'POST',
    url: `/v1/instances/${instance}/subscriptions`,
    headers: auth,
    payload: body,
  });
  assert.equal(res.statusCode, 201, res.body);
  const json = res.json<{ id: string; secret: string }>();
  return { id: json.id, secret: json.secret, location: String(res.headers.location) };
}

/** Appends one event to the outbox (as a task end would) and returns its id. */
export async function emit(
  app: App,
  type: string,
  at: Date,
  data: Record<string, unknown> = {},
  extra: { source?: string } = {},
): Promise<string> {
  const id = newEventId(at);
  await app.state.appendEvents([
    { id, instance: 'default', type, occurredAt: at.toISOString(), data, ...extra },
  ]);
  return id;
}

/** One worker round at `now`: claim what is due, send it, record the results. */
export async function deliverAt(app: App, now: Date): Promise<number> {
  const n = await app.delivery.tick(now);
  await app.delivery.drain();
  return n;
}

export const minutes = (t: Date, m: number): Date => new Date(t.getTime() + m * 60_000);

/**
 * A dispatcher over `state` with small batches (so several workers interleave), loopback targets
 * allowed, a 20 ms poll and the default timeouts and lease; `options` overrides any of them (the
 * sender follows `hostConcurrency` and `sendTimeoutMs`).
 */
export function newWorker(
  state: StateStore,
  workerId: string,
  options: Partial<WorkerOptions> = {},
): DeliveryWorker {
  const o: WorkerOptions = {
    schedule: { delaysMs: [0, 50, 100], retryAfterCapMs: 1_000 },
    hostConcurrency: 4,
    concurrency: 8,
    batchSize: 5,
    pollIntervalMs: 20,
    workerId,
    leaseMs: 75_000,
    sendTimeoutMs: 15_000,
    disableAfterMs: 5 * 86_400_000,
    hostRates: {},
    ...options,
  };
  return new DeliveryWorker({
    state,
    now: () => new Date(),
    log: pino({ level: 'silent' }),
    sender: new WebhookSender({
      allowPrivateTargets: true,
      allowHttpHosts: [],
      connectTimeoutMs: 5_000,
      timeoutMs: o.sendTimeoutMs,
      connectionsPerHost: o.hostConcurrency,
    }),
    options: o,
  });
}
