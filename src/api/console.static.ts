/**
 * Serves the built console (`web/dist`) at `/`, next to the API under `/v1`.
 * The bundle is a handful of files fixed when the server starts, so they are read once into memory
 * (with a gzip copy) and served by exact path. No file-system lookup per request means no path
 * traversal to guard against, and no dependency (@fastify/static) for what is a small route table.
 * Hashed assets are cached for a year; index.html is revalidated by ETag. Without a bundle, `/`
 * answers 503 with how to build it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Same-origin only: the console calls nothing but this server's API. */
const contentSecurityPolicy = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

interface StaticFile {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
  etag: string;
  cacheControl: string;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? listFiles(p) : [p];
  });
}

/** Reads the bundle into url path → file; empty when there is no built index.html. */
export function loadConsoleFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!existsSync(join(dir, 'index.html'))) return files;
  for (const path of listFiles(dir)) {
    const type = contentTypes[extname(path)];
    if (!type) continue;
    const url = `/${relative(dir, path).split(sep).join('/')}`;
    const body = readFileSync(path);
    const gzip = /^(text|application\/json|image\/svg)/.test(type) ? gzipSync(body) : undefined;
    files.set(url, {
      body,
      gzip: gzip && gzip.length < body.length ? gzip : undefined,
      type,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      cacheControl: url.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  }
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  return files;
}

function sendFile(file: StaticFile, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply
    .header('content-type', file.type)
    .header('cache-control', file.cacheControl)
    .header('etag', file.etag)
    .header('vary', 'accept-encoding')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer');
  if (file.type.startsWith('text/html')) {
    reply.header('content-security-policy', contentSecurityPolicy);
  }
  if (req.headers['if-none-match'] === file.etag) return reply.code(304).send();
  const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  if (file.gzip && acceptsGzip) {
    return reply.header('content-encoding', 'gzip').send(file.gzip);
  }
  return reply.send(file.body);
}

const notBuiltPage = (dir: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tributary</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The console is not built</h1>
<p>No <code>index.html</code> in <code>${dir.replace(/[<>&]/g, '')}</code>. Run <code>npm run build</code>
(or <code>npm start</code>, which builds it when missing) and restart the server.
The API is available under <code>/v1</code>.</p>
</body></html>`;

export function registerConsoleRoutes(app: FastifyInstance, dir: string): void {
  const files = loadConsoleFiles(dir);
  if (files.size === 0) {
    app.get('/', { schema: { hide: true } }, (_req, reply) =>
      reply.code(503).type('text/html; charset=utf-8').send(notBuiltPage(dir)),
    );
    return;
  }
  for (const [url, file] of files) {
    app.get(url, { schema: { hide: true } }, (req, reply) => sendFile(file, req, reply));
  }
}
