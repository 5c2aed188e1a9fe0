/** Shared steps of the flow tests: create flows through the API, read runs, parse a Teams card. */
import assert from 'node:assert/strict';
import * as AC from 'adaptivecards';
import type { App } from '../../src/app.js';
import { auth } from './app.js';

export interface FlowJson {
  name: string;
  status: string;
  subscriptionId: string;
  lastRun: { status: string } | null;
}

export interface RunJson {
  id: string;
  status: string;
  test: boolean;
  retry: boolean;
  conditionHeld: boolean | null;
  deliveryId: string | null;
  attempt: number | null;
  event: { type: string; data: Record<string, unknown> };
  actions: {
    index: number;
    type: string;
    status: string;
    transient: boolean;
    statusCode: number | null;
    error: string | null;
    request: Record<string, unknown> | null;
    response: Record<string, unknown> | null;
  }[];
}

export async function createFlow(app: App, body: unknown, template?: string): Promise<FlowJson> {
  const res = await app.http.inject({
    method: 'POST',
    url: `/v1/instances/default/flows${template ? `?template=${template}` : ''}`,
    headers: auth,
    payload: body as Record<string, unknown>,
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<FlowJson>();
}

/** The problem's detail of a rejected flow (asserting a 4xx). */
export async function rejectFlow(app: App, body: unknown, template?: string): Promise<string> {
  const res = await app.http.inject({
    method: 'POST',
    url: `/v1/instances/default/flows${template ? `?template=${template}` : ''}`,
    headers: auth,
    payload: body as Record<string, unknown>,
  });
  assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} ${res.body}`);
  return res.json<{ detail: string }>().detail;
}

export async function runsOf(app: App, name: string): Promise<RunJson[]> {
  const res = await app.http.inject({
    method: 'GET',
    url: `/v1/instances/default/flows/${name}/runs`,
    headers: auth,
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<{ value: RunJson[] }>().value;
}

export interface ParsedCard {
  title: string;
  texts: string[];
  facts: Record<string, string>;
  openUrl: string | undefined;
}

/**
 * Parses an Adaptive Card with the `adaptivecards` library (its parse and validation need no DOM;
 * nothing is rendered) and fails on any parse or validation event.
 */
export function parseAdaptiveCard(content: unknown): ParsedCard {
  const ctx = new AC.SerializationContext();
  const card = new AC.AdaptiveCard();
  card.parse(content, ctx);
  const events = Array.from({ length: ctx.eventCount }, (_, i) => ctx.getEventAt(i).message);
  assert.deepEqual(events, [], 'parse events');
  const validation = card.validateProperties();
  assert.deepEqual(
    validation.validationEvents.map((e) => e.message),
    [],
    'validation events',
  );
  const texts: string[] = [];
  const facts: Record<string, string> = {};
  for (let i = 0; i < card.getItemCount(); i++) {
    const item = card.getItemAt(i);
    if (item instanceof AC.TextBlock) texts.push(item.text ?? '');
    if (item instanceof AC.FactSet) for (const f of item.facts) facts[f.name ?? ''] = f.value ?? '';
  }
  const action = card.getActionCount() > 0 ? card.getActionAt(0) : undefined;
  return {
    title: texts[0] ?? '',
    texts,
    facts,
    openUrl: action instanceof AC.OpenUrlAction ? action.url : undefined,
  };
}
