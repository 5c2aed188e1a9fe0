/**
 * The StateStore contract for subscriptions, trigger state, the outbox and deliveries: every adapter
 * must pass these (see state.contract.ts for the rest). `open` returns a new, migrated, empty store.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NewEvent, StateStore, SubscriptionRow } from '../src/state/index.js';
import { job, task } from './state.contract.js';

const t0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (minutes: number): string => new Date(t0 + minutes * 60_000).toISOString();

/** A live subscription row (https target on hooks.example.com unless patched). */
export function subscriptionRow(id: string, patch: Partial<SubscriptionRow> = {}): SubscriptionRow {
  const url = patch.url ?? `https://hooks.example.com/${id}`;
  return {
    id,
    instance: 'default',
    event: 'datasource.refresh.succeeded',
    url,
    targetHost: 'hooks.example.com',
    params: {},
    matchKey: `datasource.refresh.succeeded ${url}`,
    secret: `whsec_${id}`,
    previousSecret: null,
    previousSecretUntil: null,
    status: 'active',
    disabledReason: null,
    failingSince: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...patch,
  };
}

function event(id: string, patch: Partial<NewEvent> = {}): NewEvent {
  return {
    id,
    instance: 'default',
    type: 'datasource.refresh.succeeded',
    occurredAt: at(1),
    data: { n: id },
    ...patch,
  };
}

