/**
 * The CLI talks to Tributary only through its HTTP API: to a running server (`--url`), or to an
 * app built in-process on the data directory, through the same routes via `inject`.
 */
import type { App } from '../app.js';

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface ApiClient {
  request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<ApiResponse>;
  /** GETs raw bytes (e.g. the connector icon); throws a CliError on a non-2xx answer. */
  download(path: string): Promise<Buffer>;
}

export function createRemoteClient(baseUrl: string, key: string): ApiClient {
  const root = baseUrl.replace(/\/+$/, '');
  return {
    async request(method, path, body) {
      const res = await fetch(`${root}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    },
    async download(path) {
      const res = await fetch(`${root}${path}`, { headers: { authorization: `Bearer ${key}` } });
      if (!res.ok) throw new CliError(`GET ${path}: HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
  };
}

export function createEmbeddedClient(app: App): ApiClient {
  return {
    async request(method, path, body) {
      const res = await app.http.inject({
        method,
        url: path,
        headers: { authorization: `Bearer ${app.adminKey.key}` },
        ...(body !== undefined && { payload: body as object }),
      });
      return {
        status: res.statusCode,
        body: res.body ? (JSON.parse(res.body) as unknown) : undefined,
      };
    },
    async download(path) {
      const res = await app.http.inject({
        method: 'GET',
        url: path,
        headers: { authorization: `Bearer ${app.adminKey.key}` },
      });
      if (res.statusCode >= 300) throw new CliError(`GET ${path}: HTTP ${res.statusCode}`);
      return res.rawPayload;
    },
  };
}

/** Throws a CliError with the server's problem detail when the status is not the expected one. */
export class CliError extends Error {}

export async function expectOk<T>(p: Promise<ApiResponse>, what: string): Promise<T> {
  const res = await p;
  if (res.status >= 400) {
    const detail = (res.body as { detail?: string } | undefined)?.detail ?? `HTTP ${res.status}`;
    throw new CliError(`${what}: ${detail}`);
  }
  return res.body as T;
}
