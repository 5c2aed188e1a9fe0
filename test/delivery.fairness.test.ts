/**
 * One slow target never delays the others, even when it has the older backlog: a host with room
 * takes its share of the oldest due deliveries, so a claim now and then must leave busy hosts out
 * (`DeliveryWorker.tick`). Real receivers on 127.0.0.1; the slow one answers each request after
 * 30 ms (a slow target, not a wait in the test).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.js';
import { Receiver } from './support/receiver.js';
import { emit, newWorker, subscribe } from './support/triggers.js';

void describe('delivery fairness', () => {
  const open: { close?: () => Promise<void>; dispose?: () => Promise<void> }[] = [];
  after(async () => {
    for (const h of open.reverse()) await (h.dispose ?? h.close)!.call(h);
  });

  void it("a fast host's deliveries do not wait for a slow host's older backlog", async () => {
    const app: TestApp = await startTestApp({ TRIBUTARY_ALLOW_PRIVATE_TARGETS: 'true' });
    open.push(app);
    const slow = await Receiver.start();
    const fast = await Receiver.start();
    open.push(slow, fast);
    slow.handler = (_req, res) => void setTimeout(() => res.writeHead(200).end(), 30);
    await subscribe(app, { event: 'unification.completed', url: slow.url() });
    await subscribe(app, { event: 'refresh.scheduled.completed', url: fast.url() });
    const older = new Date(Date.now() - 10_000);
    for (let i = 0; i < 1500; i++) await emit(app, 'unification.completed', older, { i });
    const newer = new Date(older.getTime() + 1000);
    for (let i = 0; i < 60; i++) await emit(app, 'refresh.scheduled.completed', newer, { i });
    const worker = newWorker(app.state, 'fair', {
      hostConcurrency: 2,
      concurrency: 64,
      batchSize: 20,
      pollIntervalMs: 100,
      leaseMs: 65_000,
      sendTimeoutMs: 5_000,
    });
    open.push({ close: () => worker.stop() });
    await worker.start();
    await fast.waitFor(() => fast.received.length >= 60, 60_000);
    // The slow host's backlog takes 1500 × 30 ms / 2 ≈ 22 s; the fast host was served long before.
    assert.ok(
      slow.received.length < 750,
      `the fast host waited for ${slow.received.length} of the slow host's 1500`,
    );
  });
});
