/**
 * Standard Webhooks signing: `webhook-signature: v1,<base64 HMAC-SHA256("{id}.{timestamp}.{body}")>`
 * keyed with the base64 part of the `whsec_` secret. During a rotation both the new and the previous
 * secret sign (space-separated), so receivers can switch at their pace.
 */
import { createHmac, randomBytes } from 'node:crypto';

export const secretPattern = '^whsec_[A-Za-z0-9+/]{32,88}={0,2}$';

export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** The HMAC key of a `whsec_` secret (its base64 part, decoded). */
export function signingKey(secret: string): Buffer {
  return Buffer.from(secret.slice('whsec_'.length), 'base64');
}

/** `secret` is a `whsec_` secret or its `signingKey` (decoded once by a caller that signs often). */
export function signPayload(
  secret: string | Buffer,
  id: string,
  timestamp: number,
  body: string,
): string {
  const key = typeof secret === 'string' ? signingKey(secret) : secret;
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** A type rather than an interface: it is passed where any header record is taken. */
export type WebhookHeaders = {
  'content-type': string;
  'user-agent': string;
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** Headers of one attempt; `secrets` are the signing secrets in force (newest first; see signPayload). */
export function buildWebhookHeaders(
  id: string,
  now: Date,
  body: string,
  secrets: (string | Buffer)[],
): WebhookHeaders {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'Tributary-Webhooks/0.1',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => signPayload(s, id, timestamp, body)).join(' '),
  };
}
