/**
 * Shared setup of the console's page tests: a real server on 127.0.0.1 with the seeded demo
 * (sources, unification, measures, segments, one full refresh), the console built from web/,
 * Debian's Chromium, and a page already signed in with the admin key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createEmbeddedClient } from '../../src/cli/api.client.js';
import { runDemo } from '../../src/cli/commands/demo.command.js';
import { refreshAndWait } from '../../src/cli/commands/refresh.command.js';
import type { Progress } from '../../src/cli/progress.js';
import { auth, startTestApp, type TestApp } from './app.js';
import { buildConsole, launchChromium } from './browser.js';

export const KEY = 'test-admin-key';
/** Small enough for a test, large enough for clusters, segments with members and match pairs. */
export const DEMO_CUSTOMERS = 300;

const quiet: Progress = { start() {}, update() {}, stop() {}, line() {} };

export interface ConsoleDemo {
  app: TestApp;
  base: string;
  browser: Browser;
  page: Page;
  /** A full refresh of every source, to the end. */
  refresh(): Promise<void>;
  /** GET through the API (what the console must agree with). */
  get<T>(path: string): Promise<T>;
  close(): Promise<void>;
}

export async function startConsoleDemo(env: Record<string, string> = {}): Promise<ConsoleDemo> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-console-'));
  const dist = join(dir, 'dist');
  await buildConsole(dist);
  const app = await startTestApp({
    TRIBUTARY_CONSOLE_DIR: dist,
    TRIBUTARY_ALLOW_PRIVATE_TARGETS: 'true',
    TRIBUTARY_DELIVERY_POLL_MS: '50',
    ...env,
  });
  await runDemo(app, DEMO_CUSTOMERS, quiet);
  await app.start();
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript(`sessionStorage.setItem('tributary.apiKey', ${JSON.stringify(KEY)})`);
  const client = createEmbeddedClient(app);
  return {
    app,
    base,
    browser,
    page,
    async refresh() {
      await refreshAndWait(
        client,
        { instance: 'default', sources: [], ingestionOnly: false },
        quiet,
      );
    },
    async get<T>(path: string) {
      const res = await app.http.inject({ method: 'GET', url: path, headers: auth });
      if (res.statusCode !== 200) throw new Error(`GET ${path}: ${res.statusCode} ${res.body}`);
      return res.json<T>();
    },
    async close() {
      await browser.close();
      await app.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The page's horizontal overflow in pixels and the elements causing it (tables and charts scroll inside their frame). */
export async function measureOverflow(page: Page): Promise<{ overflow: number; culprits: string }> {
  const overflow = await page.evaluate<number>(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  );
  const culprits = await page.evaluate<string>(`[...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest('.table-wrap, .gantt-scroll'))
    .map((e) => e.tagName + '.' + e.className).join(', ')`);
  return { overflow, culprits };
}
