/**
 * One attempt of a claimed delivery: a signed POST of the event's envelope to a webhook url (with
 * the previous secret too while a rotation overlaps), or a run of an internal target (a built-in
 * flow). The envelope is serialised once per event: deliveries of one claim share the event object.
 */
import type { ClaimedDelivery } from '../state/index.js';
import { envelopeOf } from '../triggers/index.js';
import type { WebhookSender } from './http.sender.js';
import { isInternalUrl, type InternalOutcome, type InternalTarget } from './internal.target.js';
import { parseRetryAfter } from './retry.policy.js';
import { buildWebhookHeaders, signingKey } from './webhook.signing.js';

/** A webhook POST's result with its `Retry-After` parsed. */
export interface Posted {
  statusCode: number | null;
  retryAfterMs: number | null;
  latencyMs: number;
  error: string | null;
}

/** Decoded signing keys kept (by secret) before the cache starts over. */
const maxCachedKeys = 1024;

export class AttemptRunner {
  private readonly bodies = new WeakMap<object, string>();
  private readonly keys = new Map<string, Buffer>();

  constructor(
    private readonly sender: Pick<WebhookSender, 'send'>,
    private readonly internal: InternalTarget | undefined,
    /** Aborted when the server stops: attempts in progress end at once. */
    private readonly signal: AbortSignal,
  ) {}

  run(c: ClaimedDelivery, now: Date): Promise<InternalOutcome | Posted> {
    if (!isInternalUrl(c.delivery.url)) return this.post(c, now);
    if (!this.internal) {
      return Promise.resolve({
        verdict: 'permanent',
        statusCode: null,
        retryAfterMs: null,
        latencyMs: 0,
        error: 'no runner for internal targets in this process',
      });
    }
    return this.internal.run(c, now, this.signal);
  }

  private async post(c: ClaimedDelivery, now: Date): Promise<Posted> {
    const { delivery, event, signer } = c;
    let body = this.bodies.get(event);
    if (body === undefined) {
      body = JSON.stringify(envelopeOf(event));
      this.bodies.set(event, body);
    }
    const secrets = [this.keyOf(signer.secret)];
    if (
      signer.previousSecret &&
      signer.previousSecretUntil &&
      signer.previousSecretUntil > now.toISOString()
    ) {
      secrets.push(this.keyOf(signer.previousSecret));
    }
    const headers = buildWebhookHeaders(event.id, now, body, secrets);
    const sent = await this.sender.send(delivery.url, headers, body, this.signal);
    return {
      statusCode: sent.statusCode,
      retryAfterMs: parseRetryAfter(sent.retryAfter, now),
      latencyMs: sent.latencyMs,
      error: sent.error,
    };
  }

  /** A secret's HMAC key, decoded once per secret rather than per attempt. */
  private keyOf(secret: string): Buffer {
    let key = this.keys.get(secret);
    if (key === undefined) {
      if (this.keys.size >= maxCachedKeys) this.keys.clear();
      key = signingKey(secret);
      this.keys.set(secret, key);
    }
    return key;
  }
}
