/**
 * Outbound requests through one undici keep-alive agent, on its dispatch handler API: no abort
 * signal, body stream or promise per request beyond the one returned, since this runs once per
 * delivery. No retries and no redirects here: a 3xx is returned as is (a failure), retries live in
 * the outbox. Connect and total timeouts bound every attempt (the total one by a single sweep timer
 * over the requests in flight, not a timer each); the connection lookup refuses private addresses
 * unless allowed. At most 64 KiB of a response is read: past that the connection is dropped, and
 * the status already received stands.
 */
import { Agent, type Dispatcher } from 'undici';
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

const maxResponseBytes = 64 * 1024;
const maxResponseText = 2048;

/** A request in flight: the sweep aborts it past its deadline or when its caller's signal aborts. */
interface InFlight {
  deadline: number;
  outer: AbortSignal;
  /** Set once undici starts the request; an abort asked for earlier waits in `abortWith`. */
  controller: Dispatcher.DispatchController | undefined;
  abortWith: Error | undefined;
}

interface Target {
  origin: string;
  path: string;
  refused: boolean;
}

/** Parsed urls kept (one per subscription url in practice); the cache is dropped when full. */
const maxCachedTargets = 4096;

export class WebhookSender {
  private readonly targets = new Map<string, Target>();
  private readonly agent: Agent;
  private readonly inFlight = new Set<InFlight>();
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

  private track(outer: AbortSignal): InFlight {
    const f: InFlight = {
      deadline: performance.now() + this.options.timeoutMs,
      outer,
      controller: undefined,
      abortWith: undefined,
    };
    this.inFlight.add(f);
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), this.sweepEveryMs);
      this.sweeper.unref();
    }
    return f;
  }

  private untrack(f: InFlight): void {
    this.inFlight.delete(f);
    if (this.inFlight.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  private sweep(): void {
    const at = performance.now();
    for (const f of this.inFlight) {
      if (f.abortWith) continue;
      if (f.outer.aborted) f.abortWith = toError(f.outer.reason);
      else if (f.deadline <= at)
        f.abortWith = new DOMException('attempt timed out', 'TimeoutError');
      if (f.abortWith) f.controller?.abort(f.abortWith);
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
  request(req: SendRequest): Promise<SendResult> {
    const { url, signal } = req;
    const target = this.targetOf(url);
    if ('error' in target) return fail(target.error);
    if (target.refused) return fail('target address refused (private or loopback)');
    if (signal.aborted) return fail('server stopping');
    const f = this.track(signal);
    return new Promise<SendResult>((resolve) => {
      const reader = new ResponseReader(f, req.readBody === true, this.options.timeoutMs, (r) => {
        this.untrack(f);
        resolve(r);
      });
      try {
        this.agent.dispatch(
          {
            origin: target.origin,
            path: target.path,
            method: req.method,
            headers: req.headers,
            body: req.body ?? null,
          },
          reader,
        );
      } catch (e) {
        // Refused before sending (an invalid header value, say).
        reader.onResponseError(undefined, e as Error);
      }
    });
  }

  /** A url's origin and path, and whether the policy refuses its address (parsed once per url). */
  private targetOf(url: string): Target | { error: string } {
    const hit = this.targets.get(url);
    if (hit) return hit;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (e) {
      return { error: describeUnknown(e) };
    }
    const target: Target = {
      origin: parsed.origin,
      path: `${parsed.pathname}${parsed.search}`,
      refused: isRefusedLiteral(url, this.options),
    };
    if (this.targets.size >= maxCachedTargets) this.targets.clear();
    this.targets.set(url, target);
    return target;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.agent.destroy();
  }
}

/**
 * One response as undici's dispatch handler delivers it: the status and `Retry-After`, at most 2 KiB
 * of text when asked for, at most 64 KiB read in all. A class rather than closures: it is made once
 * per attempt.
 */
class ResponseReader implements Dispatcher.DispatchHandler {
  private statusCode: number | null = null;
  private retryAfter: string | undefined;
  private text: string | undefined;
  private bytes = 0;
  private settled = false;
  private readonly started = performance.now();

  constructor(
    private readonly flight: InFlight,
    readBody: boolean,
    private readonly timeoutMs: number,
    private readonly done: (r: SendResult) => void,
  ) {
    if (readBody) this.text = '';
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.flight.controller = controller;
    if (this.flight.abortWith) controller.abort(this.flight.abortWith);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.statusCode = statusCode;
    const ra = headers['retry-after'];
    this.retryAfter = Array.isArray(ra) ? ra[0] : ra;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.text !== undefined && this.text.length < maxResponseText) {
      this.text += chunk.toString('utf8');
    }
    if (this.bytes > maxResponseBytes) {
      this.settle(null);
      controller.abort(new Error('response body over 64 KiB: connection dropped'));
    }
  }

  onResponseEnd(): void {
    this.settle(null);
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, e: Error): void {
    this.statusCode = null;
    this.settle(isTimeout(e) ? `no response within ${this.timeoutMs} ms` : describeErrorChain(e));
  }

  private settle(error: string | null): void {
    if (this.settled) return;
    this.settled = true;
    const code = this.statusCode;
    const result: SendResult = {
      statusCode: code,
      retryAfter: this.retryAfter,
      latencyMs: Math.round((performance.now() - this.started) * 100) / 100,
      error:
        error ?? (code !== null && code >= 300 && code < 400 ? 'redirects are not followed' : null),
    };
    if (this.text !== undefined) result.responseText = this.text.slice(0, maxResponseText);
    this.done(result);
  }
}

/** An attempt that ends before anything is sent. */
function fail(error: string): Promise<SendResult> {
  return Promise.resolve({ statusCode: null, retryAfter: undefined, latencyMs: 0, error });
}

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(describeUnknown(reason));
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
