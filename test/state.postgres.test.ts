/**
 * The state plane on PostgreSQL (the scale-out adapter) against a throwaway cluster: both StateStore
 * contract suites, two dispatcher workers on two connection pools claiming with
 * `FOR UPDATE SKIP LOCKED`, and two apps sharing the database through `TRIBUTARY_STATE_URL` (each
 * delivery sent exactly once).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { App } from '../src/app.js';
import { openPostgresState, type StateStore } from '../src/state/index.js';
import { newEventId } from '../src/triggers/index.js';
import { available, skipReason, startCluster, type PgCluster } from './support/postgres.js';
import { pairCounts, Receiver } from './support/receiver.js';
import { appAt, tempDir } from './support/server.js';
import { emit, newWorker, subscribe } from './support/triggers.js';
import { runStateContract } from './state.contract.js';
import { runTriggersStateContract, subscriptionRow } from './state.triggers.contract.js';

if (!available) console.log(`skipping the PostgreSQL state tests: ${skipReason}`);

let cluster: PgCluster | undefined;
let databases = 0;

/** A new, empty database; returns its url. */
async function newDatabase(): Promise<string> {
  const name = `state_${++databases}`;
  const admin = new pg.Client({ connectionString: cluster!.url() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return cluster!.url(name);
}

async function openAt(url: string): Promise<StateStore> {
  const r = await openPostgresState(url);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** A new, empty, migrated store in a database of its own. */
async function open(): Promise<StateStore> {
  return openAt(await newDatabase());
}

if (available) {
  before(async () => {
    cluster = await startCluster('tributary-pgstate-');
  });
  after(() => cluster?.stop());

  runStateContract('postgres', open);
  runTriggersStateContract('postgres', open);

  void describe('delivery workers on PostgreSQL', () => {
    void it('two workers on two pools send each delivery exactly once', async () => {
      const url = await newDatabase();
      const a = await openAt(url);
      const b = await openAt(url);
      const rx = await Receiver.start();
      const workers = [newWorker(a, 'a'), newWorker(b, 'b')];
      try {
        const at = new Date().toISOString();
        await a.createInstance({ name: 'default', createdAt: at });
        const paths = ['/p0', '/p1', '/p2', '/p3'];
        for (const [i, path] of paths.entries()) {
          const url = rx.url(path);
          const sub = subscriptionRow(`sub${i}`, {
            event: 'unification.completed',
            url,
            targetHost: `127.0.0.1:${rx.port}`,
            matchKey: `unification.completed ${url}`,
            createdAt: at,
            updatedAt: at,
          });
          await a.createSubscription(sub);
        }
        const events = Array.from({ length: 30 }, (_, i) => ({
          id: newEventId(at),
          instance: 'default',
          type: 'unification.completed',
          occurredAt: at,
          data: { i },
        }));
        await a.appendEvents(events);
        await Promise.all(workers.map((w) => w.start()));
        const expected = events.length * paths.length;
        await rx.waitFor(() => pairCounts(rx).size === expected);
        await Promise.all(workers.map((w) => w.drain()));
        assert.equal(rx.received.length, expected, 'no delivery was sent twice');
        const rows = await a.listDeliveries('default', { limit: 1000, offset: 0 });
        assert.equal(rows.length, expected);
        for (const d of rows) assert.equal(`${d.status} ${d.attempts}`, 'delivered 1', d.id);
      } finally {
        for (const w of workers) await w.stop();
        await a.close();
        await b.close();
        await rx.close();
      }
    });

    void it('two servers with TRIBUTARY_STATE_URL share the outbox and send each delivery once', async () => {
      const url = await newDatabase();
      const rx = await Receiver.start();
      const apps: App[] = [];
      try {
        for (const workerId of ['a', 'b']) {
          const env = {
            TRIBUTARY_DELIVERY_POLL_MS: '20',
            TRIBUTARY_DELIVERY_HOST_CONCURRENCY: '2',
            TRIBUTARY_STATE_URL: url,
            TRIBUTARY_DELIVERY_WORKER_ID: workerId,
          };
          apps.push(await appAt(tempDir(), env));
        }
        const [a] = apps as [App, App];
        const paths = ['/p0', '/p1', '/p2'];
        for (const p of paths) {
          await subscribe(a, { event: 'unification.completed', url: rx.url(p) });
        }
        const ids: string[] = [];
        for (let i = 0; i < 20; i++) {
          ids.push(await emit(a, 'unification.completed', new Date(), { i }));
        }
        for (const app of apps) await app.delivery.start();
        const expected = ids.length * paths.length;
        await rx.waitFor(() => pairCounts(rx).size === expected);
        for (const app of apps) await app.delivery.drain();
        assert.equal(rx.received.length, expected, 'no delivery was sent twice');
        const rows = await a.state.listDeliveries('default', { limit: 1000, offset: 0 });
        for (const d of rows) assert.equal(`${d.status} ${d.attempts}`, 'delivered 1', d.id);
      } finally {
        for (const app of apps) await app.close();
        await rx.close();
      }
    });
  });
}
