/**
 * A throwaway PostgreSQL 15 cluster for tests: initdb in a temp dir, a free port on 127.0.0.1, trust
 * auth, stopped and removed by `stop()`. `available` is false (with `skipReason`) when the server
 * binaries are not installed.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';
export const available = existsSync(join(BIN, 'initdb'));
export const skipReason = `PostgreSQL 15 is not installed (${BIN}/initdb does not exist)`;

/** initdb refuses to run as root: run the server binaries as the `postgres` OS user then. */
function asServerUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function runServerBin(bin: string, args: string[], cwd: string, user: boolean): void {
  const [cmd, argv] = user
    ? ['runuser', ['-u', 'postgres', '--', join(BIN, bin), ...args]]
    : [join(BIN, bin), args];
  execFileSync(cmd, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

export interface PgCluster {
  /** `postgres://postgres@127.0.0.1:<port>/<database>` */
  url(database?: string): string;
  stop(): void;
}

export async function startCluster(prefix: string): Promise<PgCluster> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const dataDir = join(root, 'data');
  const owner = asServerUser();
  if (owner) chownSync(root, owner.uid, owner.gid);
  const asUser = owner !== undefined;
  let started = false;
  const stop = (): void => {
    if (started) runServerBin('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop'], root, asUser);
    started = false;
    rmSync(root, { recursive: true, force: true });
  };
  try {
    runServerBin(
      'initdb',
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8'],
      root,
      asUser,
    );
    const port = await freePort();
    const opts = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1`;
    runServerBin(
      'pg_ctl',
      ['-D', dataDir, '-o', opts, '-l', join(root, 'log'), '-w', 'start'],
      root,
      asUser,
    );
    started = true;
    return {
      url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
      stop,
    };
  } catch (e) {
    stop();
    throw e;
  }
}
