/**
 * `npm run bench -- delivery [--events 20] [--subs 100] [--deliveries 20000] [--runs 3]`
 * Trigger latency: from the commit of a task result that causes an event (the state transaction
 * with its outbox rows) to the receiver's 2xx, fanned out to 100 subscriptions on one loopback
 * receiver; p50 / p99 over every delivery. Throughput: deliveries per second through the durable
 * outbox (SQLite file, WAL): claim, sign, POST, and the attempt durably recorded (the clock stops
 * after `drain()`, when every result is written), against a raw undici keep-alive POST loop with the
 * same concurrency (the per-host cap), the same body and the same header set (signed once) to the
 * same receiver in the same run, after one uncounted warm-up run of each. The receiver runs in a worker thread (its own event loop). The load
 * average is printed: other processes on the machine skew both sides.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Agent, request } from 'undici';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { buildWebhookHeaders, newSecret } from '../src/delivery/index.js';
import { newEventId } from '../src/triggers/index.js';
import { createRunningJob, machine, median, readFlag, round } from './bench.support.js';

const events = readFlag('events', 20);
const subs = readFlag('subs', 100);
const total = readFlag('deliveries', 20_000);
const runs = readFlag('runs', 3);
const hostConcurrency = 16;

/** The receiver: answers 200 and reports, per request, the hrtime at which it answered. */
const receiverCode = `
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
let n = 0; let report = 'each';
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200).end();
    n++;
    if (report === 'each') parentPort.postMessage({ at: process.hrtime.bigint(), n });
    else if (n % 1000 === 0) parentPort.postMessage({ n });
  });
});
server.keepAliveTimeout = 30000;
parentPort.on('message', (m) => {
  if (m.report) { report = m.report; n = 0; parentPort.postMessage({ ack: true }); }
  if (m.stop) server.close(() => process.exit(0));
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
`;

interface Msg {
  port?: number;
  at?: bigint;
  n?: number;
  ack?: boolean;
}

const receiver = new Worker(receiverCode, { eval: true });
const port = await new Promise<number>((resolve) =>
  receiver.once('message', (m: Msg) => resolve(m.port!)),
);
const target = (i: number) => `http://127.0.0.1:${port}/hook/${i}`;

async function setReport(report: 'each' | 'count'): Promise<void> {
  const acked = new Promise<void>((resolve) => {
    const on = (m: Msg) => {
      if (m.ack) {
        receiver.off('message', on);
        resolve();
      }
    };
    receiver.on('message', on);
  });
  receiver.postMessage({ report });
  await acked;
}

/** Resolves when the receiver has answered `n` requests since the last `setReport`. */
function received(n: number, onEach?: (at: bigint) => void): Promise<void> {
  return new Promise((resolve) => {
    const on = (m: Msg) => {
      if (m.at !== undefined) onEach?.(m.at);
      if (m.n !== undefined && m.n >= n) {
        receiver.off('message', on);
        resolve();
      }
    };
    receiver.on('message', on);
  });
}

async function openApp(dir: string): Promise<App> {
  const config = loadConfig(
    {
      TRIBUTARY_ADMIN_KEY: 'bench',
      TRIBUTARY_LOG_LEVEL: 'silent',
      TRIBUTARY_ALLOW_PRIVATE_TARGETS: 'true',
      TRIBUTARY_DELIVERY_HOST_CONCURRENCY: String(hostConcurrency),
    },
    { dataDir: dir },
  );
  const app = await createApp({ config });
  for (let i = 0; i < subs; i++) {
    const res = await app.http.inject({
      method: 'POST',
      url: '/v1/instances/default/subscriptions',
      headers: { authorization: 'Bearer bench' },
      payload: { event: 'unification.completed', url: target(i) },
    });
    if (res.statusCode !== 201) throw new Error(res.body);
  }
  return app;
}

const data = { jobId: 'j', status: 'successful', profiles: { total: 41877, created: 214 } };

