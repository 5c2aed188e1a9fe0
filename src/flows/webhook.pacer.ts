/**
 * Spaces messages to one webhook url (Slack allows one message per second per incoming webhook):
 * each caller gets the next free slot and waits for it. In-process, per url; the clock and the
 * sleep are injected so the spacing is testable without waiting.
 */
export interface PacerDeps {
  intervalMs: number;
  /** Monotonic milliseconds. */
  clock: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

export class WebhookPacer {
  private readonly nextFree = new Map<string, number>();

  constructor(private readonly deps: PacerDeps) {}

  /** Waits for the url's next slot; returns how long it waited (ms). */
  async wait(url: string, signal: AbortSignal): Promise<number> {
    const now = this.deps.clock();
    const slot = Math.max(now, this.nextFree.get(url) ?? 0);
    this.nextFree.set(url, slot + this.deps.intervalMs);
    for (const [u, t] of this.nextFree) if (t < now) this.nextFree.delete(u);
    if (slot > now) await this.deps.sleep(slot - now, signal);
    return slot - now;
  }
}

/** A real sleep that ends early (rejecting) when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
