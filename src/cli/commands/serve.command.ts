import type { App } from '../../app.js';

/** Listens, prints where and how to connect, and stops cleanly on SIGINT/SIGTERM. */
export async function serveApp(app: App, log: (s: string) => void): Promise<string> {
  await app.start();
  const address = await app.http.listen({ port: app.config.port, host: app.config.host });
  log(`Tributary is serving ${address}  (OpenAPI: ${address}/v1/openapi.json)`);
  if (app.adminKey.generated) {
    log(`admin API key (shown once; kept in ${app.adminKey.file}): ${app.adminKey.key}`);
  } else if (app.adminKey.file) {
    log(`admin API key: in ${app.adminKey.file}`);
  } else {
    log('admin API key: from TRIBUTARY_ADMIN_KEY');
  }
  const shutdown = (): void => {
    log('stopping…');
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return address;
}
