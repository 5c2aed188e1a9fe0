/**
 * The claim protocol with several dispatcher workers on one SQLite state file: two workers in one
 * process (one connection, and one connection each), and two `tributary serve` processes. No
 * delivery is sent twice while leases are valid; a claim whose lease expired is taken over, and its
 * old holder can no longer write its result over the new one.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { pairCounts, Receiver } from './support/receiver.js';
import { appAt, startServer, stopServer, tempDir, type Server } from './support/server.js';
import { deliverAt, emit, minutes, newWorker, subscribe } from './support/triggers.js';

/** An app over `dir` with this worker id and a 20 ms poll (its worker starts only when told). */
const appOf = (dir: string, workerId: string): Promise<App> =>
  appAt(dir, { TRIBUTARY_DELIVERY_WORKER_ID: workerId, TRIBUTARY_DELIVERY_POLL_MS: '20' });

async function emitMany(app: App, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await emit(app, 'unification.completed', new Date(), { i }));
  return ids;
}

void describe('claim settings', () => {
  void it('refuse a lease no longer than the attempt timeout and a malformed worker id', () => {
    assert.throws(
      () =>
        loadConfig({ TRIBUTARY_DELIVERY_TIMEOUT_MS: '5000', TRIBUTARY_DELIVERY_LEASE_MS: '5000' }),
      /TRIBUTARY_DELIVERY_LEASE_MS must be a number between 5001/,
    );
    assert.throws(
      () => loadConfig({ TRIBUTARY_DELIVERY_WORKER_ID: 'a b' }),
      /TRIBUTARY_DELIVERY_WORKER_ID must be/,
    );
    const d = loadConfig({ TRIBUTARY_DELIVERY_TIMEOUT_MS: '5000' }).delivery;
    assert.deepEqual([d.workerId, d.leaseMs], ['embedded', 65_000]);
  });
});

void describe('several workers on one state file', () => {
  for (const shared of [true, false]) {
    void it(`send each delivery exactly once without failures (${shared ? 'one connection' : 'a connection each'})`, async () => {
      const dir = tempDir();
      const rx = await Receiver.start();
      const app = await appOf(dir, 'a');
      const other = shared ? undefined : await appOf(dir, 'b');
      const second = newWorker(other?.state ?? app.state, 'b');
      const first = newWorker(app.state, 'a');
      try {
        const paths = ['/p0', '/p1', '/p2', '/p3'];
        for (const p of paths)
          await subscribe(app, { event: 'unification.completed', url: rx.url(p) });
        const ids = await emitMany(app, 30);
        await Promise.all([first.start(), second.start()]);
        const expected = ids.length * paths.length;
        await rx.waitFor(() => pairCounts(rx).size === expected);
        await Promise.all([first.drain(), second.drain()]);
        assert.equal(rx.received.length, expected, 'no delivery was sent twice');
        const rows = await app.state.listDeliveries('default', { limit: 1000, offset: 0 });
        assert.equal(rows.length, expected);
        assert.ok(rows.every((d) => d.status === 'delivered' && d.attempts === 1));
      } finally {
        await first.stop();
        await second.stop();
        await other?.close();
        await app.close();
        await rx.close();
      }
    });
  }

  void it('a claim is taken over once its lease expires, and the old holder cannot overwrite the result', async () => {
    const dir = tempDir();
    const rx = await Receiver.start();
    const app = await appOf(dir, 'embedded');
    try {
      await subscribe(app, { event: 'unification.completed', url: rx.url() });
      const t0 = new Date('2026-05-01T10:00:00.000Z');
      await emit(app, 'unification.completed', t0, { jobId: 'j' });
      // Another worker claims it for a minute and dies before sending.
      const ghost = await app.state.claimDeliveries({
        workerId: 'ghost',
        now: t0.toISOString(),
        limit: 10,
        leaseUntil: minutes(t0, 1).toISOString(),
        capacityOf: () => 10,
      });
      assert.equal(ghost.length, 1);
      // A restart of this worker releases only its own claims.
      assert.equal(await app.state.releaseInFlightDeliveries('embedded'), 0);
      assert.equal(await deliverAt(app, minutes(t0, 0.5)), 0, 'the lease is still valid');
      assert.equal(rx.received.length, 0);
      assert.equal(await deliverAt(app, minutes(t0, 2)), 1, 'the expired lease is taken over');
      assert.equal(rx.received.length, 1);
      const id = ghost[0]!.delivery.id;
      assert.equal((await app.state.getDelivery('default', id))!.status, 'delivered');
      // The ghost's late failure is logged as an attempt but does not change the delivery.
      await app.state.recordDeliveryResults(
        [
          {
            deliveryId: id,
            instance: 'default',
            url: rx.url(),
            attempt: {
              deliveryId: id,
              attempt: 1,
              startedAt: minutes(t0, 3).toISOString(),
              statusCode: 500,
              latencyMs: 1,
              error: 'HTTP 500',
            },
            status: 'pending',
            nextAttemptAt: minutes(t0, 4).toISOString(),
            gone: false,
          },
        ],
        {
          workerId: 'ghost',
          now: minutes(t0, 3).toISOString(),
          disableFailingSince: minutes(t0, -7200).toISOString(),
          disabledEvent: () => assert.fail('nothing is disabled'),
        },
      );
      const row = (await app.state.getDelivery('default', id))!;
      assert.equal(row.status, 'delivered');
      assert.equal(row.attempts, 1);
      assert.deepEqual(
        (await app.state.listDeliveryAttempts(id)).map((a) => a.statusCode),
        [200, 500],
      );
    } finally {
      await app.close();
      await rx.close();
    }
  });
});

