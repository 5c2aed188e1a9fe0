/**
 * Admin-key authentication. The key arrives as `Authorization: Bearer <key>` or
 * `Ocp-Apim-Subscription-Key: <key>`; comparison is constant-time over SHA-256 digests.
 * (Per-connection keys with scopes and rate limits come with the actions API.)
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export function readPresentedKey(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth))
    return auth.replace(/^Bearer\s+/i, '').trim();
  const sub = req.headers['ocp-apim-subscription-key'];
  return typeof sub === 'string' ? sub.trim() : undefined;
}

export function createKeyCheck(adminKey: string): (presented: string | undefined) => boolean {
  const expected = digest(adminKey);
  return (presented) => presented !== undefined && timingSafeEqual(digest(presented), expected);
}

export interface AdminKey {
  key: string;
  /** True when the key was generated now: the caller prints it once. */
  generated: boolean;
  file: string | undefined;
}

/** The configured key, else the one kept in `<dataDir>/admin.key`, else a new one written there (0600). */
export function resolveAdminKey(dataDir: string, configured: string | undefined): AdminKey {
  if (configured) return { key: configured, generated: false, file: undefined };
  const file = join(dataDir, 'admin.key');
  if (existsSync(file)) return { key: readFileSync(file, 'utf8').trim(), generated: false, file };
  mkdirSync(dataDir, { recursive: true });
  const key = `trb_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { key, generated: true, file };
}
