/**
 * Crashes while events are on their way. In process: the three crash points (after the task commit
 * and before dispatch; after the claim and before the send; after a 2xx and before it is recorded)
 * against a state file that is reopened by a new app. Out of process: `kill -9` of a real server
 * several times while deliveries are in flight, then restart and drain.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../src/app.js';
import { auth } from './support/app.js';
import { Receiver } from './support/receiver.js';
import { appAt, kill9, startServer, tempDir, type Server } from './support/server.js';
import { deliverAt, subscribe } from './support/triggers.js';

/** One CSV source and a job that ingests it: its success event is committed with the task. */
async function runIngest(app: App, dir: string): Promise<void> {
  const path = join(dir, 'people.csv');
  writeFileSync(path, 'id,name\n1,ann\n2,bob\n');
  const res = await app.http.inject({
    method: 'PUT',
    url: '/v1/instances/default/manage/datasources/crm',
    headers: auth,
    payload: { name: 'crm', tables: [{ name: 'people', format: 'csv', path, primaryKey: 'id' }] },
  });
  assert.equal(res.statusCode, 201);
  const job = await app.refresh.submit({ instance: 'default', submissionKind: 'onDemand' });
  assert.ok(job.ok);
  await app.refresh.waitFor(job.value.jobId);
}

async function statuses(app: App): Promise<string[]> {
  return (await app.state.listDeliveries('default', { limit: 100, offset: 0 })).map(
    (d) => d.status,
  );
}

void describe('crash points', () => {
  void it('between the task commit and dispatch: the event is sent after restart', async () => {
    const dir = tempDir();
    const rx = await Receiver.start();
    try {
      const first = await appAt(dir);
      await subscribe(first, { event: 'datasource.refresh.succeeded', url: rx.url() });
      await runIngest(first, dir);
      await first.close(); // the worker never ran
      assert.equal(rx.received.length, 0);
      const second = await appAt(dir);
      await second.delivery.start();
      await rx.waitFor(() => rx.received.length === 1);
      await second.close();
      assert.equal(rx.received[0]!.json.type, 'datasource.refresh.succeeded');
    } finally {
      await rx.close();
    }
  });

  void it('after the claim and before the send: the claim is released at start and sent', async () => {
    const dir = tempDir();
    const rx = await Receiver.start();
    try {
      const first = await appAt(dir);
      await subscribe(first, { event: 'datasource.refresh.succeeded', url: rx.url() });
      await runIngest(first, dir);
      const now = new Date();
      const claimed = await first.state.claimDeliveries({
        workerId: first.config.delivery.workerId,
        now: now.toISOString(),
        limit: 10,
        leaseUntil: new Date(now.getTime() + 3_600_000).toISOString(),
        capacityOf: () => 10,
      });
      assert.equal(claimed.length, 1);
      await first.close(); // dies holding the claim
      const second = await appAt(dir);
      assert.deepEqual(await statuses(second), ['inFlight']);
      await second.delivery.start();
      await rx.waitFor(() => rx.received.length === 1);
      await second.delivery.drain();
      assert.deepEqual(await statuses(second), ['delivered']);
      await second.close();
    } finally {
      await rx.close();
    }
  });

  void it('after a 2xx and before it is recorded: resent with the same webhook-id', async () => {
    const dir = tempDir();
    const rx = await Receiver.start();
    try {
      const first = await appAt(dir);
      await subscribe(first, { event: 'datasource.refresh.succeeded', url: rx.url() });
      await runIngest(first, dir);
      // The process dies between the receiver's 2xx and the write of the result.
      first.state.recordDeliveryResults = () => Promise.reject(new Error('process killed'));
      await deliverAt(first, new Date());
      assert.equal(rx.received.length, 1);
      await first.close();
      const second = await appAt(dir);
      await second.delivery.start();
      await rx.waitFor(() => rx.received.length === 2);
      await second.delivery.drain();
      assert.deepEqual(await statuses(second), ['delivered']);
      await second.close();
      assert.equal(rx.received[0]!.headers['webhook-id'], rx.received[1]!.headers['webhook-id']);
      assert.equal(rx.received[0]!.body, rx.received[1]!.body);
    } finally {
      await rx.close();
    }
  });
});

