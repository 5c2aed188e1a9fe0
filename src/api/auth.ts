/**
 * Authentication: the admin key and per-connection API keys. A key arrives as
 * `Authorization: Bearer <key>` or `Ocp-Apim-Subscription-Key: <key>`. Connection keys look like
 * `trbk_<id>_<secret>`; only their SHA-256 is stored, and the comparison is constant-time.
 * The admin key is an all-powerful connection (every instance, every scope) with its own limit.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { Scope, StateStore } from '../state/index.js';

/** Who is calling: the admin key or one connection. */
export interface Principal {
  id: string;
  name: string;
  instances: string[];
  scopes: Scope[];
  rateLimit: number;
  rateWindowSeconds: number;
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export function hashKey(key: string): string {
  return digest(key).toString('hex');
}

export function readPresentedKey(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth))
    return auth.replace(/^Bearer\s+/i, '').trim();
  const sub = req.headers['ocp-apim-subscription-key'];
  return typeof sub === 'string' ? sub.trim() : undefined;
}

const connectionKey = /^trbk_([0-9a-f]{16})_[A-Za-z0-9_-]{20,}$/;

/** A new connection id and its key; the key is returned to the caller once and never stored. */
export function generateConnectionKey(): { id: string; key: string } {
  const id = randomBytes(8).toString('hex');
  return { id, key: `trbk_${id}_${randomBytes(32).toString('base64url')}` };
}

export function principalAllows(p: Principal, scope: Scope): boolean {
  return p.scopes.includes('admin') || p.scopes.includes(scope);
}

export function principalSeesInstance(p: Principal, instance: string): boolean {
  return p.instances.includes('*') || p.instances.includes(instance);
}

/** Resolves a presented key to its principal; undefined for a missing, unknown or revoked key. */
export function createAuthenticator(opts: {
  state: StateStore;
  adminKey: string;
  adminRateLimit: number;
}): (presented: string | undefined) => Promise<Principal | undefined> {
  const admin = digest(opts.adminKey);
  const adminPrincipal: Principal = {
    id: 'admin',
    name: 'admin key',
    instances: ['*'],
    scopes: ['admin'],
    rateLimit: opts.adminRateLimit,
    rateWindowSeconds: 60,
  };
  return async (presented) => {
    if (presented === undefined || presented === '') return undefined;
    const hash = digest(presented);
    if (timingSafeEqual(hash, admin)) return adminPrincipal;
    const m = connectionKey.exec(presented);
    if (!m) return undefined;
    const row = await opts.state.getConnection(m[1]!);
    if (!row || row.revokedAt !== null) return undefined;
    if (!timingSafeEqual(Buffer.from(row.keyHash, 'hex'), hash)) return undefined;
    return {
      id: row.id,
      name: row.name,
      instances: row.instances,
      scopes: row.scopes,
      rateLimit: row.rateLimit,
      rateWindowSeconds: row.rateWindowSeconds,
    };
  };
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
