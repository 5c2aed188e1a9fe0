/**
 * What an attempt's outcome means (design §6.3): 2xx delivered; 410 ends the delivery and disables
 * the target's subscriptions; anything else (3xx, 4xx, 5xx, timeout, reset) retries on the schedule
 * with ±20 % jitter until it is exhausted (`failed`, listed for replay). `Retry-After` on 429 and 503
 * can only lengthen the wait, up to a cap.
 */
export interface RetrySchedule {
  /** Delay before attempt n+1 of a series at index n: [0] is the first attempt (immediately). */
  delaysMs: number[];
  /** Upper bound for a `Retry-After` wait. */
  retryAfterCapMs: number;
}

export interface AttemptOutcome {
  statusCode: number | null;
  /** From a `Retry-After` header, in ms from now; null when absent or unparseable. */
  retryAfterMs: number | null;
  /**
   * Set by internal targets (built-in flows), which classify their own outcome; it replaces the
   * status-code rules: `transient` retries on the schedule, `permanent` fails at once.
   */
  verdict?: 'delivered' | 'transient' | 'permanent';
}

export interface Decision {
  status: 'delivered' | 'pending' | 'failed';
  nextAttemptAt: string | null;
  gone: boolean;
}

/**
 * `seriesAttempt` is the attempt just made, counted from 1 in the current series; `random` returns
 * [0, 1) (injected so tests can pin the jitter).
 */
export function decideNext(
  outcome: AttemptOutcome,
  seriesAttempt: number,
  now: Date,
  schedule: RetrySchedule,
  random: () => number,
): Decision {
  const code = outcome.statusCode;
  const { verdict } = outcome;
  if (
    verdict === 'delivered' ||
    (verdict === undefined && code !== null && code >= 200 && code < 300)
  ) {
    return { status: 'delivered', nextAttemptAt: null, gone: false };
  }
  if (verdict === 'permanent') return { status: 'failed', nextAttemptAt: null, gone: false };
  if (verdict === undefined && code === 410)
    return { status: 'failed', nextAttemptAt: null, gone: true };
  const base = schedule.delaysMs[seriesAttempt];
  if (base === undefined) return { status: 'failed', nextAttemptAt: null, gone: false };
  let delay = base * (0.8 + 0.4 * random());
  // Internal targets pass a Retry-After only from an action that got one (429/503).
  const honoured = code === 429 || code === 503 || verdict !== undefined;
  if (honoured && outcome.retryAfterMs !== null) {
    delay = Math.max(delay, Math.min(outcome.retryAfterMs, schedule.retryAfterCapMs));
  }
  return {
    status: 'pending',
    nextAttemptAt: new Date(now.getTime() + Math.round(delay)).toISOString(),
    gone: false,
  };
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms from `now`; null if neither. */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}
