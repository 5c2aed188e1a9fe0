/** Shared steps of the trigger and delivery tests: subscribe through the API, emit an event. */
import assert from 'node:assert/strict';
import type { App } from '../../src/app.js';
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
  const id = newEventId();
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
