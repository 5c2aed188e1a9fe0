/**
 * Actions API over loopback with keep-alive clients, on a 1,000,000-row `Customer` (the unify
 * contract's columns, built with SQL and stored in CustomerId order, as the merge stage writes it).
 * Each client uses its own connection key (limit raised) so the rate limit does not cap the server.
 * Baseline: a fastify route returning a constant, same client loop, same run. Each load is measured
 * `--runs` times and the medians are printed; the reads are measured again after real-time changes
 * to 100 profiles, when `Customer` reads go through the overlay.
 *
 *   npm run bench -- api [--customers 1000000] [--requests 3000] [--clients 4] [--runs 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { indexEntityKeys } from '../src/odata/index.js';
import { runLoad } from './http.load.js';
import { machine, median, readFlag, round } from './bench.support.js';

const customers = readFlag('customers', 1_000_000);
const requests = readFlag('requests', 3000);
const clients = readFlag('clients', 4);
const runs = readFlag('runs', 3);

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/**
 * `clients` concurrent keep-alive loops sharing `n` requests, in a separate process (bench/http.load.ts)
 * so that the clients' own work does not run on the server's event loop; latencies in ms and
 * requests/s.
 */
async function load(
  n: number,
  url: (i: number) => string,
  headers: (client: number) => Record<string, string>,
): Promise<{ p50: number; p99: number; rps: number }> {
  const r = await runLoad({
    urls: Array.from({ length: n }, (_, i) => url(i)),
    headers: Array.from({ length: clients }, (_, c) => headers(c)),
    clients,
  });
  if (r.errors.length > 0) throw new Error(r.errors[0]);
  const lat = r.latenciesMs;
  return { p50: round(median(lat)), p99: round(percentile(lat, 99)), rps: round(n / r.seconds, 1) };
}

