/**
 * Group commit of delivery results: results wait up to `recordWindowMs` (or until `recordBatch` of
 * them) to share one state transaction; results that arrive during a write form the next batch. A
 * send's slot is freed when its response arrives, so the wait costs no throughput, and the
 * delivery stays `inFlight` until its result is written: a failed write leaves it in flight, so it
 * is sent again (at least once). Subscriptions the batch disables emit `subscription.disabled`.
 */
import type { Logger } from 'pino';
import { describeUnknown } from '../errors/index.js';
import type { DeliveryResult, NewEvent, StateStore } from '../state/index.js';
import { newEventId } from '../triggers/index.js';
import { redactUrl } from './url.safety.js';

const recordWindowMs = 20;
const recordBatch = 256;

export interface ResultBatcherDeps {
  state: StateStore;
  log: Pick<Logger, 'warn' | 'error'>;
  workerId: string;
  disableAfterMs: number;
  /** Called after a batch disabled subscriptions (their events wait in the outbox). */
  onDisabled: () => void;
}

export class ResultBatcher {
  private results: DeliveryResult[] = [];
  private writing: Promise<void> | undefined;

  constructor(private readonly deps: ResultBatcherDeps) {}

  add(result: DeliveryResult): void {
    this.results.push(result);
    this.flush();
  }

  /** Whether results are waiting or being written. */
  get busy(): boolean {
    return this.writing !== undefined || this.results.length > 0;
  }

  /** Writes what is pending without waiting for the window; resolves when the write has ended. */
  async settle(): Promise<void> {
    this.flush(true);
    await this.writing;
  }

  /** Resolves when the write in progress (if any) has ended. */
  async idle(): Promise<void> {
    await this.writing;
  }

  private flush(now = false): void {
    if (this.writing || this.results.length === 0) return;
    const wait =
      now || this.results.length >= recordBatch
        ? new Promise<void>((resolve) => setImmediate(resolve))
        : new Promise<void>((resolve) => setTimeout(resolve, recordWindowMs));
    this.writing = wait.then(() => this.write());
  }

  private write(): Promise<void> {
    const batch = this.results.splice(0);
    const at = batch.reduce((m, r) => (r.attempt.startedAt > m ? r.attempt.startedAt : m), '');
    const disableFailingSince = new Date(Date.parse(at) - this.deps.disableAfterMs).toISOString();
    return this.deps.state
      .recordDeliveryResults(batch, {
        workerId: this.deps.workerId,
        now: at,
        disableFailingSince,
        disabledEvent: (sub, reason): NewEvent => ({
          id: newEventId(at),
          instance: sub.instance,
          type: 'subscription.disabled',
          occurredAt: at,
          data: {
            subscriptionId: sub.id,
            event: sub.event,
            url: redactUrl(sub.url),
            reason,
            failingSince: sub.failingSince,
            disabledAt: at,
          },
        }),
      })
      .then((disabled) => {
        for (const e of disabled)
          this.deps.log.warn({ event: e.id, ...e.data }, 'subscription disabled');
        if (disabled.length > 0) this.deps.onDisabled();
      })
      .catch((e: unknown) => {
        this.deps.log.error({ err: describeUnknown(e) }, 'could not record delivery results');
      })
      .finally(() => {
        this.writing = undefined;
        this.flush();
      });
  }
}
