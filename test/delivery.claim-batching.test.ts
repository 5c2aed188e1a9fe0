/**
 * When every slot of the worker is taken (all hosts together), claims stay batched: the worker
 * claims again once a quarter of its slots are free, not after each completion (a claim per
 * completed send costs a statement round per delivery). Three real receivers on 127.0.0.1 keep the
 * global cap, not any host's, the binding one. And hosts that hang while holding most of the slots
 * do not hold back a fast host: its queue running dry lets a claim through.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClaimOptions, StateStore } from '../src/state/index.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Receiver } from './support/receiver.js';
import { emit, newWorker, subscribe } from './support/triggers.js';

/** The state store, with the number of deliveries each claim returned written down. */
function countingClaims(state: StateStore, sizes: number[]): StateStore {
  return new Proxy(state, {
    get(target, key) {
      if (key === 'claimDeliveries') {
        return async (opts: ClaimOptions) => {
          const claimed = await target.claimDeliveries(opts);
          sizes.push(claimed.length);
          return claimed;
        };
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

void describe('delivery claim batching', () => {
  const open: { close?: () => Promise<void>; dispose?: () => Promise<void> }[] = [];
  after(async () => {
    for (const h of open.reverse()) await (h.dispose ?? h.close)!.call(h);
  });

  void it('claims many rows at a time when the global cap binds, and delivers everything', async () => {
    const app: TestApp = await startTestApp({ TRIBUTARY_ALLOW_PRIVATE_TARGETS: 'true' });
    open.push(app);
    const receivers = [await Receiver.start(), await Receiver.start(), await Receiver.start()];
    open.push(...receivers);
    for (const rx of receivers) {
      await subscribe(app, { event: 'unification.completed', url: rx.url() });
    }
    const events = 200;
    const at = new Date(Date.now() - 1000);
    for (let i = 0; i < events; i++) await emit(app, 'unification.completed', at, { i });
    const sizes: number[] = [];
    // 64 deliveries held in all (4 per unit of cap); each host, once its latency is known, wants 32.
    const worker = newWorker(countingClaims(app.state, sizes), 'batching', {
      hostConcurrency: 2,
      concurrency: 16,
      batchSize: 100,
      pollIntervalMs: 100,
    });
    open.push({ close: () => worker.stop() });
    await worker.start();
    for (const rx of receivers) await rx.waitFor(() => rx.received.length >= events, 60_000);
    await worker.drain();
    for (const rx of receivers) {
      assert.equal(rx.received.length, events);
      assert.equal(new Set(rx.received.map((r) => r.headers['webhook-id'])).size, events);
    }
    const claims = sizes.filter((n) => n > 0);
    const mean = claims.reduce((a, b) => a + b, 0) / claims.length;
    assert.equal(
      claims.reduce((a, b) => a + b, 0),
      3 * events,
    );
    assert.ok(mean >= 3, `${claims.length} claims for ${3 * events} deliveries (mean ${mean})`);
  });

  void it('serves a fast host while hanging hosts hold most of the slots', async () => {
    const app: TestApp = await startTestApp({ TRIBUTARY_ALLOW_PRIVATE_TARGETS: 'true' });
    open.push(app);
    const hanging = [
      await Receiver.start(),
      await Receiver.start(),
      await Receiver.start(),
      await Receiver.start(),
    ];
    const fast = await Receiver.start();
    open.push(...hanging, fast);
    for (const rx of hanging) {
      rx.handler = () => undefined; // never answers (the worker's stop ends the requests)
      await subscribe(app, { event: 'unification.completed', url: rx.url() });
    }
    await subscribe(app, { event: 'refresh.scheduled.completed', url: fast.url() });
    // Interleaved, so the first claim takes the hanging hosts' share and some of the fast host's.
    const at = new Date(Date.now() - 10_000);
    for (let i = 0; i < 60; i++) {
      if (i < 10) await emit(app, 'unification.completed', at, { i });
      await emit(app, 'refresh.scheduled.completed', at, { i });
    }
    // 20 slots, 16 of them taken by the hanging hosts (4 each: one sending, three queued) until
    // their 60 s timeout; a poll interval longer than the test, so only completions let claims
    // through once every slot is taken.
    const worker = newWorker(app.state, 'batching', {
      hostConcurrency: 1,
      concurrency: 5,
      batchSize: 100,
      pollIntervalMs: 60_000,
      leaseMs: 120_000,
      sendTimeoutMs: 60_000,
    });
    open.push({ close: () => worker.stop() });
    await worker.start();
    await fast.waitFor(() => fast.received.length >= 60, 30_000);
    assert.equal(new Set(fast.received.map((r) => r.headers['webhook-id'])).size, 60);
  });
});
