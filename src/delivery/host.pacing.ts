/**
 * What the worker knows of each target host (`host:port`): its recent latency, its configured rate,
 * and so how many claimed deliveries it may hold.
 */

/**
 * Claimed deliveries (sending plus queued) per unit of concurrency cap: all hosts together, and a
 * host whose latency is not known yet.
 */
export const prefetch = 4;
/**
 * A host's queue is sized to drain in about this long at its recent latency (Little's law: depth ×
 * latency / concurrency), between 1 and 16 times its concurrency cap: a fast host is claimed for in
 * large batches (a claim's cost is mostly per statement), a slow one holds few claims, so queued
 * claims never come near the end of their lease.
 */
const queueBudgetMs = 250;
const maxPrefetch = 16;
/** Weight of the newest attempt in a host's latency average. */
const latencyWeight = 0.2;

export class HostPacing {
  /** Each host's recent attempt latency (ms), a moving average. */
  private readonly latency = new Map<string, number>();
  /** Each host's configured rate (or none), looked up once. */
  private readonly rates = new Map<string, number | undefined>();

  constructor(
    private readonly hostConcurrency: number,
    /** Messages per second for specific hosts (`hooks.slack.com` or `host:port`). */
    private readonly hostRates: Record<string, number>,
  ) {}

  /** How many claimed deliveries `host` may hold (see queueBudgetMs). */
  depthOf(host: string): number {
    const latency = this.latency.get(host);
    const factor =
      latency === undefined
        ? prefetch
        : Math.max(1, Math.min(maxPrefetch, Math.floor(queueBudgetMs / Math.max(latency, 1))));
    return this.hostConcurrency * factor;
  }

  observeLatency(host: string, ms: number): void {
    const last = this.latency.get(host);
    this.latency.set(host, last === undefined ? ms : last + latencyWeight * (ms - last));
  }

  rateOf(host: string): number | undefined {
    if (this.rates.has(host)) return this.rates.get(host);
    const rate = this.hostRates[host] ?? this.hostRates[host.replace(/:\d+$/, '')];
    this.rates.set(host, rate);
    return rate;
  }
}