/** `load` run `runs` times; the median of each figure. */
async function loadRuns(...args: Parameters<typeof load>): ReturnType<typeof load> {
  const all: Awaited<ReturnType<typeof load>>[] = [];
  for (let r = 0; r < runs; r++) all.push(await load(...args));
  return {
    p50: round(median(all.map((x) => x.p50))),
    p99: round(median(all.map((x) => x.p99))),
    rps: round(median(all.map((x) => x.rps)), 1),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-api-'));
const config = loadConfig(
  { TRIBUTARY_ADMIN_KEY: 'bench-key', TRIBUTARY_LOG_LEVEL: 'silent' },
  { dataDir: join(dir, 'data'), port: 0 },
);
const app = await createApp({ config });
const baseline = Fastify({ logger: false });
baseline.get('/constant', () => ({ value: 42 }));
try {
  const wh = await app.warehouse.open('default');
  await wh.write(async (w) => {
    await w.run(`CREATE TABLE "Customer" AS
      SELECT printf('c-%012x', hash(i)) AS "CustomerId", 'First' || i AS "FirstName", 'Last' || (i % 5000) AS "LastName",
             'user' || i || '@example.com' AS "Email",
             ['Oslo', 'Paris', 'Berlin', 'Madrid', 'Amsterdam', 'London', 'Lyon', 'Munich'][1 + i % 8] AS "City",
             ['US', 'GB', 'DE', 'FR', 'NL', 'ES'][1 + i % 6] AS "Country",
             ['bronze', 'silver', 'gold', 'platinum'][1 + (i // 7) % 4] AS "LoyaltyTier",
             CAST(i % 10000 AS INTEGER) AS "LoyaltyPoints", i % 3 = 0 AS "MarketingOptIn",
             DATE '2020-01-01' + CAST(i % 2000 AS INTEGER) AS "JoinedOn",
             TIMESTAMP '2024-01-01' + to_seconds(i) AS "CreatedAt", CAST([] AS VARCHAR[]) AS "PreviousCustomerId"
      FROM range(${customers}) t(i) ORDER BY "CustomerId"`);
  });
  // What the snapshot stage of a processing refresh does for Get item.
  await indexEntityKeys(app.state, wh, 'default');
  const ids = (await wh.query(`SELECT "CustomerId" FROM "Customer" USING SAMPLE 2000 ROWS`)).map(
    (r) => String(r.CustomerId),
  );
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  await baseline.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const basePort = (baseline.server.address() as AddressInfo).port;
  const keys: string[] = [];
  for (let c = 0; c < clients; c++) {
    const res = await app.http.inject({
      method: 'POST',
      url: '/v1/connections',
      headers: { authorization: 'Bearer bench-key' },
      payload: {
        name: `bench ${c}`,
        instances: ['default'],
        scopes: ['read'],
        rateLimit: { calls: 1_000_000, windowSeconds: 60 },
      },
    });
    keys.push(res.json<{ key: string }>().key);
  }
  const auth = (c: number): Record<string, string> => ({ authorization: `Bearer ${keys[c]!}` });
  const data = `${base}/v1/instances/default/data/Customer`;

  // Warm-up of both servers and of DuckDB's caches.
  await load(200, (i) => `${data}/${ids[i % ids.length]!}`, auth);
  await load(
    200,
    () => `http://127.0.0.1:${basePort}/constant`,
    () => ({}),
  );

  const constant = await loadRuns(
    requests,
    () => `http://127.0.0.1:${basePort}/constant`,
    () => ({}),
  );
  const byKeyUrl = (i: number): string => `${data}/${ids[i % ids.length]!}`;
  const byKey = await loadRuns(requests, byKeyUrl, auth);
  const filter = encodeURIComponent(
    "City eq 'Oslo' and LoyaltyTier eq 'platinum' and LoyaltyPoints ge 9000",
  );
  const filteredUrl = (i: number): string =>
    `${data}?$filter=${filter}&$top=100&$select=CustomerId,Email,LoyaltyPoints&$skip=${i % 5}`;
  const filtered = await loadRuns(Math.min(requests, 500), filteredUrl, auth);

  // Paging through 100,000 rows with @odata.nextLink, $top=1000: 100 pages, `runs` passes. Each
  // pass gives the median of its first five and of its last five pages; the medians over passes
  // are printed.
  const firsts: number[] = [];
  const lasts: number[] = [];
  let rows = 0;
  let pages = 0;
  for (let r = 0; r < runs; r++) {
    const pageMs: number[] = [];
    let url: string | undefined = `${data}?$select=CustomerId,Email,City&$orderby=City&$top=1000`;
    rows = 0;
    while (url && rows < 100_000) {
      const s = performance.now();
      const res = await fetch(url, { headers: auth(0) });
      const body = (await res.json()) as { value: unknown[]; '@odata.nextLink'?: string };
      pageMs.push(performance.now() - s);
      rows += body.value.length;
      url = body['@odata.nextLink'];
    }
    pages = pageMs.length;
    firsts.push(median(pageMs.slice(0, 5)));
    lasts.push(median(pageMs.slice(-5)));
  }
  const first = median(firsts);
  const last = median(lasts);

  // Real-time changes to 100 profiles: Customer reads now merge the overlay.
  for (const id of ids.slice(0, 100)) {
    const res = await app.http.inject({
      method: 'PATCH',
      url: `/v1/instances/default/data/Customer/${id}`,
      headers: { authorization: 'Bearer bench-key' },
      payload: { LoyaltyTier: 'platinum', City: 'Oslo' },
    });
    if (res.statusCode !== 200) throw new Error(`PATCH ${res.statusCode}: ${res.body}`);
  }
  const byKeyOverlay = await loadRuns(requests, byKeyUrl, auth);
  const filteredOverlay = await loadRuns(Math.min(requests, 500), filteredUrl, auth);

  console.log(
    JSON.stringify({
      bench: 'api',
      customers,
      clients,
      requests,
      getItemByKey: { ...byKey, targetP50Ms: 5, targetP99Ms: 25 },
      constantRoute: constant,
      getItemRpsRatioToConstant: round(byKey.rps / constant.rps),
      getItemsSelectiveFilterTop100: { ...filtered, targetP50Ms: 20 },
      withOverlayOf100Profiles: {
        getItemByKey: byKeyOverlay,
        getItemsSelectiveFilterTop100: filteredOverlay,
      },
      paging: {
        rows,
        pages,
        firstPagesMedianMs: round(first),
        lastPagesMedianMs: round(last),
        lastOverFirst: round(last / first),
      },
      runs,
      ...machine(),
      loadAverage: loadavg().map((x) => round(x, 2)),
    }),
  );
} finally {
  await baseline.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
