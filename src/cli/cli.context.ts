/** Shared CLI plumbing: config from env + flags, and an API client (remote or embedded). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, type App } from '../app.js';
import { loadConfig, type Config, type Env } from '../config/index.js';
import {
  createEmbeddedClient,
  createRemoteClient,
  CliError,
  type ApiClient,
} from './api.client.js';

export interface GlobalFlags {
  dataDir?: string;
  port?: string;
  url?: string;
  key?: string;
  instance?: string;
}

export function configFrom(env: Env, flags: GlobalFlags): Config {
  const port = flags.port === undefined ? undefined : Number(flags.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new CliError(`--port must be an integer between 0 and 65535, got "${flags.port}"`);
  }
  return loadConfig(env, {
    ...(flags.dataDir !== undefined && { dataDir: flags.dataDir }),
    ...(port !== undefined && { port }),
  });
}

export interface Connection {
  client: ApiClient;
  /** Present when the command runs the engine in this process (no --url). */
  app: App | undefined;
  close(): Promise<void>;
}

export async function connect(env: Env, flags: GlobalFlags): Promise<Connection> {
  const config = configFrom(env, flags);
  if (flags.url) {
    const keyFile = join(config.dataDir, 'admin.key');
    const key =
      flags.key ??
      config.adminKey ??
      (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
    if (!key)
      throw new CliError('an API key is needed with --url: pass --key or set TRIBUTARY_ADMIN_KEY');
    return {
      client: createRemoteClient(flags.url, key),
      app: undefined,
      close: () => Promise.resolve(),
    };
  }
  const app = await createApp({ config: { ...config, logLevel: 'warn' } });
  try {
    await app.warehouse.open('default');
  } catch (e) {
    await app.close();
    throw new CliError(
      `cannot open the warehouse in ${config.dataDir} (${(e as Error).message.split('\n')[0]}); if a server is running there, pass --url`,
    );
  }
  // One-shot commands resume queued work but do not run the scheduler: that is the server's job.
  await app.refresh.recover();
  return { client: createEmbeddedClient(app), app, close: () => app.close() };
}
