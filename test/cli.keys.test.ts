/** `tributary keys` and `connector export` through a remote server and an embedded app. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createEmbeddedClient, createRemoteClient } from '../src/cli/api.client.js';
import {
  createKey,
  exportConnector,
  formatKeys,
  listKeys,
  revokeKey,
} from '../src/cli/commands/keys.command.js';
import { startTestApp, type TestApp } from './support/app.js';

void describe('tributary keys and connector export', () => {
  let app: TestApp;
  let base: string;
  before(async () => {
    app = await startTestApp();
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  });
  after(() => app.dispose());

  void it('creates (key shown once), lists and revokes keys against a remote server', async () => {
    const client = createRemoteClient(base, 'test-admin-key');
    const created = await createKey(client, {
      name: 'teams flow',
      instances: ['default'],
      scopes: ['read'],
      rateLimit: 5,
    });
    assert.match(created.key ?? '', /^trbk_/);
    const works = await fetch(`${base}/v1/instances`, {
      headers: { authorization: `Bearer ${created.key ?? ''}` },
    });
    assert.equal(works.status, 200);
    assert.equal(works.headers.get('ratelimit-policy'), '"conn";q=5;w=60');
    const listed = await listKeys(client);
    assert.deepEqual(
      listed.map((k) => [k.name, k.scopes, 'key' in k]),
      [['teams flow', ['read'], false]],
    );
    assert.match(formatKeys(listed), /teams flow .* active/);
    await revokeKey(client, created.id);
    assert.equal(
      (
        await fetch(`${base}/v1/instances`, {
          headers: { authorization: `Bearer ${created.key ?? ''}` },
        })
      ).status,
      401,
    );
    await assert.rejects(
      createKey(client, { name: 'x', instances: ['ghost'], scopes: ['read'] }),
      /no instance "ghost"/,
    );
  });

  void it('exports the connector package files from an embedded app', async () => {
    const out = join(app.dir, 'pkg');
    const files = await exportConnector(createEmbeddedClient(app), out);
    assert.equal(files.length, 4);
    for (const f of files) assert.ok(existsSync(f));
    const def = JSON.parse(readFileSync(join(out, 'apiDefinition.swagger.json'), 'utf8')) as {
      swagger: string;
    };
    assert.equal(def.swagger, '2.0');
    assert.deepEqual([...readFileSync(join(out, 'icon.png')).subarray(1, 4)], [0x50, 0x4e, 0x47]);
  });
});