/** Latencies (ms) from each task commit to each of its deliveries' 2xx. */
async function runLatency(dir: string): Promise<number[]> {
  const app = await openApp(dir);
  const at = new Date().toISOString();
  await createRunningJob(app.state, events, at);
  await app.delivery.start();
  await setReport('each');
  const latencies: number[] = [];
  for (let i = 0; i < events; i++) {
    let committed = 0n;
    const done = received((i + 1) * subs, (t) => latencies.push(Number(t - committed) / 1e6));
    const ev = { id: newEventId(new Date()), instance: 'default', type: 'unification.completed' };
    await app.state.updateTask(`t${i}`, { status: 'successful' }, [
      { ...ev, occurredAt: new Date().toISOString(), data },
    ]);
    committed = process.hrtime.bigint();
    app.delivery.notify(); // what the refresh engine's outbox hook does after the commit
    await done;
  }
  await app.close();
  return latencies;
}

/** Deliveries per second through the outbox, from start to the last 2xx. */
async function runOurs(dir: string): Promise<number> {
  const app = await openApp(dir);
  const perEvent = subs;
  const batch = Array.from({ length: Math.ceil(total / perEvent) }, () => ({
    id: newEventId(new Date()),
    instance: 'default',
    type: 'unification.completed',
    occurredAt: new Date().toISOString(),
    data,
  }));
  await app.state.appendEvents(batch);
  await setReport('count');
  const done = received(batch.length * perEvent);
  const t0 = process.hrtime.bigint();
  await app.delivery.start();
  await done;
  await app.delivery.drain();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const left = await app.state.listDeliveries('default', {
    status: 'pending',
    limit: 1,
    offset: 0,
  });
  if (left.length > 0) throw new Error('deliveries left pending');
  await app.close();
  return (batch.length * perEvent) / s;
}

/** The same number of POSTs with a same-size body, same concurrency, raw undici keep-alive. */
async function runBaseline(): Promise<number> {
  const agent = new Agent({ connections: hostConcurrency, keepAliveTimeout: 30_000 });
  const id = newEventId(new Date());
  const body = JSON.stringify({
    id,
    type: 'unification.completed',
    timestamp: new Date().toISOString(),
    instance: 'default',
    data,
  });
  const headers = { ...buildWebhookHeaders(id, new Date(), body, [newSecret()]) };
  await setReport('count');
  const n = Math.ceil(total / subs) * subs;
  const done = received(n);
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: hostConcurrency }, async () => {
      while (next < n) {
        const i = next++;
        const res = await request(target(i % subs), {
          method: 'POST',
          body,
          headers,
          dispatcher: agent,
        });
        await res.body.dump();
      }
    }),
  );
  await done;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  await agent.close();
  return n / s;
}

const work = mkdtempSync(join(tmpdir(), 'tributary-bench-delivery-'));
try {
  const latency = await runLatency(mkdtempSync(join(work, 'lat-')));
  const sorted = [...latency].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  const ours: number[] = [];
  const baseline: number[] = [];
  // Warm both sides alike (the JIT, the receiver, the loopback path); these runs are not counted.
  await runBaseline();
  await runOurs(mkdtempSync(join(work, 'warm-')));
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      ours.push(await runOurs(mkdtempSync(join(work, 'tp-'))));
      baseline.push(await runBaseline());
    } else {
      baseline.push(await runBaseline());
      ours.push(await runOurs(mkdtempSync(join(work, 'tp-'))));
    }
  }
  const oursMedian = median(ours);
  const baseMedian = median(baseline);
  console.log(
    JSON.stringify({
      bench: 'delivery',
      ...machine(),
      loadAverage1m: round(loadavg()[0]!, 2),
      subscriptions: subs,
      latencyDeliveries: latency.length,
      latencyP50Ms: round(pct(0.5), 2),
      latencyP99Ms: round(pct(0.99), 2),
      latencyMaxMs: round(sorted.at(-1)!, 2),
      latencyTargetP99Ms: 100,
      throughputDeliveries: Math.ceil(total / subs) * subs,
      hostConcurrency,
      oursPerSecMedian: Math.round(oursMedian),
      baselineUndiciPerSecMedian: Math.round(baseMedian),
      ratio: round(oursMedian / baseMedian),
      targets: { perSec: 2000, ratio: 0.5 },
      oursRuns: ours.map(Math.round),
      baselineRuns: baseline.map(Math.round),
    }),
  );
} finally {
  receiver.postMessage({ stop: true });
  rmSync(work, { recursive: true, force: true });
}
