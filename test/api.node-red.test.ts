/**
 * A real third-party client end to end: Node-RED 4.1 (a dev dependency) runs headless as a child
 * process with test/fixtures/node-red/flows.json and a throwaway userDir, on a loopback port. With
 * a connection key (read + subscribe) the flow subscribes to `datasource.refresh.succeeded` through
 * the API; a real refresh fires the event and the delivery worker posts it to the flow's `http in`
 * node; the flow then pages through `Customer` with `$top`/`$skip` and writes the event and every
 * row it read to files, which this test compares with what the API holds. The flow reports each
 * step (and any error its catch node sees) to a receiver of this test, so nothing here sleeps.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auth, startTestApp, type TestApp } from './support/app.js';
import { createCustomers } from './support/entities.js';
import { Receiver } from './support/receiver.js';
import { deliverAt } from './support/triggers.js';

const redJs = fileURLToPath(new URL('../node_modules/node-red/red.js', import.meta.url));
const flowFile = fileURLToPath(new URL('fixtures/node-red/flows.json', import.meta.url));
const customers = 250;
const pageSize = 40;
/** Node-RED loads ~70 core node types before it deploys the flow; generous for a loaded machine. */
const startupMs = 90_000;

let app: TestApp;
let rx: Receiver;
let red: ChildProcess | undefined;
let redLog = '';
let base = '';
let userDir = '';

/** A port nothing listens on right now, for Node-RED to take (it needs it in its settings). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** What Node-RED said so far, and what its flow reported: the context of any failure here. */
function context(): string {
  const errors = rx.to('/error').map((r) => r.body);
  return `\n--- flow errors ---\n${errors.join('\n') || '(none)'}\n--- Node-RED output ---\n${redLog}`;
}

/** Waits for the flow to report `path`; fails early with Node-RED's output if it exits or errs. */
async function reported(path: string, ms: number): Promise<void> {
  let exited: (() => void) | undefined;
  const died = new Promise<void>((_, reject) => {
    exited = () => reject(new Error(`Node-RED exited before ${path}${context()}`));
    red!.once('exit', exited);
  });
  try {
    await Promise.race([
      rx.waitFor(() => rx.to(path).length > 0 || rx.to('/error').length > 0, ms),
      died,
    ]);
  } catch (e) {
    throw new Error(`${(e as Error).message} waiting for ${path}${context()}`, { cause: e });
  } finally {
    red!.off('exit', exited!);
  }
  assert.equal(rx.to('/error').length, 0, `the flow reported an error${context()}`);
}

before(async () => {
  app = await startTestApp({ TRIBUTARY_ALLOW_PRIVATE_TARGETS: 'true' });
  rx = await Receiver.start();
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  await createCustomers(await app.warehouse.open('default'), customers);
  writeFileSync(join(app.dir, 'people.csv'), 'id,name\n1,Ada\n2,Grace\n');
  const source = await app.http.inject({
    method: 'PUT',
    url: '/v1/instances/default/manage/datasources/crm',
    headers: auth,
    payload: {
      name: 'crm',
      tables: [
        { name: 'people', format: 'csv', path: join(app.dir, 'people.csv'), primaryKey: 'id' },
      ],
    },
  });
  assert.ok(source.statusCode === 201 || source.statusCode === 200, source.body);
});

after(async () => {
  if (red && red.exitCode === null && red.signalCode === null) {
    const exited = new Promise((resolve) => red!.once('exit', resolve));
    red.kill('SIGTERM');
    await exited;
  }
  await rx.close();
  await app.dispose();
});

