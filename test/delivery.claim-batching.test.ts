/**
 * When every slot of the worker is taken (all hosts together), claims stay batched: the worker
 * claims again once a quarter of its slots are free, not after each completion (a claim per
 * completed send costs a statement round per delivery). Three real receivers on 127.0.0.1 keep the
 * global cap, not any host's, the binding one.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { DeliveryWorker, WebhookSender } from '../src/delivery/index.js';
import type { ClaimOptions, StateStore } from '../src/state/index.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Receiver } from './support/receiver.js';
import { emit, subscribe } from './support/triggers.js';

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
    const worker = new DeliveryWorker({
      state: countingClaims(app.state, sizes),
      now: () => new Date(),
      log: pino({ level: 'silent' }),
      sender: new WebhookSender({
        allowPrivateTargets: true,
        allowHttpHosts: [],
        connectTimeoutMs: 1_000,
        timeoutMs: 5_000,
        connectionsPerHost: 4,
      }),
      options: {
        schedule: { delaysMs: [0, 60_000], retryAfterCapMs: 1_000 },
        hostConcurrency: 4,
        // 16 deliveries held in all (4 per unit of cap), against 16 or more per host.
        concurrency: 4,
        batchSize: 100,
        pollIntervalMs: 100,
        workerId: 'batching',
        leaseMs: 65_000,
        sendTimeoutMs: 5_000,
        disableAfterMs: 1e12,
        hostRates: {},
      },
    });
    open.push({ close: () => worker.stop() });
    await worker.start();
    for (const rx of receivers) await rx.waitFor(() => rx.received.length >= events, 60_000);
    await worker.drain();
    for (const rx of receivers) {
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
});
