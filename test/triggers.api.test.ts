/**
 * The subscription, delivery-log, replay, event-feed and catalog routes over HTTP (fastify inject),
 * including the Power Automate conventions and the callback-url safety rules.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { EventTypes, eventEnvelopeSchema, sampleEvent } from '../src/triggers/index.js';
import { auth, startTestApp, type TestApp } from './support/app.js';
import { Receiver } from './support/receiver.js';
import { deliverAt, emit, minutes, subscribe } from './support/triggers.js';

const open: { dispose?: () => Promise<void>; close?: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const h of open.splice(0).reverse()) await (h.dispose ?? h.close)!.call(h);
});

async function app(env: Record<string, string> = {}): Promise<TestApp> {
  const a = await startTestApp(
    { TRIBUTARY_ALLOW_PRIVATE_TARGETS: 'true', ...env },
    { random: () => 0.5 },
  );
  open.push(a);
  return a;
}

const base = '/v1/instances/default/subscriptions';

async function post(a: TestApp, payload: Record<string, unknown>) {
  return a.http.inject({ method: 'POST', url: base, headers: auth, payload });
}

void describe('subscriptions API', () => {
  void it('subscribes with 201 and an absolute Location that DELETE answers 204, twice', async () => {
    const a = await app();
    const res = await post(a, {
      event: 'unification.completed',
      url: 'http://127.0.0.1:9/flow?sig=abc',
    });
    assert.equal(res.statusCode, 201);
    const body = res.json<Record<string, unknown>>();
    assert.match(String(body.id), /^sub_[0-9a-f]{32}$/);
    assert.match(String(body.secret), /^whsec_/);
    assert.equal(body.status, 'active');
    assert.equal(body.url, 'http://127.0.0.1:9/flow?sig=abc');
    const location = new URL(String(res.headers.location));
    assert.equal(location.pathname, `${base}/${String(body.id)}`);
    assert.equal(location.protocol, 'http:');

    const got = await a.http.inject({ method: 'GET', url: location.pathname, headers: auth });
    assert.equal(got.json<{ secret: string }>().secret, body.secret);
    for (let i = 0; i < 2; i++) {
      const del = await a.http.inject({ method: 'DELETE', url: location.pathname, headers: auth });
      assert.equal(del.statusCode, 204);
    }
    const gone = await a.http.inject({ method: 'GET', url: location.pathname, headers: auth });
    assert.equal(gone.statusCode, 404);
    const unknown = await a.http.inject({
      method: 'DELETE',
      url: `${base}/sub_nope`,
      headers: auth,
    });
    assert.equal(unknown.statusCode, 404);
  });

  void it('lists with url and event filters (n8n checkExists), without secrets', async () => {
    const a = await app();
    await subscribe(a, { event: 'unification.completed', url: 'http://127.0.0.1:9/a' });
    await subscribe(a, { event: 'refresh.scheduled.completed', url: 'http://127.0.0.1:9/a' });
    await subscribe(a, { event: 'unification.completed', url: 'http://127.0.0.1:9/b' });
    const list = async (q: string) =>
      (await a.http.inject({ method: 'GET', url: `${base}?${q}`, headers: auth })).json<{
        value: Record<string, unknown>[];
      }>().value;
    assert.equal((await list('')).length, 3);
    assert.equal((await list(`url=${encodeURIComponent('http://127.0.0.1:9/a')}`)).length, 2);
    const both = await list(
      `url=${encodeURIComponent('http://127.0.0.1:9/a')}&event=unification.completed`,
    );
    assert.equal(both.length, 1);
    assert.equal(both[0]!.secret, undefined);
  });

  void it('refuses bad input with 400 naming the field', async () => {
    const a = await app();
    await a.state.appendMetric({
      instance: 'default',
      metricKind: 'measure',
      metricName: 'RevenueByCountry',
      jobId: null,
      observedAt: '2026-01-01T00:00:00.000Z',
      value: null,
      details: { kind: 'dimensional', owners: [] },
    });
    await a.state.upsertDefinition({
      instance: 'default',
      kind: 'measure',
      name: 'OrdersByMonth',
      owners: [],
      body: { aggregation: 'count', dimensions: ['month'] },
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    const cases: [Record<string, unknown>, string][] = [
      [{ event: 'nope', url: 'https://example.com/h' }, 'body/event'],
      [{ event: 'unification.completed' }, 'body/url'],
      [{ event: 'unification.completed', url: 'not a url' }, 'body/url'],
      [{ event: 'unification.completed', url: 'ftp://example.com/h' }, 'body/url'],
      [
        { event: 'unification.completed', url: 'https://example.com/h', segment: 'x' },
        'body/segment',
      ],
      [{ event: 'unification.completed', url: 'https://example.com/h', extra: 1 }, 'body/extra'],
      [
        { event: 'segment.threshold.crossed', url: 'https://example.com/h', segment: 'Vip' },
        'body/threshold',
      ],
      [
        {
          event: 'segment.threshold.crossed',
          url: 'https://example.com/h',
          segment: 'Nope',
          threshold: 1,
        },
        'body/segment',
      ],
      [
        { event: 'datasource.refresh.failed', url: 'https://example.com/h', source: 'nope' },
        'body/source',
      ],
      [
        {
          event: 'measure.threshold.crossed',
          url: 'https://example.com/h',
          measure: 'RevenueByCountry',
          threshold: 1,
        },
        'body/measure',
      ],
      [
        {
          event: 'measure.threshold.crossed',
          url: 'https://example.com/h',
          measure: 'OrdersByMonth',
          threshold: 1,
        },
        'body/measure',
      ],
      [
        { event: 'unification.completed', url: 'https://example.com/h', secret: 'plain' },
        'body/secret',
      ],
    ];
    for (const [payload, field] of cases) {
      const res = await post(a, payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json<{ field: string }>().field, field, JSON.stringify(payload));
    }
    const dim = await post(a, cases[9]![0]);
    assert.match(dim.json<{ detail: string }>().detail, /dimensional/);
  });

  void it('refuses private, loopback and link-local targets and plain http unless allowed', async () => {
    const a = await app({
      TRIBUTARY_ALLOW_PRIVATE_TARGETS: 'false',
      TRIBUTARY_ALLOW_HTTP_HOSTS: 'hooks.internal.test',
    });
    for (const url of [
      'https://127.0.0.1/h',
      'https://10.1.2.3/h',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/h',
      'https://[::ffff:127.0.0.1]/h',
      'https://localhost/h',
      'https://192.168.1.10/h',
      'http://93.184.216.34/h',
      'https://user:pw@93.184.216.34/h',
    ]) {
      const res = await post(a, { event: 'unification.completed', url });
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json<{ field: string }>().field, 'body/url');
    }
    const ok = await post(a, { event: 'unification.completed', url: 'https://93.184.216.34/h' });
    assert.equal(ok.statusCode, 201);
  });

  void it('disables and enables; a disabled subscription gets no deliveries', async () => {
    const a = await app();
    const rx = await Receiver.start();
    open.push(rx);
    const sub = await subscribe(a, { event: 'unification.completed', url: rx.url() });
    const patch = (payload: Record<string, unknown>) =>
      a.http.inject({ method: 'PATCH', url: `${base}/${sub.id}`, headers: auth, payload });
    assert.equal(
      (await patch({ status: 'disabled' })).json<{ status: string }>().status,
      'disabled',
    );
    const now = new Date('2026-05-01T00:00:00.000Z');
    await emit(a, 'unification.completed', now);
    assert.equal(await deliverAt(a, now), 0);
    assert.equal((await patch({ status: 'active' })).json<{ status: string }>().status, 'active');
    await emit(a, 'unification.completed', now);
    await deliverAt(a, now);
    assert.equal(rx.received.length, 1);
    assert.equal((await patch({ bogus: true })).statusCode, 400);
  });
});

void describe('delivery log, replay and event feed', () => {
  void it('lists deliveries with filters and paging, resends one and recovers failed ones with the original event ids', async () => {
    const a = await app({ TRIBUTARY_DELIVERY_RETRY_SCHEDULE_MS: '0' });
    const rx = await Receiver.start();
    open.push(rx);
    let up = false;
    rx.handler = (_req, res) => res.writeHead(up ? 200 : 500).end();
    const sub = await subscribe(a, {
      event: 'unification.completed',
      url: rx.url('/flow?sig=secret'),
    });
    const t0 = new Date('2026-05-01T00:00:00.000Z');
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push(await emit(a, 'unification.completed', minutes(t0, i), { i }));
    await deliverAt(a, minutes(t0, 5));

    const get = async (q: string) =>
      a.http.inject({ method: 'GET', url: `/v1/instances/default/deliveries?${q}`, headers: auth });
    const page1 = (await get('status=failed&$top=2')).json<{
      value: { id: string; url: string; status: string; eventId: string }[];
      '@odata.nextLink'?: string;
    }>();
    assert.equal(page1.value.length, 2);
    assert.equal(page1.value[0]!.url, `http://127.0.0.1:${rx.port}/…`, 'callback url redacted');
    assert.ok(page1['@odata.nextLink']);
    const next = new URL(page1['@odata.nextLink']);
    const page2 = (
      await a.http.inject({ method: 'GET', url: next.pathname + next.search, headers: auth })
    ).json<{
      value: unknown[];
    }>();
    assert.equal(page2.value.length, 1);
    assert.equal(
      (await get(`subscription=${sub.id}`)).json<{ value: unknown[] }>().value.length,
      3,
    );
    assert.equal(
      (await get(`since=${encodeURIComponent(minutes(t0, 1).toISOString())}`)).json<{
        value: unknown[];
      }>().value.length,
      2,
    );
    const one = await a.http.inject({
      method: 'GET',
      url: `/v1/instances/default/deliveries/${page1.value[0]!.id}`,
      headers: auth,
    });
    const detail = one.json<{ attemptLog: { statusCode: number; latencyMs: number }[] }>();
    assert.equal(detail.attemptLog.length, 1);
    assert.equal(detail.attemptLog[0]!.statusCode, 500);

    up = true;
    const resend = await a.http.inject({
      method: 'POST',
      url: `/v1/instances/default/deliveries/${page1.value[0]!.id}/resend`,
      headers: auth,
    });
    assert.equal(resend.statusCode, 202);
    const again = await a.http.inject({
      method: 'POST',
      url: `/v1/instances/default/deliveries/${page1.value[0]!.id}/resend`,
      headers: auth,
    });
    assert.equal(again.statusCode, 409, 'already pending');
    await deliverAt(a, minutes(t0, 6));
    assert.deepEqual(rx.received.at(-1)!.json.id, page1.value[0]!.eventId);

    const recover = await a.http.inject({
      method: 'POST',
      url: `${base}/${sub.id}/recover`,
      headers: auth,
      payload: { since: t0.toISOString() },
    });
    assert.equal(recover.statusCode, 202);
    assert.equal(recover.json<{ requeued: number }>().requeued, 2);
    await deliverAt(a, minutes(t0, 7));
    const delivered = rx.received.filter((r) => r.headers['webhook-id'] !== undefined).slice(-3);
    assert.deepEqual(new Set(delivered.map((r) => r.json.id)), new Set(ids));
    assert.equal((await get('status=failed')).json<{ value: unknown[] }>().value.length, 0);
  });

  void it('serves the event feed in order with a cursor', async () => {
    const a = await app();
    const t = new Date('2026-05-01T00:00:00.000Z');
    const ids = [
      await emit(a, 'unification.completed', t),
      await emit(a, 'refresh.scheduled.completed', t),
      await emit(a, 'unification.completed', t),
    ];
    const feed = async (q: string) =>
      (
        await a.http.inject({
          method: 'GET',
          url: `/v1/instances/default/events?${q}`,
          headers: auth,
        })
      ).json<{ value: { id: string }[]; cursor: string }>();
    const first = await feed('$top=2');
    assert.deepEqual(
      first.value.map((e) => e.id),
      ids.slice(0, 2),
    );
    const rest = await feed(`after=${first.cursor}`);
    assert.deepEqual(
      rest.value.map((e) => e.id),
      [ids[2]],
    );
    const empty = await feed(`after=${rest.cursor}`);
    assert.deepEqual(empty.value, []);
    assert.equal(empty.cursor, rest.cursor);
    const typed = await feed('type=unification.completed');
    assert.deepEqual(
      typed.value.map((e) => e.id),
      [ids[0], ids[2]],
    );
  });

  void it('publishes a schema per event type in the OpenAPI document and a valid sample per type', async () => {
    const a = await app();
    const doc = (await a.http.inject({ method: 'GET', url: '/v1/openapi.json' })).json<{
      components: { schemas: Record<string, unknown> };
      paths: Record<string, unknown>;
    }>();
    for (const type of EventTypes) {
      assert.ok(doc.components.schemas[type], type);
      const res = await a.http.inject({
        method: 'GET',
        url: `/v1/events/${type}/sample`,
        headers: auth,
      });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), sampleEvent(type));
      assert.ok(Value.Check(eventEnvelopeSchema(type), res.json()), type);
    }
    assert.ok(doc.paths['/v1/instances/{instance}/subscriptions']);
    const bad = await a.http.inject({
      method: 'GET',
      url: '/v1/events/nope/sample',
      headers: auth,
    });
    assert.equal(bad.statusCode, 404);
    const catalog = await a.http.inject({ method: 'GET', url: '/v1/events', headers: auth });
    assert.equal(catalog.json<{ value: unknown[] }>().value.length, EventTypes.length);
  });
});
