/**
 * The dispatcher: claims due deliveries from the outbox, POSTs them, and records every attempt.
 * - At least once: a delivery is `inFlight` from claim to recorded result. Claims carry the worker's
 *   id and a lease: at start a worker returns its own in-flight deliveries to `pending` (they died
 *   with its previous run); another worker's claims are taken over once their lease expires. A send
 *   starts only while the lease still covers the whole attempt, so no two workers send a delivery
 *   at the same time while leases are valid (protocol: README.md).
 * - One slow target never delays the others: each `host:port` has its own concurrency cap (and an
 *   optional rate); sends run independently and results are written in batches
 *   (result.batcher.ts).
 * - Time is injected: `tick(now)` claims what is due at `now`; `start()` runs ticks on a timer and
 *   on `notify()` (events committed).
 */
import type { Logger } from 'pino';
import { describeUnknown } from '../errors/index.js';
import type { ClaimedDelivery, StateStore } from '../state/index.js';
import type { WebhookSender } from './http.sender.js';
import type { InternalTarget } from './internal.target.js';
import {
  decideNext,
  type AttemptOutcome,
  type Decision,
  type RetrySchedule,
} from './retry.policy.js';
import { redactUrl } from './url.safety.js';
import { ResultBatcher } from './result.batcher.js';
import { AttemptRunner } from './webhook.attempt.js';
import { HostPacing, prefetch } from './host.pacing.js';

export interface WorkerOptions {
  schedule: RetrySchedule;
  /** Concurrent sends per `host:port` and in all. */
  hostConcurrency: number;
  concurrency: number;
  batchSize: number;
  pollIntervalMs: number;
  /** Identifies this worker's claims; unique among the workers sharing one state database. */
  workerId: string;
  /** How long a claim holds before another worker may take the delivery. */
  leaseMs: number;
  /** The longest an attempt can take (the sender's total timeout): a send needs this much lease left. */
  sendTimeoutMs: number;
  /** A url failing continuously this long gets its subscriptions disabled. */
  disableAfterMs: number;
  /** Messages per second for specific hosts (`hooks.slack.com` or `host:port`). */
  hostRates: Record<string, number>;
}

export interface WorkerDeps {
  state: StateStore;
  sender: WebhookSender;
  now: () => Date;
  log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error' | 'isLevelEnabled'>;
  options: WorkerOptions;
  random?: () => number;
  /** Runs deliveries to internal urls (`flow:<name>`, the built-in flows). */
  internal?: InternalTarget;
}

interface Queued {
  claimed: ClaimedDelivery;
  now: Date;
  /** `now` as an ISO string, made once per claim. */
  nowIso: string;
  /** `performance.now()` at the claim: the lease's clock, independent of the injected `now`. */
  claimedAt: number;
}

export class DeliveryWorker {
  /** Sends in progress per host. */
  private readonly perHost = new Map<string, number>();
  /** Claimed, not yet sent, per host: the next sends start on completion without a claim round. */
  private readonly queued = new Map<string, Queued[]>();
  private readonly nextSlot = new Map<string, number>();
  private readonly pacing: HostPacing;
  private readonly sends = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private ticking: Promise<void> | undefined;
  private again = false;
  /** The last claim filled its batch: more may be due right now. */
  private more = false;
  /** Hosts that had no room at the last claim: their due deliveries wait for a completion. */
  private readonly starved = new Set<string>();
  /**
   * The last tick found every slot taken (all hosts together): a claim waits until a quarter of the
   * slots are free again, so that it is one claim of many rows rather than a claim per completion,
   * or until a host's queue runs dry (hanging hosts may hold the slots until their timeout).
   */
  private saturated = false;
  private running = false;
  /** When a claim last left out the hosts holding claims (see `tick`). */
  private lastSweepMs = -Infinity;
  private timer: NodeJS.Timeout | undefined;

  private readonly results: ResultBatcher;
  private readonly attempts: AttemptRunner;

  constructor(private readonly deps: WorkerDeps) {
    this.pacing = new HostPacing(deps.options.hostConcurrency, deps.options.hostRates);
    this.attempts = new AttemptRunner(deps.sender, deps.internal, this.abort.signal);
    this.results = new ResultBatcher({
      state: deps.state,
      log: deps.log,
      workerId: deps.options.workerId,
      disableAfterMs: deps.options.disableAfterMs,
      onDisabled: () => this.wake(),
    });
  }

  /** Resumes deliveries left in flight by a crash, then runs ticks until `stop()`. */
  async start(): Promise<void> {
    const resumed = await this.deps.state.releaseInFlightDeliveries(this.deps.options.workerId);
    if (resumed > 0) this.deps.log.info({ resumed }, 'resuming deliveries left in flight');
    this.running = true;
    this.wake();
  }

  /** Events were committed: look for due deliveries now rather than at the next poll. */
  notify(): void {
    this.wake();
  }

