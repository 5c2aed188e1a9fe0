/**
 * Outbound POSTs through one undici keep-alive agent. No retries and no redirects here: a 3xx is
 * returned as is (a failure), retries live in the outbox. Connect and total timeouts bound every
 * attempt; the connection lookup refuses private addresses unless allowed.
 */
import { Agent, request } from 'undici';
import { describeUnknown } from '../errors/index.js';
import { createGuardedLookup, isRefusedLiteral, type TargetPolicy } from './url.safety.js';

export interface SenderOptions extends TargetPolicy {
  connectTimeoutMs: number;
  timeoutMs: number;
  /** Connections kept per origin (the per-host concurrency cap). */
  connectionsPerHost: number;
}

export interface SendResult {
  statusCode: number | null;
  retryAfter: string | undefined;
  latencyMs: number;
  error: string | null;
  /** The start of the response body (up to 2 KiB), when asked for with `readBody`. */
  responseText?: string;
}

export interface SendRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal;
  readBody?: boolean;
}

export class WebhookSender {
  private readonly agent: Agent;

  constructor(private readonly options: SenderOptions) {
    this.agent = new Agent({
      connections: options.connectionsPerHost,
      keepAliveTimeout: 10_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: { timeout: options.connectTimeoutMs, lookup: createGuardedLookup(options) },
    });
  }

  send(
    url: string,
    headers: Record<string, string>,
    body: string,
    signal: AbortSignal,
  ): Promise<SendResult> {
    return this.request({ method: 'POST', url, headers, body, signal });
  }

  /** Any method (the flows' HTTP, Teams and Slack actions), under the same rules as `send`. */
  async request(req: SendRequest): Promise<SendResult> {
    const { url, signal } = req;
    const started = performance.now();
    const latency = (): number => Math.round((performance.now() - started) * 100) / 100;
    if (isRefusedLiteral(url, this.options)) {
      return {
        statusCode: null,
        retryAfter: undefined,
        latencyMs: 0,
        error: 'target address refused (private or loopback)',
      };
    }
    try {
      const res = await request(url, {
        method: req.method,
        headers: req.headers,
        body: req.body ?? null,
        dispatcher: this.agent,
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      // Read (or drop) the body so the connection returns to the pool.
      let responseText: string | undefined;
      if (req.readBody) responseText = await readStart(res.body, 2048);
      else await res.body.dump({ limit: 64 * 1024 });
      const ra = res.headers['retry-after'];
      return {
        ...(responseText !== undefined && { responseText }),
        statusCode: res.statusCode,
        retryAfter: Array.isArray(ra) ? ra[0] : ra,
        latencyMs: latency(),
        error: res.statusCode >= 300 && res.statusCode < 400 ? 'redirects are not followed' : null,
      };
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      return {
        statusCode: null,
        retryAfter: undefined,
        latencyMs: latency(),
        error: timedOut ? `no response within ${this.options.timeoutMs} ms` : describeErrorChain(e),
      };
    }
  }

  async close(): Promise<void> {
    await this.agent.destroy();
  }
}

/** The message with its cause's code (undici wraps socket errors: "other side closed", ECONNRESET). */
function describeErrorChain(e: unknown): string {
  const cause = e instanceof Error ? (e.cause as { code?: string } | undefined) : undefined;
  const code = (e as { code?: string } | null)?.code ?? cause?.code;
  return code ? `${describeUnknown(e)} (${code})` : describeUnknown(e);
}

/** The first `max` characters of a body, reading (and dropping) the rest so memory stays bounded. */
async function readStart(body: AsyncIterable<Buffer>, max: number): Promise<string> {
  let text = '';
  for await (const chunk of body) if (text.length < max) text += chunk.toString('utf8');
  return text.slice(0, max);
}
