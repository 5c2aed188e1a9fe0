/** `tributary keys create|list|revoke` and `tributary connector export`, through the HTTP API. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectOk, type ApiClient } from '../api.client.js';

export interface ConnectionView {
  id: string;
  name: string;
  instances: string[];
  scopes: string[];
  rateLimit: { calls: number; windowSeconds: number };
  createdAt: string;
  revokedAt: string | null;
  key?: string;
}

export function createKey(
  client: ApiClient,
  req: { name: string; instances: string[]; scopes: string[]; rateLimit?: number },
): Promise<ConnectionView> {
  return expectOk<ConnectionView>(
    client.request('POST', '/v1/connections', {
      name: req.name,
      instances: req.instances,
      scopes: req.scopes,
      ...(req.rateLimit !== undefined && {
        rateLimit: { calls: req.rateLimit, windowSeconds: 60 },
      }),
    }),
    'create key',
  );
}

export async function listKeys(client: ApiClient): Promise<ConnectionView[]> {
  return (
    await expectOk<{ value: ConnectionView[] }>(
      client.request('GET', '/v1/connections'),
      'list keys',
    )
  ).value;
}

export async function revokeKey(client: ApiClient, id: string): Promise<void> {
  await expectOk(
    client.request('DELETE', `/v1/connections/${encodeURIComponent(id)}`),
    `revoke key ${id}`,
  );
}

export function formatKeys(keys: ConnectionView[]): string {
  if (keys.length === 0)
    return '(no keys: create one with `tributary keys create --name N --instance I`)';
  return keys
    .map(
      (k) =>
        `${k.id}  ${k.name.padEnd(20)} ${k.instances.join(',').padEnd(12)} ${k.scopes.join(',').padEnd(28)} ${k.rateLimit.calls}/${k.rateLimit.windowSeconds}s  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}`,
    )
    .join('\n');
}

export const connectorFiles = [
  'apiDefinition.swagger.json',
  'apiProperties.json',
  'readme.md',
  'icon.png',
];

/** Writes the connector package files into `dir`; returns their paths. */
export async function exportConnector(client: ApiClient, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  for (const file of connectorFiles) {
    const body = await client.download(`/v1/connector/powerautomate/${file}`);
    const path = join(dir, file);
    writeFileSync(path, body);
    out.push(path);
  }
  return out;
}
