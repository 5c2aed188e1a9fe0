/**
 * Outbound POSTs through one undici keep-alive agent. No retries and no redirects here: a 3xx is
 * returned as is (a failure), retries live in the outbox. Connect and total timeouts bound every
 * attempt (the total one by a single sweep timer over the requests in flight, not a timer each); the
 * connection lookup refuses private addresses unless allowed.
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

interface Pending {
  deadline: number;
  outer: AbortSignal;
}

export class WebhookSender {
  private readonly agent: Agent;
  /** Requests in flight: aborted when past their deadline or when the caller's signal aborts. */
  private readonly pending = new Map<AbortController, Pending>();
  private sweeper: NodeJS.Timeout | undefined;
  private readonly sweepEveryMs: number;

  constructor(private readonly options: SenderOptions) {
    this.agent = new Agent({
      connections: options.connectionsPerHost,
      keepAliveTimeout: 10_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: { timeout: options.connectTimeoutMs, lookup: createGuardedLookup(options) },
    });
    this.sweepEveryMs = Math.min(250, Math.max(5, options.timeoutMs / 10));
  }

  /** An abort signal for one request, ended by the sweep at its deadline or with `outer`. */
  private track(outer: AbortSignal): AbortController {
    const ac = new AbortController();
    this.pending.set(ac, { deadline: performance.now() + this.options.timeoutMs, outer });
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), this.sweepEveryMs);
      this.sweeper.unref();
    }
    return ac;
  }

  private untrack(ac: AbortController): void {
    this.pending.delete(ac);
    if (this.pending.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  private sweep(): void {
    const at = performance.now();
    for (const [ac, p] of this.pending) {
      if (p.outer.aborted) ac.abort(p.outer.reason);
      else if (p.deadline <= at) ac.abort(new DOMException('attempt timed out', 'TimeoutError'));
    }
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
    if (signal.aborted) {
      return { statusCode: null, retryAfter: undefined, latencyMs: 0, error: 'server stopping' };
    }
    const ac = this.track(signal);
    try {
      const res = await request(url, {
        method: req.method,
        headers: req.headers,
        body: req.body ?? null,
        dispatcher: this.agent,
        signal: ac.signal,
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
      const timedOut = isTimeout(e);
      return {
        statusCode: null,
        retryAfter: undefined,
        latencyMs: latency(),
        error: timedOut ? `no response within ${this.options.timeoutMs} ms` : describeErrorChain(e),
      };
    } finally {
      this.untrack(ac);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.agent.destroy();
  }
}

/** Our deadline (the sweep), or undici's own headers and body timeouts (both set to the total). */
function isTimeout(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: string }).code;
  return (
    e.name === 'TimeoutError' ||
    e.name === 'AbortError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  );
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