void describe('Node-RED 4.1 as a client of the API', () => {
  void it('subscribes, receives the delivery at its http in node and pages Customer with $top/$skip', async () => {
    const key = await app.http.inject({
      method: 'POST',
      url: '/v1/connections',
      headers: auth,
      payload: { name: 'node-red', instances: ['default'], scopes: ['read', 'subscribe'] },
    });
    assert.equal(key.statusCode, 201, key.body);

    userDir = join(app.dir, 'node-red');
    mkdirSync(userDir);
    const port = await freePort();
    const settings = join(userDir, 'settings.cjs');
    writeFileSync(
      settings,
      `module.exports = ${JSON.stringify({
        uiHost: '127.0.0.1',
        uiPort: port,
        // Headless: no editor and no admin API, only the flow's own http in endpoints.
        httpAdminRoot: false,
        userDir,
        flowFile,
        credentialSecret: false,
        telemetry: { enabled: false },
        diagnostics: { enabled: false },
        externalModules: { autoInstall: false },
        logging: { console: { level: 'info', metrics: false, audit: false } },
      })};\n`,
    );
    const eventFile = join(userDir, 'event.jsonl');
    const customersFile = join(userDir, 'customers.json');
    red = spawn(process.execPath, [redJs, '--settings', settings, '--userDir', userDir], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: userDir,
        TRIBUTARY_URL: base,
        TRIBUTARY_KEY: key.json<{ key: string }>().key,
        NODE_RED_URL: `http://127.0.0.1:${port}`,
        TEST_URL: rx.url(''),
        PAGE_SIZE: String(pageSize),
        TRIBUTARY_EVENT_FILE: eventFile,
        TRIBUTARY_CUSTOMERS_FILE: customersFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    red.stdout!.on('data', (b: Buffer) => (redLog += b.toString()));
    red.stderr!.on('data', (b: Buffer) => (redLog += b.toString()));

    // 1. The flow subscribed through the API with its connection key.
    await reported('/subscribed', startupMs);
    const subscribed = rx.to('/subscribed')[0]!.json as unknown as Record<string, string>;
    assert.equal(subscribed.event, 'datasource.refresh.succeeded');
    assert.equal(subscribed.url, `http://127.0.0.1:${port}/tributary/events`);
    const listed = await app.http.inject({
      method: 'GET',
      url: '/v1/instances/default/subscriptions',
      headers: auth,
    });
    assert.deepEqual(
      listed.json<{ value: { id: string }[] }>().value.map((s) => s.id),
      [subscribed.id],
    );

    // 2. A real refresh fires the event; the worker delivers it to the flow's http in node.
    const job = await app.http.inject({
      method: 'POST',
      url: '/v1/instances/default/workflows/main/jobs?identifiers=crm',
      headers: auth,
    });
    assert.equal(job.statusCode, 202, job.body);
    await app.refresh.waitFor(job.json<{ jobId: string }>().jobId);
    assert.equal(await deliverAt(app, new Date()), 1, `one delivery is due${context()}`);
    const deliveries = await app.http.inject({
      method: 'GET',
      url: `/v1/instances/default/deliveries?subscription=${subscribed.id}`,
      headers: auth,
    });
    assert.deepEqual(
      deliveries.json<{ value: { status: string }[] }>().value.map((d) => d.status),
      ['delivered'],
      `Node-RED's http response node answered 200${context()}`,
    );

    // 3. The flow wrote the event, then paged through Customer and wrote every row.
    await reported('/done', 60_000);
    assert.ok(existsSync(eventFile), `the flow wrote ${eventFile}${context()}`);
    const lines = readFileSync(eventFile, 'utf8').trim().split('\n');
    assert.equal(lines.length, 1, 'exactly one delivery reached the http in node');
    const got = JSON.parse(lines[0]!) as {
      headers: Record<string, string | undefined>;
      event: { type: string; instance: string; data: Record<string, unknown> };
    };
    assert.equal(got.event.type, 'datasource.refresh.succeeded');
    assert.equal(got.event.instance, 'default');
    assert.equal(got.event.data.source, 'crm');
    assert.equal(got.event.data.rowsRead, 2);
    assert.match(got.headers['webhook-id'] ?? '', /^evt_/);
    assert.match(got.headers['webhook-signature'] ?? '', /^v1,/);

    const read = JSON.parse(readFileSync(customersFile, 'utf8')) as {
      pages: number;
      rows: { CustomerId: string; City: string | null }[];
    };
    assert.equal(read.pages, Math.ceil(customers / pageSize), 'pages until a short one');
    const all = await app.http.inject({
      method: 'GET',
      url: `/v1/instances/default/data/Customer?$select=CustomerId,City&$top=${customers + 1}`,
      headers: auth,
    });
    assert.deepEqual(read.rows, all.json<{ value: unknown[] }>().value, 'every row, in key order');
    assert.equal(new Set(read.rows.map((r) => r.CustomerId)).size, customers);
  });
});
