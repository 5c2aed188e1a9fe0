/**
 * The console: the size of the built JS and CSS, gzipped as the server sends them, and the time to
 * first render on loopback in Debian's Chromium. A load is a fresh browser context (cold cache)
 * opening a page of a server that ran the demo refresh; the time is `performance.now()` when the
 * page's `<h1>` is first in the DOM (a MutationObserver installed before any script), and again
 * when its data is on screen. Baseline, same run and same method: a blank static page with an
 * `<h1>` served by a bare node:http server on loopback.
 *
 *   npm run bench -- console [--loads 15] [--customers 300]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { createApp } from '../src/app.js';
import { runDemo } from '../src/cli/commands/demo.command.js';
import { loadConfig } from '../src/config/index.js';
import { machine, median, readFlag, round } from './bench.support.js';

const loads = readFlag('loads', 15);
const customers = readFlag('customers', 300);
const KEY = 'bench-key';

/** Records when the first element matching `selector` enters the DOM, as `window.__seen[selector]`. */
function observe(selectors: string[]): string {
  return `(() => {
    const seen = (window.__seen = {});
    const check = () => { for (const s of ${JSON.stringify(selectors)}) if (!(s in seen) && document.querySelector(s)) seen[s] = performance.now(); };
    new MutationObserver(check).observe(document, { childList: true, subtree: true });
  })();`;
}

async function timeLoads(
  browser: Browser,
  url: string,
  selectors: string[],
  init: string,
): Promise<number[][]> {
  const out: number[][] = [];
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext();
    await context.addInitScript(init);
    await context.addInitScript(observe(selectors));
    const page = await context.newPage();
    await page.goto(url);
    for (const s of selectors) await page.locator(s).first().waitFor();
    const seen = await page.evaluate<Record<string, number>>('window.__seen');
    out.push(selectors.map((s) => seen[s]!));
    await context.close();
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-console-'));
const dist = join(dir, 'dist');
await build({
  configFile: join(import.meta.dirname, '..', 'vite.config.ts'),
  logLevel: 'warn',
  build: { outDir: dist, emptyOutDir: true },
});
const assets = readdirSync(join(dist, 'assets')).filter((f) => /\.(js|css)$/.test(f));
const sizes = assets.map((f) => {
  const body = readFileSync(join(dist, 'assets', f));
  return { file: f, bytes: body.length, gzip: gzipSync(body).length };
});
const gzipTotal = sizes.reduce((a, s) => a + s.gzip, 0);

const config = loadConfig(
  {
    TRIBUTARY_ADMIN_KEY: KEY,
    TRIBUTARY_LOG_LEVEL: 'silent',
    TRIBUTARY_CONSOLE_DIR: dist,
  },
  { dataDir: join(dir, 'data'), port: 0 },
);
const app = await createApp({ config });
const quiet = { start() {}, update() {}, stop() {}, line() {} };
await runDemo(app, customers, quiet);
await app.http.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;

const blank = createServer((_req, res) =>
  res
    .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    .end('<!doctype html><html lang="en"><title>blank</title><h1>Blank</h1></html>'),
);
await new Promise<void>((resolve) => blank.listen(0, '127.0.0.1', resolve));
const blankUrl = `http://127.0.0.1:${(blank.address() as AddressInfo).port}/`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const signedIn = `sessionStorage.setItem('tributary.apiKey', ${JSON.stringify(KEY)});`;
// Interleaved page kinds would share nothing anyway (fresh contexts); the order is fixed.
const baseline = await timeLoads(browser, blankUrl, ['h1'], '');
const overview = await timeLoads(browser, `${base}/#/default`, ['main h1', '.card-grid'], signedIn);
const segments = await timeLoads(
  browser,
  `${base}/#/default/segments`,
  ['main h1', '[data-testid="measures-table"]'],
  signedIn,
);
await browser.close();
await app.close();
await new Promise<void>((resolve) => blank.close(() => resolve()));
rmSync(dir, { recursive: true, force: true });

const med = (rows: number[][], i: number): number => round(median(rows.map((r) => r[i]!)), 1);
const blankMs = med(baseline, 0);
const figures = {
  bench: 'console',
  ...machine(),
  loads,
  customers,
  assets: sizes,
  jsCssGzipKB: round(gzipTotal / 1024, 1),
  targetKB: 150,
  blankPageFirstRenderMs: blankMs,
  overviewFirstRenderMs: med(overview, 0),
  overviewDataMs: med(overview, 1),
  segmentsFirstRenderMs: med(segments, 0),
  segmentsDataMs: med(segments, 1),
  overviewFirstRenderVsBlank: round(med(overview, 0) / blankMs, 2),
};
console.log(
  `console bundle: ${sizes.map((s) => `${s.file} ${round(s.gzip / 1024, 1)} KB gz`).join(', ')}; total ${figures.jsCssGzipKB} KB gzipped (target <= 150)`,
);
console.log(
  `first render (median of ${loads} cold loads): blank page ${blankMs} ms; overview ${figures.overviewFirstRenderMs} ms (x${figures.overviewFirstRenderVsBlank}), its data ${figures.overviewDataMs} ms; segments ${figures.segmentsFirstRenderMs} ms, its data ${figures.segmentsDataMs} ms; ${figures.cores} cores`,
);
console.log(JSON.stringify(figures));
