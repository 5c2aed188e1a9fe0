/**
 * The state plane on PostgreSQL (the scale-out adapter) against a throwaway cluster: both StateStore
 * contract suites, and two dispatcher workers on two connection pools claiming with
 * `FOR UPDATE SKIP LOCKED` (each delivery sent exactly once).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { openPostgresState, type StateStore, type SubscriptionRow } from '../src/state/index.js';
import { newEventId } from '../src/triggers/index.js';
import { available, skipReason, startCluster, type PgCluster } from './support/postgres.js';
import { pairCounts, Receiver } from './support/receiver.js';
import { newWorker } from './support/triggers.js';
import { runStateContract } from './state.contract.js';
import { runTriggersStateContract } from './state.triggers.contract.js';

if (!available) console.log(`skipping the PostgreSQL state tests: ${skipReason}`);

let cluster: PgCluster | undefined;
let databases = 0;

/** A new, empty, migrated store in a database of its own. */
async function open(): Promise<StateStore> {
  const name = `state_${++databases}`;
  const admin = new pg.Client({ connectionString: cluster!.url() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const r = await openPostgresState(cluster!.url(name));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
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
      const a = await open();
      const name = `state_${databases}`;
      const opened = await openPostgresState(cluster!.url(name));
      assert.ok(opened.ok);
      const b = opened.value;
      const rx = await Receiver.start();
      const workers = [newWorker(a, 'a'), newWorker(b, 'b')];
      try {
        const at = new Date().toISOString();
        await a.createInstance({ name: 'default', createdAt: at });
        const paths = ['/p0', '/p1', '/p2', '/p3'];
        for (const [i, path] of paths.entries()) {
          const url = rx.url(path);
          const sub: SubscriptionRow = {
            id: `sub${i}`,
            instance: 'default',
            event: 'unification.completed',
            url,
            targetHost: `127.0.0.1:${rx.port}`,
            params: {},
            matchKey: `unification.completed ${url}`,
            secret: `whsec_${Buffer.alloc(24, i).toString('base64')}`,
            previousSecret: null,
            previousSecretUntil: null,
            status: 'active',
            disabledReason: null,
            failingSince: null,
            createdAt: at,
            updatedAt: at,
          };
          await a.createSubscription(sub);
        }
        const events = Array.from({ length: 30 }, (_, i) => ({
          id: newEventId(),
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
  });
}