  /** Claims the deliveries due at `now` (within every cap) and starts sending them; returns how many. */
  async tick(now: Date = this.deps.now()): Promise<number> {
    const { options } = this.deps;
    const free = options.concurrency * prefetch - this.held();
    this.saturated = free <= 0;
    if (this.saturated) {
      this.more = false;
      return 0;
    }
    const nowMs = now.getTime();
    // Each host's room as this claim sees it, fixed at its first use: sends keep completing while
    // a claim runs (an asynchronous one, on PostgreSQL, for a while).
    const room = new Map<string, number>();
    // Fairness: a host with room takes its share of the oldest due rows, so another host's rows
    // behind its backlog could wait as long as the backlog lasts (its refills keep the poll timer
    // from firing). Once per poll interval a claim leaves out every host already holding claims.
    const sweep = nowMs - this.lastSweepMs >= options.pollIntervalMs;
    if (sweep) this.lastSweepMs = nowMs;
    const capacityOf = (host: string): number => {
      let r = room.get(host);
      if (r === undefined) {
        r = this.pacing.depthOf(host) - this.heldBy(host);
        if (this.pacing.rateOf(host) !== undefined) {
          r = (this.nextSlot.get(host) ?? 0) <= nowMs && this.heldBy(host) === 0 ? 1 : 0;
        }
        if (sweep && this.heldBy(host) > 0) r = 0;
        room.set(host, r);
      }
      return r;
    };
    const hosts = new Set([...this.perHost.keys(), ...this.queued.keys(), ...this.nextSlot.keys()]);
    const claimedAt = performance.now();
    const limit = Math.min(options.batchSize, free);
    const nowIso = now.toISOString();
    const claimed = await this.deps.state.claimDeliveries({
      workerId: options.workerId,
      now: nowIso,
      limit,
      leaseUntil: new Date(nowMs + options.leaseMs).toISOString(),
      capacityOf,
      fullHosts: [...hosts].filter((h) => capacityOf(h) <= 0),
    });
    for (const c of claimed) {
      const host = c.delivery.targetHost;
      const rate = this.pacing.rateOf(host);
      if (rate !== undefined) this.nextSlot.set(host, nowMs + 1000 / rate);
      const queue = this.queued.get(host);
      const item = { claimed: c, now, nowIso, claimedAt };
      if (queue) queue.push(item);
      else this.queued.set(host, [item]);
    }
    // A host whose claim was capped by its room, not by what was due, may have more due work: a
    // completion that brings its queue low claims again.
    const taken = new Map<string, number>();
    for (const c of claimed) {
      const host = c.delivery.targetHost;
      taken.set(host, (taken.get(host) ?? 0) + 1);
      hosts.add(host);
    }
    this.starved.clear();
    for (const host of hosts)
      if ((taken.get(host) ?? 0) >= capacityOf(host)) this.starved.add(host);
    this.more = claimed.length >= limit;
    for (const host of new Set(claimed.map((c) => c.delivery.targetHost))) this.pump(host);
    return claimed.length;
  }

  private held(): number {
    let n = this.sends.size;
    for (const q of this.queued.values()) n += q.length;
    return n;
  }

  private heldBy(host: string): number {
    return (this.perHost.get(host) ?? 0) + (this.queued.get(host)?.length ?? 0);
  }

  /** Starts queued sends of a host up to its concurrency cap. */
  private pump(host: string): void {
    const queue = this.queued.get(host) ?? [];
    const stale: string[] = [];
    const { leaseMs, sendTimeoutMs } = this.deps.options;
    // Time an attempt may need beyond its timeout: the sweep that ends it, the result's write.
    const margin = Math.min(2_000, (leaseMs - sendTimeoutMs) / 2);
    while (queue.length > 0 && (this.perHost.get(host) ?? 0) < this.deps.options.hostConcurrency) {
      const { claimed, now, nowIso, claimedAt } = queue.shift()!;
      const waited = performance.now() - claimedAt;
      if (waited + sendTimeoutMs + margin >= leaseMs) {
        // The lease could run out mid-send and another worker take the delivery (a host that
        // slowed down after its queue was filled): hand it back instead (never two concurrent
        // sends; at least once).
        stale.push(claimed.delivery.id);
        continue;
      }
      this.perHost.set(host, (this.perHost.get(host) ?? 0) + 1);
      const p = this.deliver(claimed, now, nowIso).finally(() => {
        this.sends.delete(p);
        const left = (this.perHost.get(host) ?? 1) - 1;
        if (left > 0) this.perHost.set(host, left);
        else this.perHost.delete(host);
        this.pump(host);
        // Refill before the host's queue runs dry, if the last claim left some of its work behind
        // (otherwise a claim now would find nothing new: notify, timers and `more` cover the rest).
        const low = Math.max(this.deps.options.hostConcurrency, this.pacing.depthOf(host) / 4);
        const refill = this.starved.has(host) && this.heldBy(host) <= low;
        const roomy =
          this.saturated &&
          (!this.queued.has(host) ||
            this.held() <= this.deps.options.concurrency * prefetch * 0.75);
        if (refill || roomy) {
          this.starved.delete(host);
          this.saturated = false;
          this.wake();
        }
      });
      this.sends.add(p);
    }
    if (queue.length === 0) this.queued.delete(host);
    if (stale.length > 0) this.release(host, stale);
  }

