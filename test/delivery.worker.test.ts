/**
 * The dispatcher against real receivers on 127.0.0.1, driven by explicit `tick(now)` rounds:
 * signatures (checked with the `standardwebhooks` package), the receiver error matrix on a compressed
 * schedule, per-target isolation, duplicate subscriptions, and disabling.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { signPayload } from '../src/delivery/index.js';
import type { DeliveryRow } from '../src/state/index.js';
import { auth, startTestApp, type TestApp } from './support/app.js';
import { Receiver } from './support/receiver.js';
import { deliverAt, emit, minutes, subscribe } from './support/triggers.js';

const open: { close?: () => Promise<void>; dispose?: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const h of open.splice(0).reverse()) await (h.dispose ?? h.close)!.call(h);
});

async function setup(env: Record<string, string> = {}): Promise<{ app: TestApp; rx: Receiver }> {
  const app = await startTestApp(
    { TRIBUTARY_ALLOW_PRIVATE_TARGETS: 'true', ...env },
    { random: () => 0.5 },
  );
  open.push(app);
  const rx = await Receiver.start();
  open.push(rx);
  return { app, rx };
}

async function deliveries(app: TestApp): Promise<DeliveryRow[]> {
  return app.state.listDeliveries('default', { limit: 1000, offset: 0 });
}

void describe('delivery worker', () => {
  void it('posts the envelope with Standard Webhooks headers that the reference library verifies, across a secret rotation', async () => {
    const { app, rx } = await setup();
    const sub = await subscribe(app, { event: 'unification.completed', url: rx.url() });
    const now = new Date();
    const first = await emit(app, 'unification.completed', now, { jobId: 'j1' });
    assert.equal(await deliverAt(app, now), 1);
    const [r1] = rx.received;
    assert.deepEqual(Object.keys(r1!.json), ['id', 'type', 'timestamp', 'instance', 'data']);
    assert.equal(r1!.json.id, first);
    assert.equal(r1!.headers['webhook-id'], first);
    assert.equal(r1!.headers['content-type'], 'application/json');
    new Webhook(sub.secret).verify(r1!.body, r1!.headers as Record<string, string>);
    assert.throws(() =>
      new Webhook('whsec_' + Buffer.alloc(24, 7).toString('base64')).verify(
        r1!.body,
        r1!.headers as Record<string, string>,
      ),
    );

    const rotated = await app.http.inject({
      method: 'PATCH',
      url: `/v1/instances/default/subscriptions/${sub.id}`,
      headers: auth,
      payload: { rotateSecret: true },
    });
    const newSecret = rotated.json<{ secret: string }>().secret;
    assert.notEqual(newSecret, sub.secret);
    await emit(app, 'unification.completed', now, { jobId: 'j2' });
    await deliverAt(app, now);
    const r2 = rx.received[1]!;
    // Both secrets sign during the overlap: receivers on either one accept it.
    new Webhook(newSecret).verify(r2.body, r2.headers as Record<string, string>);
    new Webhook(sub.secret).verify(r2.body, r2.headers as Record<string, string>);

    // After 24 h only the new secret signs.
    const later = minutes(now, 24 * 60 + 1);
    const id3 = await emit(app, 'unification.completed', later, { jobId: 'j3' });
    await deliverAt(app, later);
    const r3 = rx.received[2]!;
    const ts = Number(r3.headers['webhook-timestamp']);
    assert.equal(ts, Math.floor(later.getTime() / 1000));
    assert.equal(r3.headers['webhook-signature'], signPayload(newSecret, id3, ts, r3.body));
  });

  void it('handles the receiver error matrix on a compressed schedule: retries, Retry-After, 3xx, 410, timeout, reset', async () => {
    const { app, rx } = await setup({
      TRIBUTARY_DELIVERY_RETRY_SCHEDULE_MS: '0,1000,2000',
      TRIBUTARY_DELIVERY_RETRY_AFTER_CAP_MS: '60000',
      TRIBUTARY_DELIVERY_TIMEOUT_MS: '300',
    });
    rx.handler = (req, res) => {
      const p = req.path;
      if (p === '/500') return res.writeHead(500).end();
      if (p === '/502') return res.writeHead(502).end();
      if (p === '/503') return res.writeHead(503, { 'retry-after': '0' }).end();
      if (p === '/429') return res.writeHead(429, { 'retry-after': '120' }).end();
      if (p === '/redirect') return res.writeHead(302, { location: rx.url('/target') }).end();
      if (p === '/gone') return res.writeHead(410).end();
      if (p === '/hang') return; // never answers
      if (p === '/reset') return res.socket?.destroy();
      res.writeHead(204).end();
    };
    const paths = ['/500', '/502', '/503', '/429', '/redirect', '/gone', '/hang', '/reset', '/ok'];
    const subs = new Map<string, string>();
    for (const p of paths) {
      subs.set(p, (await subscribe(app, { event: 'unification.completed', url: rx.url(p) })).id);
    }
    const t0 = new Date('2026-05-01T10:00:00.000Z');
    const eventId = await emit(app, 'unification.completed', t0, { jobId: 'j' });
    assert.equal(await deliverAt(app, t0), paths.length);

    const byPath = async () =>
      new Map((await deliveries(app)).map((d) => [new URL(d.url).pathname, d]));
    let d = await byPath();
    assert.equal(d.get('/ok')!.status, 'delivered');
    for (const p of ['/500', '/502', '/redirect', '/hang', '/reset']) {
      assert.equal(d.get(p)!.status, 'pending', p);
      assert.equal(d.get(p)!.nextAttemptAt, minutes(t0, 1 / 60).toISOString(), p);
    }
    // Retry-After only lengthens: 0 s keeps the schedule, 120 s is capped at 60 s.
    assert.equal(d.get('/503')!.nextAttemptAt, minutes(t0, 1 / 60).toISOString());
    assert.equal(d.get('/429')!.nextAttemptAt, minutes(t0, 1).toISOString());
    assert.equal(d.get('/gone')!.status, 'failed');
    const gone = await app.state.getSubscription('default', subs.get('/gone')!);
    assert.equal(gone!.status, 'disabled');
    assert.equal(gone!.disabledReason, 'gone');
    assert.equal(rx.to('/target').length, 0, 'redirects are not followed');
    const attempts = async (p: string) => app.state.listDeliveryAttempts(d.get(p)!.id);
    assert.match((await attempts('/hang'))[0]!.error!, /no response within 300 ms/);
    assert.equal((await attempts('/reset'))[0]!.statusCode, null);
    assert.ok((await attempts('/reset'))[0]!.error);
    assert.equal((await attempts('/redirect'))[0]!.statusCode, 302);

    assert.equal(await deliverAt(app, minutes(t0, 1 / 60)), 6);
    assert.equal(await deliverAt(app, minutes(t0, 3 / 60)), 6);
    d = await byPath();
    for (const p of ['/500', '/502', '/503', '/redirect', '/hang', '/reset']) {
      assert.equal(d.get(p)!.status, 'failed', p);
      assert.equal(d.get(p)!.attempts, 3, p);
    }
    assert.equal(d.get('/429')!.status, 'pending');
    await deliverAt(app, minutes(t0, 1));
    assert.equal((await byPath()).get('/429')!.attempts, 2);
    // Every attempt carried the same event id.
    assert.ok(rx.received.every((r) => r.headers['webhook-id'] === eventId));
    // The 410 produced a subscription.disabled event.
    const feed = await app.state.listEvents('default', {
      type: 'subscription.disabled',
      afterSeq: 0,
      limit: 10,
    });
    assert.equal(feed.length, 1);
    assert.equal(feed[0]!.data.subscriptionId, subs.get('/gone'));
    assert.equal(feed[0]!.data.reason, 'gone');
    assert.equal(feed[0]!.data.url, `http://127.0.0.1:${rx.port}/…`);
  });

  void it('one hanging target does not delay deliveries to another', async () => {
    const { app, rx: fast } = await setup({ TRIBUTARY_DELIVERY_HOST_CONCURRENCY: '4' });
    const slow = await Receiver.start();
    open.push(slow);
    const held: (() => void)[] = [];
    slow.handler = (_req, res) => held.push(() => res.writeHead(200).end());
    await subscribe(app, { event: 'unification.completed', url: slow.url() });
    await subscribe(app, { event: 'unification.completed', url: fast.url() });
    // The running worker (real clock): completions and notify() drive its rounds.
    await app.delivery.start();
    for (let i = 0; i < 20; i++) await emit(app, 'unification.completed', new Date(), { i });
    app.delivery.notify();
    // All 20 reach the fast target while the slow one holds its 4 (its cap) unanswered.
    await fast.waitFor(() => fast.received.length === 20);
    assert.equal(slow.received.length, 4);
    assert.equal(held.length, 4);
    slow.handler = (_req, res) => res.writeHead(200).end();
    for (const release of held.splice(0)) release();
    await slow.waitFor(() => slow.received.length === 20);
    await app.delivery.drain();
    const all = await deliveries(app);
    assert.equal(all.length, 40);
    assert.ok(all.every((x) => x.status === 'delivered'));
  });

  void it('duplicate live subscriptions to one url share one delivery per event until the last is deleted', async () => {
    const { app, rx } = await setup();
    const body = { event: 'datasource.refresh.succeeded', url: rx.url() };
    const a = await subscribe(app, body);
    const b = await subscribe(app, body);
    const c = await subscribe(app, body);
    assert.equal(new Set([a.id, b.id, c.id]).size, 3);
    assert.equal(new Set([a.location, b.location, c.location]).size, 3);
    const now = new Date();
    await emit(app, 'datasource.refresh.succeeded', now, { source: 'crm' }, { source: 'crm' });
    await deliverAt(app, now);
    assert.equal(rx.received.length, 1);

    // The newest (the signer) goes before the next event is sent: another live duplicate signs it.
    await emit(app, 'datasource.refresh.succeeded', now, { source: 'crm' }, { source: 'crm' });
    for (const id of [c.id, a.id]) {
      const del = await app.http.inject({
        method: 'DELETE',
        url: `/v1/instances/default/subscriptions/${id}`,
        headers: auth,
      });
      assert.equal(del.statusCode, 204);
    }
    await deliverAt(app, now);
    assert.equal(rx.received.length, 2);
    const r = rx.received[1]!;
    new Webhook(b.secret).verify(r.body, r.headers as Record<string, string>);

    // With the last one deleted, a pending delivery is canceled (visible in the log), not sent.
    await emit(app, 'datasource.refresh.succeeded', now, { source: 'crm' }, { source: 'crm' });
    await app.http.inject({
      method: 'DELETE',
      url: `/v1/instances/default/subscriptions/${b.id}`,
      headers: auth,
    });
    await deliverAt(app, now);
    assert.equal(rx.received.length, 2);
    const canceled = await app.state.listDeliveries('default', {
      status: 'canceled',
      limit: 10,
      offset: 0,
    });
    assert.equal(canceled.length, 1);
    // And a new event finds no live subscription: no delivery at all.
    await emit(app, 'datasource.refresh.succeeded', now, { source: 'crm' }, { source: 'crm' });
    assert.equal((await deliveries(app)).length, 3);
  });

  void it('disables a target after 5 days of continuous failure and delivers subscription.disabled', async () => {
    const { app, rx } = await setup({ TRIBUTARY_DELIVERY_RETRY_SCHEDULE_MS: '0' });
    let flakyOk = false;
    rx.handler = (req, res) => {
      if (req.path === '/down') return res.writeHead(500).end();
      if (req.path === '/flaky') return res.writeHead(flakyOk ? 200 : 500).end();
      res.writeHead(200).end();
    };
    const down = await subscribe(app, { event: 'unification.completed', url: rx.url('/down') });
    const flaky = await subscribe(app, { event: 'unification.completed', url: rx.url('/flaky') });
    await subscribe(app, { event: 'subscription.disabled', url: rx.url('/ops') });
    const t0 = new Date('2026-05-01T10:00:00.000Z');
    const day = (n: number) => minutes(t0, n * 24 * 60);
    for (const [n, ok] of [
      [0, false],
      [2, true],
      [4, false],
      [5, false],
    ] as const) {
      flakyOk = ok;
      await emit(app, 'unification.completed', day(n));
      await deliverAt(app, day(n));
      const status = (await app.state.getSubscription('default', down.id))!.status;
      assert.equal(status, n < 5 ? 'active' : 'disabled', `day ${n}`);
    }
    assert.equal((await app.state.getSubscription('default', flaky.id))!.status, 'active');
    const downRow = (await app.state.getSubscription('default', down.id))!;
    assert.equal(downRow.disabledReason, 'failing');
    await deliverAt(app, day(5));
    const ops = rx.to('/ops');
    assert.equal(ops.length, 1);
    assert.equal(ops[0]!.json.type, 'subscription.disabled');
    assert.deepEqual(ops[0]!.json.data, {
      subscriptionId: down.id,
      event: 'unification.completed',
      url: `http://127.0.0.1:${rx.port}/…`,
      reason: 'failing',
      failingSince: t0.toISOString(),
      disabledAt: day(5).toISOString(),
    });
    // Disabled: later events are not delivered to it; enabling resumes.
    await emit(app, 'unification.completed', day(6));
    await deliverAt(app, day(6));
    assert.equal(rx.to('/down').length, 4);
  });
});