void describe('two server processes on one state file', () => {
  void it('send each delivery once, and take over the claims of a worker that died', async () => {
    const dir = tempDir();
    const rx = await Receiver.start();
    // This process only writes the outbox (its own worker never starts).
    const app = await appOf(dir, 'writer');
    const servers: Server[] = [];
    try {
      const paths = ['/p0', '/p1', '/p2'];
      for (const p of paths)
        await subscribe(app, { event: 'unification.completed', url: rx.url(p) });
      const early = await emitMany(app, 5);
      // A worker claims the first events for 2 s and dies without sending.
      const now = new Date();
      const ghost = await app.state.claimDeliveries({
        workerId: 'ghost',
        now: now.toISOString(),
        limit: 100,
        leaseUntil: new Date(now.getTime() + 2_000).toISOString(),
        capacityOf: () => 100,
      });
      assert.equal(ghost.length, early.length * paths.length);
      const serve = (workerId: string) =>
        startServer(dir, {
          TRIBUTARY_DELIVERY_WORKER_ID: workerId,
          TRIBUTARY_DELIVERY_HOST_CONCURRENCY: '2',
          TRIBUTARY_DELIVERY_POLL_MS: '20',
        });
      servers.push(await serve('a'), await serve('b'));
      const ids = [...early, ...(await emitMany(app, 40))];
      const expected = ids.length * paths.length;
      await rx.waitFor(() => pairCounts(rx).size === expected, 30_000);
      // The results of the last sends are written shortly after their 2xx.
      const rows = () => app.state.listDeliveries('default', { limit: 1000, offset: 0 });
      const deadline = Date.now() + 20_000;
      while ((await rows()).some((d) => d.status !== 'delivered') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      for (const s of servers) await stopServer(s);
      assert.equal(rx.received.length, expected, 'no delivery was sent twice');
      const final = await rows();
      assert.equal(final.length, expected);
      for (const d of final) assert.equal(`${d.status} ${d.attempts}`, 'delivered 1', d.id);
    } finally {
      for (const s of servers) await stopServer(s);
      await app.close();
      await rx.close();
    }
  });
});
