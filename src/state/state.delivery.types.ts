/** Row and option types of the outbox's deliveries: their log, claims and recorded results. */
import type { EventRow, NewEvent, SubscriptionRow } from './state.types.js';

export type DeliveryStatus = 'pending' | 'inFlight' | 'delivered' | 'failed' | 'canceled';
export const DeliveryStatuses: readonly DeliveryStatus[] = [
  'pending',
  'inFlight',
  'delivered',
  'failed',
  'canceled',
];

export interface DeliveryRow {
  id: string;
  instance: string;
  eventId: string;
  eventType: string;
  /** The subscription that signs the next attempt (any live duplicate of it takes over when it goes). */
  subscriptionId: string;
  matchKey: string;
  url: string;
  targetHost: string;
  status: DeliveryStatus;
  /** Attempts in the current series (drives the retry schedule); a resend starts a new series. */
  seriesAttempts: number;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
}

export interface DeliveryAttemptRow {
  deliveryId: string;
  attempt: number;
  startedAt: string;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

/** What a worker needs of a claimed delivery (the claim reads no more, to stay cheap). */
export type ClaimedDeliveryRow = Pick<
  DeliveryRow,
  | 'id'
  | 'instance'
  | 'eventId'
  | 'subscriptionId'
  | 'matchKey'
  | 'url'
  | 'targetHost'
  | 'attempts'
  | 'seriesAttempts'
>;

/** A claimed delivery with everything needed to send it. */
export interface ClaimedDelivery {
  delivery: ClaimedDeliveryRow;
  event: EventRow;
  signer: Pick<SubscriptionRow, 'id' | 'secret' | 'previousSecret' | 'previousSecretUntil'>;
}

/** The outcome of one attempt, decided by the delivery policy, written by `recordDeliveryResults`. */
export interface DeliveryResult {
  deliveryId: string;
  instance: string;
  url: string;
  attempt: DeliveryAttemptRow;
  status: 'delivered' | 'pending' | 'failed';
  nextAttemptAt: string | null;
  /** True when the target answered 410 Gone: every live subscription to the url is disabled. */
  gone: boolean;
}

export interface DeliveryQuery {
  status?: DeliveryStatus;
  subscriptionId?: string;
  since?: string;
  limit: number;
  offset: number;
}

export interface ClaimOptions {
  /** The claiming worker: it alone records the outcome, and its restart releases the claim. */
  workerId: string;
  now: string;
  limit: number;
  /** Until then no other worker takes the delivery; after it, any worker may (a crashed claim). */
  leaseUntil: string;
  /** How many more deliveries to this `host:port` the caller can take now (0: none). */
  capacityOf: (host: string) => number;
  /** Hosts with no capacity at all, left out of the candidate query. */
  fullHosts?: string[];
}

export interface RecordOptions {
  /** Only deliveries this worker still holds are updated (a taken-over lease is not overwritten). */
  workerId: string;
  now: string;
  /** Live subscriptions whose url has failed continuously since this time (or earlier) are disabled. */
  disableFailingSince: string;
  /** Builds the `subscription.disabled` event for a subscription just disabled. */
  disabledEvent: (sub: SubscriptionRow, reason: 'gone' | 'failing') => NewEvent;
}
