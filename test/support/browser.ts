/**
 * Browser-test support: builds the console from web/ into a throwaway folder (so tests run the
 * current sources, not a stale web/dist) and launches Debian's Chromium through playwright-core.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';

export const chromiumPath = '/usr/bin/chromium';
export const artifactsDir = join(import.meta.dirname, '..', '..', 'test-artifacts', 'console');

export async function buildConsole(outDir: string): Promise<void> {
  await build({
    configFile: join(import.meta.dirname, '..', '..', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Saves a full-page screenshot as a test artifact (test-artifacts/console/<name>.png). */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