/** A server with a compressed retry schedule and short timeouts. */
const start = (dir: string): Promise<Server> =>
  startServer(dir, {
    TRIBUTARY_DELIVERY_RETRY_SCHEDULE_MS: '0,50,100,200,400,400,400,400,400,400,400,400',
    TRIBUTARY_DELIVERY_TIMEOUT_MS: '1500',
    TRIBUTARY_DELIVERY_POLL_MS: '50',
  });

async function call(s: Server, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${s.base}${path}`, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

void describe('kill -9 while deliveries are in flight', () => {
  void it('delivers every (event, subscription) pair at least once, duplicates with the same webhook-id, nothing left in flight', async () => {
    const dir = tempDir();
    const rx = await Receiver.start();
    let n = 0;
    let holding = true;
    // Every third request is held unanswered: it is in flight when the server dies.
    rx.handler = (_req, res) => {
      if (holding && ++n % 3 === 0) return;
      res.writeHead(200).end();
    };
    let server = await start(dir);
    try {
      for (const name of ['a', 'b']) {
        const path = join(dir, `${name}.csv`);
        writeFileSync(path, 'id,v\n1,x\n2,y\n');
        const def = { name, tables: [{ name: 't', format: 'csv', path, primaryKey: 'id' }] };
        assert.equal(
          (await call(server, 'PUT', `/v1/instances/default/manage/datasources/${name}`, def))
            .status,
          201,
        );
      }
      const urls = Array.from({ length: 5 }, (_, i) => rx.url(`/s${i}`));
      for (const url of urls) {
        const res = await call(server, 'POST', '/v1/instances/default/subscriptions', {
          event: 'datasource.refresh.succeeded',
          url,
        });
        assert.equal(res.status, 201);
      }
      for (let round = 0; round < 3; round++) {
        const before = rx.received.length;
        assert.equal(
          (await call(server, 'POST', '/v1/instances/default/workflows/main/jobs')).status,
          202,
        );
        // Kill while at least one request is held (in flight) in this round.
        await rx.waitFor(() => rx.received.length - before >= 3);
        await kill9(server);
        server = await start(dir);
      }
      holding = false;
      const last = await call(server, 'POST', '/v1/instances/default/workflows/main/jobs');
      const { jobId } = (await last.json()) as { jobId: string };

      const events = async () => {
        const res = await call(
          server,
          'GET',
          '/v1/instances/default/events?type=datasource.refresh.succeeded&$top=1000',
        );
        return ((await res.json()) as { value: { id: string }[] }).value.map((e) => e.id);
      };
      const pairs = (ids: string[]) =>
        ids.flatMap((id) => urls.map((u) => `${id} ${new URL(u).pathname}`));
      const seen = () => new Set(rx.received.map((r) => `${r.json.id} ${r.path}`));
      // The last job's two events reach every url; by then every earlier event is committed, and
      // every pair of every event in the feed must arrive.
      const lastJob = () =>
        new Set(
          rx.received
            .filter((r) => r.json.data.jobId === jobId)
            .map((r) => `${String(r.json.data.source)} ${r.path}`),
        );
      await rx.waitFor(() => lastJob().size === 2 * urls.length);
      const expected = pairs(await events());
      assert.ok(expected.length >= 2 * urls.length);
      await rx.waitFor(() => expected.every((p) => seen().has(p)));
      for (const r of rx.received) assert.equal(r.headers['webhook-id'], r.json.id);
      // Drained: the results of the last sends are written shortly after the 2xx.
      const open = async () => {
        const res = await call(server, 'GET', '/v1/instances/default/deliveries?$top=1000');
        const value = ((await res.json()) as { value: { status: string }[] }).value;
        return value.filter((d) => d.status !== 'delivered');
      };
      const deadline = Date.now() + 20_000;
      while ((await open()).length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      assert.deepEqual(await open(), []);
      assert.ok(rx.received.length > expected.length, 'some deliveries were resent after a kill');
    } finally {
      await kill9(server).catch(() => undefined);
      await rx.close();
    }
  });
});