  /** Hands claims back (pending, due at once) that can no longer be sent within their lease. */
  private release(host: string, ids: string[]): void {
    this.deps.log.warn({ host, deliveries: ids.length }, 'claims too old to send; released');
    this.deps.state.releaseInFlightDeliveries(this.deps.options.workerId, ids).then(
      () => this.wake(),
      (e: unknown) =>
        // Left in flight: claimed again once the lease expires.
        this.deps.log.error({ err: describeUnknown(e) }, 'could not release stale claims'),
    );
  }

  /** Resolves when every started send has ended and its result is written. */
  async drain(): Promise<void> {
    while (this.sends.size > 0 || this.results.busy) {
      await Promise.all([...this.sends]);
      await this.results.settle();
    }
  }

  /** Stops ticking and abandons sends in progress (their claims are released at the next start). */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.abort.abort(new Error('server stopping'));
    await Promise.allSettled([...this.sends]);
    await this.ticking;
    await this.results.idle();
    await this.deps.sender.close();
  }

  private async deliver(c: ClaimedDelivery, now: Date, nowIso: string): Promise<void> {
    const { delivery } = c;
    const sent = await this.attempts.run(c, now);
    if (this.abort.signal.aborted) return;
    this.pacing.observeLatency(delivery.targetHost, sent.latencyMs);
    const seriesAttempt = delivery.seriesAttempts + 1;
    const outcome: AttemptOutcome = {
      statusCode: sent.statusCode,
      retryAfterMs: sent.retryAfterMs,
    };
    if ('verdict' in sent) outcome.verdict = sent.verdict;
    const decision = decideNext(
      outcome,
      seriesAttempt,
      now,
      this.deps.options.schedule,
      this.deps.random ?? Math.random,
    );
    const { log } = this.deps;
    if (decision.status !== 'delivered') {
      log.warn({ ...logFields(c, sent, decision), error: sent.error }, 'webhook attempt failed');
    } else if (log.isLevelEnabled('debug'))
      log.debug(logFields(c, sent, decision), 'webhook delivered');
    this.results.add({
      deliveryId: delivery.id,
      instance: delivery.instance,
      url: delivery.url,
      attempt: {
        deliveryId: delivery.id,
        attempt: delivery.attempts + 1,
        startedAt: nowIso,
        statusCode: sent.statusCode,
        latencyMs: sent.latencyMs,
        error: sent.error ?? (decision.status === 'delivered' ? null : `HTTP ${sent.statusCode}`),
      },
      status: decision.status,
      nextAttemptAt: decision.nextAttemptAt,
      gone: decision.gone,
    });
  }

  private wake(): void {
    if (!this.running) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.ticking = this.loopOnce().finally(() => {
      this.ticking = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  /** One tick, then a timer for the next due delivery (at most one poll interval away). */
  private async loopOnce(): Promise<void> {
    const { options } = this.deps;
    let delay = options.pollIntervalMs;
    try {
      const now = this.deps.now();
      await this.tick(now);
      if (this.more) delay = 0;
      else {
        // Due now but not claimed means its host is full: a completion wakes the worker.
        const due = await this.deps.state.nextDeliveryDueAt();
        const dueIn = due === undefined ? Infinity : Date.parse(due) - now.getTime();
        if (dueIn > 0) delay = Math.min(delay, dueIn);
      }
      for (const slot of this.nextSlot.values()) {
        if (slot > now.getTime()) delay = Math.min(delay, slot - now.getTime());
      }
    } catch (e) {
      this.deps.log.error({ err: describeUnknown(e) }, 'delivery tick failed');
    }
    if (!this.running) return;
    if (delay === 0) {
      this.again = true;
      return;
    }
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref();
  }
}

/** An attempt's log line fields (the url parsed to redact it): made only when the line is written. */
function logFields(
  { delivery, event }: ClaimedDelivery,
  sent: { statusCode: number | null; latencyMs: number },
  decision: Decision,
): Record<string, unknown> {
  return {
    delivery: delivery.id,
    event: event.id,
    type: event.type,
    url: redactUrl(delivery.url),
    attempt: delivery.attempts + 1,
    statusCode: sent.statusCode,
    latencyMs: sent.latencyMs,
    outcome: decision.status,
  };
}