export function runTriggersStateContract(name: string, open: () => Promise<StateStore>): void {
  void describe(`StateStore contract (triggers): ${name}`, () => {
    let store: StateStore;
    beforeEach(async () => {
      store = await open();
      await store.createInstance({ name: 'default', createdAt: at(0) });
    });
    afterEach(async () => {
      await store.close();
    });

    void it('creates subscriptions with a baseline from the latest non-null value, lists and updates them', async () => {
      const metric = {
        instance: 'default',
        metricKind: 'segment',
        metricName: 'Vip',
        jobId: null,
        details: null,
      };
      await store.appendMetric({ ...metric, observedAt: at(0), value: 7 });
      await store.appendMetric({ ...metric, observedAt: at(1), value: null });
      const state = await store.createSubscription(
        subscriptionRow('a', {
          event: 'segment.threshold.crossed',
          params: { segment: 'Vip', threshold: 9 },
        }),
        { metricKind: 'segment', metricName: 'Vip' },
      );
      assert.deepEqual(state, { subscriptionId: 'a', lastValue: 7, armed: true, updatedAt: at(0) });
      assert.deepEqual(await store.getTriggerState('a'), state);
      await store.createSubscription(subscriptionRow('b'));
      assert.equal(await store.getTriggerState('b'), undefined);
      assert.deepEqual(await store.getSubscription('default', 'b'), subscriptionRow('b'));
      const updated = await store.updateSubscription('default', 'b', { status: 'deleted' }, at(5));
      assert.equal(updated!.status, 'deleted');
      assert.equal(updated!.updatedAt, at(5));
      assert.deepEqual(
        (await store.listSubscriptions('default')).map((s) => s.id),
        ['a'],
      );
      assert.equal((await store.listSubscriptions('default', { includeDeleted: true })).length, 2);
      assert.equal(
        (await store.listSubscriptions('default', { event: 'segment.threshold.crossed' })).length,
        1,
      );
      assert.equal(
        (await store.listSubscriptions('default', { url: 'https://nowhere' })).length,
        0,
      );
    });

    void it('fans an event out to one delivery per url, honouring the source filter and explicit targets', async () => {
      await store.createSubscription(
        subscriptionRow('a', { url: 'https://h.example/x', createdAt: at(0) }),
      );
      await store.createSubscription(
        subscriptionRow('b', { url: 'https://h.example/x', createdAt: at(1) }),
      );
      await store.createSubscription(subscriptionRow('c', { params: { source: 'crm' } }));
      await store.createSubscription(subscriptionRow('d', { params: { source: 'shop' } }));
      await store.createSubscription(subscriptionRow('e', { status: 'disabled' }));
      await store.appendEvents([event('e1', { source: 'crm' })]);
      const ds = await store.listDeliveries('default', { limit: 10, offset: 0 });
      assert.deepEqual(
        ds.map((d) => d.subscriptionId).sort(),
        ['b', 'c'],
        'newest duplicate signs',
      );
      assert.ok(ds.every((d) => d.status === 'pending' && d.nextAttemptAt === at(1)));
      await store.appendEvents([event('e2', { subscriptionIds: ['d'] })]);
      const e2 = (await store.listDeliveries('default', { limit: 10, offset: 0 })).filter(
        (d) => d.eventId === 'e2',
      );
      assert.deepEqual(
        e2.map((d) => d.subscriptionId),
        ['d'],
      );
      const feed = await store.listEvents('default', { afterSeq: 0, limit: 10 });
      assert.deepEqual(
        feed.map((e) => e.id),
        ['e1', 'e2'],
      );
      assert.deepEqual(
        (await store.listEvents('default', { afterSeq: feed[0]!.seq, limit: 10 })).map((e) => e.id),
        ['e2'],
      );
      assert.deepEqual((await store.getEvent('e1'))!.data, { n: 'e1' });
    });

    void it('writes a task status and its events in one transaction', async () => {
      await store.createSubscription(subscriptionRow('a'));
      await store.createJob(job('j', 0), [task('t', 'j')]);
      await assert.rejects(
        store.updateTask('t', { status: 'successful' }, [event('dup'), event('dup')]),
      );
      assert.equal(
        (await store.listTasks('j'))[0]!.status,
        'queued',
        'rolled back with the events',
      );
      assert.equal((await store.listEvents('default', { afterSeq: 0, limit: 10 })).length, 0);
      await store.updateTask('t', { status: 'successful' }, [event('ok')]);
      await store.updateJob('j', { status: 'successful' }, [event('job-ok')]);
      assert.equal((await store.listDeliveries('default', { limit: 10, offset: 0 })).length, 2);
    });

    void it('appends a metric value with the trigger evaluation atomically', async () => {
      await store.createSubscription(
        subscriptionRow('a', {
          event: 'segment.threshold.crossed',
          params: { segment: 'Vip', threshold: 1 },
        }),
        { metricKind: 'segment', metricName: 'Vip' },
      );
      const row = {
        instance: 'default',
        metricKind: 'segment',
        metricName: 'Vip',
        jobId: null,
        observedAt: at(2),
        value: 5,
        details: null,
      };
      await assert.rejects(
        store.appendMetricAndEvaluate(row, 'segment.threshold.crossed', () => {
          throw new Error('evaluation failed');
        }),
      );
      assert.equal((await store.listMetrics('default', 'segment', 'Vip', 10)).length, 0);
      const events = await store.appendMetricAndEvaluate(
        row,
        'segment.threshold.crossed',
        (cands) => ({
          states: cands.map((c) => ({ ...c.state, lastValue: 5, armed: false, updatedAt: at(2) })),
          events: [event('fired', { type: 'segment.threshold.crossed', subscriptionIds: ['a'] })],
        }),
      );
      assert.equal(events.length, 1);
      assert.deepEqual(await store.getTriggerState('a'), {
        subscriptionId: 'a',
        lastValue: 5,
        armed: false,
        updatedAt: at(2),
      });
      assert.equal((await store.listMetrics('default', 'segment', 'Vip', 10)).length, 1);
    });

    void it('claims within host capacity, records results, disables on gone, and requeues', async () => {
      await store.createSubscription(subscriptionRow('a'));
      await store.createSubscription(
        subscriptionRow('b', { targetHost: 'other.example', url: 'https://other.example/b' }),
      );
      await store.appendEvents([event('e1'), event('e2'), event('e3')]);
      const claim = (minute: number) =>
        store.claimDeliveries({
          workerId: 'w1',
          now: at(minute),
          limit: 10,
          leaseUntil: at(minute + 1),
          capacityOf: (host) => (host === 'hooks.example.com' ? 2 : 10),
        });
      const first = await claim(1);
      assert.equal(first.length, 5);
      assert.equal(first.filter((c) => c.delivery.targetHost === 'hooks.example.com').length, 2);
      assert.ok(first.every((c) => c.event.id === c.delivery.eventId));
      assert.equal((await claim(1)).length, 1, 'in-flight ones are not claimed twice');
      assert.equal((await claim(3)).length, 5, 'expired leases are claimed again');
      const result = (
        c: (typeof first)[number] | undefined,
        status: 'delivered' | 'failed',
        code: number,
        isGone: boolean,
      ) => ({
        deliveryId: c!.delivery.id,
        instance: 'default',
        url: c!.delivery.url,
        attempt: {
          deliveryId: c!.delivery.id,
          attempt: 1,
          startedAt: at(3),
          statusCode: code,
          latencyMs: 2,
          error: null,
        },
        status,
        nextAttemptAt: null,
        gone: isGone,
      });
      assert.equal(await store.releaseInFlightDeliveries('w2'), 0, "another worker's claims stay");
      // The 5 claimed again plus the one whose lease expired without being claimed again.
      assert.equal(await store.releaseInFlightDeliveries('w1'), 6);
      // Released claims are due again at once: this worker holds the two it claims now.
      const [ok, gone] = (await claim(4)).filter(
        (c) => c.delivery.targetHost === 'hooks.example.com',
      );
      const disabled = await store.recordDeliveryResults(
        [result(ok, 'delivered', 200, false), result(gone, 'failed', 410, true)],
        {
          workerId: 'w1',
          now: at(4),
          disableFailingSince: at(-100),
          disabledEvent: (s, reason) =>
            event(`disabled-${s.id}`, { type: 'subscription.disabled', data: { reason } }),
        },
      );
      assert.deepEqual(
        disabled.map((e) => e.id),
        ['disabled-a'],
      );
      assert.equal((await store.getSubscription('default', 'a'))!.status, 'disabled');
      const d = await store.getDelivery('default', ok!.delivery.id);
      assert.equal(d!.status, 'delivered');
      assert.equal(d!.attempts, 1);
      assert.deepEqual(
        (await store.listDeliveryAttempts(ok!.delivery.id)).map((x) => x.statusCode),
        [200],
      );
      assert.equal(
        await store.requeueDeliveries('default', { ids: [gone!.delivery.id] }, at(6)),
        1,
      );
      assert.equal(
        await store.requeueDeliveries('default', { ids: [gone!.delivery.id] }, at(6)),
        0,
      );
      assert.equal((await store.getDelivery('default', gone!.delivery.id))!.seriesAttempts, 0);
      assert.equal(await store.nextDeliveryDueAt(), at(1));
    });

    void it('records a batch whatever its error texts hold, each outcome on its own rows', async () => {
      await store.createSubscription(subscriptionRow('a'));
      await store.appendEvents(['e1', 'e2', 'e3', 'e4'].map((id) => event(id)));
      const claimed = await store.claimDeliveries({
        workerId: 'w1',
        now: at(1),
        limit: 10,
        leaseUntil: at(2),
        capacityOf: () => 10,
      });
      assert.equal(claimed.length, 4);
      // A lone surrogate (a response text cut inside an emoji) is stored as U+FFFD; the text
      // "null" is not the absence of an error.
      const cut = `cut ${'😀'.slice(0, 1)}`;
      const outcomes = [
        { code: 200, error: null, stored: null, status: 'delivered' as const },
        { code: 500, error: 'null', stored: 'null', status: 'pending' as const },
        { code: 500, error: cut, stored: 'cut \uFFFD', status: 'pending' as const },
        {
          code: 502,
          error: 'quote \' " and\nnewline ✓',
          stored: 'quote \' " and\nnewline ✓',
          status: 'pending' as const,
        },
      ];
      await store.recordDeliveryResults(
        claimed.map((c, i) => ({
          deliveryId: c.delivery.id,
          instance: 'default',
          url: c.delivery.url,
          attempt: {
            deliveryId: c.delivery.id,
            attempt: 1,
            startedAt: at(1),
            statusCode: outcomes[i]!.code,
            latencyMs: 12.5,
            error: outcomes[i]!.error,
          },
          status: outcomes[i]!.status,
          nextAttemptAt: outcomes[i]!.status === 'pending' ? at(5) : null,
          gone: false,
        })),
        {
          workerId: 'w1',
          now: at(1),
          disableFailingSince: at(-10_000),
          disabledEvent: () => assert.fail('nothing is disabled'),
        },
      );
      for (const [i, c] of claimed.entries()) {
        const o = outcomes[i]!;
        const row = (await store.getDelivery('default', c.delivery.id))!;
        assert.deepEqual(
          [row.status, row.lastStatusCode, row.lastError, row.attempts],
          [o.status, o.code, o.stored, 1],
        );
        const [attempt] = await store.listDeliveryAttempts(c.delivery.id);
        assert.deepEqual(
          [attempt!.statusCode, attempt!.error, attempt!.latencyMs, attempt!.startedAt],
          [o.code, o.stored, 12.5, at(1)],
        );
      }
    });

    void it('claims atomically with an owner: concurrent claims split the work, only the holder records', async () => {
      await store.createSubscription(subscriptionRow('a'));
      await store.appendEvents(Array.from({ length: 12 }, (_, i) => event(`e${i}`)));
      const claim = (workerId: string, minute: number, limit = 5) =>
        store.claimDeliveries({
          workerId,
          now: at(minute),
          limit,
          leaseUntil: at(minute + 1),
          capacityOf: () => 100,
        });
      // Racing claims (same instant, same candidates) never return one delivery twice, and the
      // rest stays claimable.
      const racing = await Promise.all([claim('w1', 1), claim('w2', 1), claim('w3', 1)]);
      const ids = racing.flat().map((c) => c.delivery.id);
      assert.ok(ids.length >= 5);
      for (let more = await claim('w2', 1); more.length > 0; more = await claim('w2', 1)) {
        ids.push(...more.map((c) => c.delivery.id));
      }
      assert.equal(ids.length, 12);
      assert.equal(new Set(ids).size, 12);
      // After the leases expire another worker takes them; the old holder's result is not applied.
      const taken = await claim('w4', 3, 100);
      assert.equal(taken.length, 12);
      const first = racing.findIndex((r) => r.length > 0);
      const mine = racing[first]![0]!;
      const holder = ['w1', 'w2', 'w3'][first]!;
      const result = (workerId: string, code: number) =>
        store.recordDeliveryResults(
          [
            {
              deliveryId: mine.delivery.id,
              instance: 'default',
              url: mine.delivery.url,
              attempt: {
                deliveryId: mine.delivery.id,
                attempt: 1,
                startedAt: at(3),
                statusCode: code,
                latencyMs: 1,
                error: null,
              },
              status: code === 200 ? 'delivered' : 'pending',
              nextAttemptAt: code === 200 ? null : at(10),
              gone: false,
            },
          ],
          {
            workerId,
            now: at(3),
            disableFailingSince: at(-10_000),
            disabledEvent: () => assert.fail('nothing is disabled'),
          },
        );
      await result(holder, 500);
      assert.equal((await store.getDelivery('default', mine.delivery.id))!.status, 'inFlight');
      await result('w4', 200);
      const row = (await store.getDelivery('default', mine.delivery.id))!;
      assert.deepEqual([row.status, row.attempts], ['delivered', 1]);
      assert.equal((await store.listDeliveryAttempts(mine.delivery.id)).length, 2);
      assert.equal(await store.releaseInFlightDeliveries(holder), 0);
      // By id: only the named claims this worker holds go back, due at once.
      const held = (await store.listDeliveries('default', { limit: 100, offset: 0 })).filter(
        (d) => d.status === 'inFlight',
      );
      const two = held.slice(0, 2).map((d) => d.id);
      assert.equal(await store.releaseInFlightDeliveries(holder, two), 0);
      assert.equal(await store.releaseInFlightDeliveries('w4', [...two, mine.delivery.id]), 2);
      const back = (await store.getDelivery('default', two[0]!))!;
      assert.deepEqual([back.status, back.nextAttemptAt], ['pending', back.createdAt]);
      assert.equal(await store.releaseInFlightDeliveries('w4'), 9);
    });
  });
}
