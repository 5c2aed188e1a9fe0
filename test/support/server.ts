/**
 * Processes over a chosen data directory: an app (`appAt`; a second call on the same directory is
 * the restarted process) and `tributary serve` as a child process (`startServer`, `kill9`,
 * `stopServer`). Directories from `tempDir` are removed when the test file ends.
 */
import { after } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';

export const serverEnv = {
  TRIBUTARY_ADMIN_KEY: 'test-admin-key',
  TRIBUTARY_LOG_LEVEL: 'silent',
  TRIBUTARY_ALLOW_PRIVATE_TARGETS: 'true',
  TRIBUTARY_RETRY_BASE_DELAY_MS: '1',
  TRIBUTARY_DUCKDB_MEMORY_LIMIT: '512MB',
};

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = 'tributary-proc-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

export async function appAt(dir: string, env: Record<string, string> = {}): Promise<App> {
  return createApp({ config: loadConfig({ ...serverEnv, ...env }, { dataDir: dir, port: 0 }) });
}

export interface Server {
  child: ChildProcess;
  base: string;
}

/** Starts `tributary serve` on `dir` as a child process and resolves with its address. */
export function startServer(dir: string, env: Record<string, string>): Promise<Server> {
  // Not a test process itself: with NODE_TEST_CONTEXT set, node would report its stdout as TAP.
  const { NODE_TEST_CONTEXT: _ctx, ...parentEnv } = process.env;
  const child = spawn(
    process.execPath,
    ['bin/tributary.js', 'serve', '--data-dir', dir, '--port', '0'],
    {
      env: { ...parentEnv, ...serverEnv, TRIBUTARY_LOG_LEVEL: 'error', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /serving (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, base: m[1]! });
    });
    child.once('exit', (code) =>
      reject(new Error(`server exited (${code}) before listening: ${out}`)),
    );
  });
}

async function signal(s: Server, sig: NodeJS.Signals): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise((resolve) => s.child.once('exit', resolve));
  s.child.kill(sig);
  await exited;
}

export function kill9(s: Server): Promise<void> {
  return signal(s, 'SIGKILL');
}

export function stopServer(s: Server): Promise<void> {
  return signal(s, 'SIGTERM');
}
