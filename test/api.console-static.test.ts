import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { auth, startTestApp, type TestApp } from './support/app.js';

const indexHtml =
  '<!doctype html><html><body><script type="module" src="/assets/app-abc123.js"></script></body></html>';
const appJs = `console.log(${JSON.stringify('x'.repeat(2000))});`;

void describe('the console is served at / next to the API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-console-'));
  const dist = join(dir, 'dist');
  let served: TestApp;

  before(async () => {
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), indexHtml);
    writeFileSync(join(dist, 'assets', 'app-abc123.js'), appJs);
    served = await startTestApp({ TRIBUTARY_CONSOLE_DIR: dist });
  });
  after(async () => {
    await served.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  void it('serves index.html at / with a same-origin CSP, revalidated by ETag', async () => {
    const res = await served.http.inject({ method: 'GET', url: '/' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, indexHtml);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
    assert.equal(res.headers['cache-control'], 'no-cache');
    const etag = String(res.headers.etag);
    const again = await served.http.inject({
      method: 'GET',
      url: '/',
      headers: { 'if-none-match': etag },
    });
    assert.equal(again.statusCode, 304);
  });

  void it('serves hashed assets immutable and gzipped when accepted, without a key', async () => {
    const url = '/assets/app-abc123.js';
    const plain = await served.http.inject({ method: 'GET', url });
    assert.equal(plain.statusCode, 200);
    assert.equal(plain.body, appJs);
    assert.match(String(plain.headers['content-type']), /^text\/javascript/);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    const gz = await served.http.inject({
      method: 'GET',
      url,
      headers: { 'accept-encoding': 'br, gzip' },
    });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.rawPayload).toString(), appJs);
    assert.ok(gz.rawPayload.length < appJs.length);
  });

  void it('leaves the API as it was: /v1 needs the key, unknown paths are 404 problems', async () => {
    const noKey = await served.http.inject({ method: 'GET', url: '/v1/instances' });
    assert.equal(noKey.statusCode, 401);
    const withKey = await served.http.inject({
      method: 'GET',
      url: '/v1/instances',
      headers: auth,
    });
    assert.equal(withKey.statusCode, 200);
    for (const url of ['/assets/missing.js', '/etc/passwd']) {
      const res = await served.http.inject({ method: 'GET', url });
      assert.notEqual(res.body, indexHtml, url);
      if (res.statusCode !== 200) {
        assert.equal(res.statusCode, 404, url);
        assert.match(String(res.headers['content-type']), /problem\+json/);
      }
    }
  });

  void it('answers / with 503 and how to build when there is no bundle', async () => {
    const bare = await startTestApp({ TRIBUTARY_CONSOLE_DIR: join(dir, 'no-such-dir') });
    try {
      const res = await bare.http.inject({ method: 'GET', url: '/' });
      assert.equal(res.statusCode, 503);
      assert.match(res.body, /npm run build/);
    } finally {
      await bare.dispose();
    }
  });
});
