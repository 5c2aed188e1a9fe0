/**
 * Per-connection rate limit as an exact sliding log: a call at time `t` is accepted iff fewer than
 * `limit` accepted calls lie in the window `(t - window, t]`. Rejected calls are not logged, so a
 * client that keeps retrying too early does not push its own retry further out. Time is passed in.
 */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  windowSeconds: number;
  /** Calls still allowed in the window after this one. */
  remaining: number;
  /** Seconds until the oldest counted call leaves the window (0 when none is counted). */
  resetSeconds: number;
}

/** Accepted-call times of one connection, oldest first, as a queue over a plain array. */
interface CallLog {
  times: number[];
  head: number;
}

export class SlidingLogLimiter {
  private readonly logs = new Map<string, CallLog>();

  take(id: string, limit: number, windowSeconds: number, nowMs: number): RateDecision {
    const windowMs = windowSeconds * 1000;
    let log = this.logs.get(id);
    if (!log) {
      log = { times: [], head: 0 };
      this.logs.set(id, log);
    }
    while (log.head < log.times.length && log.times[log.head]! <= nowMs - windowMs) log.head++;
    if (log.head > 1024 && log.head * 2 > log.times.length) {
      log.times = log.times.slice(log.head);
      log.head = 0;
    }
    const counted = log.times.length - log.head;
    const allowed = counted < limit;
    if (allowed) log.times.push(nowMs);
    const inWindow = log.times.length - log.head;
    const oldest = log.times[log.head];
    return {
      allowed,
      limit,
      windowSeconds,
      remaining: Math.max(0, limit - inWindow),
      resetSeconds:
        oldest === undefined ? 0 : Math.max(1, Math.ceil((oldest + windowMs - nowMs) / 1000)),
    };
  }
}

/** The IETF `RateLimit-Policy` and `RateLimit` header values for a decision. */
export function formatRateHeaders(d: RateDecision): { policy: string; state: string } {
  return {
    policy: `"conn";q=${d.limit};w=${d.windowSeconds}`,
    state: `"conn";r=${d.remaining};t=${d.resetSeconds}`,
  };
}
