/**
 * What one action did on one run: its request (urls redacted), the answer, and whether a failure
 * is transient (retried on the delivery schedule: HTTP 408/429/5xx, no answer, SMTP 4xx or no
 * connection) or permanent (recorded as failed: other 4xx, 3xx, SMTP 5xx, an empty rendering).
 */
import type { SendResult } from '../delivery/index.js';
import { parseRetryAfter } from '../delivery/index.js';
import type { ActionType } from './flow.schema.js';

export type ActionStatus = 'succeeded' | 'failed' | 'done';

export interface ActionRun {
  index: number;
  type: ActionType;
  /** done: it succeeded on an earlier attempt of this delivery and is not repeated. */
  status: ActionStatus;
  transient: boolean;
  request: Record<string, unknown> | null;
  response: Record<string, unknown> | null;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  retryAfterMs: number | null;
}

/** The outcome part of an ActionRun (index, type and request are the caller's). */
export type Outcome = Omit<ActionRun, 'index' | 'type' | 'request'>;

const maxRecorded = 8 * 1024;

/** A request or response body as recorded on the run: JSON when it parses, cut at 8 KiB. */
export function recordBody(text: string | undefined): unknown {
  if (text === undefined) return null;
  const cut = text.length > maxRecorded ? `${text.slice(0, maxRecorded)}…` : text;
  try {
    return cut === text ? (JSON.parse(text) as unknown) : cut;
  } catch {
    return cut;
  }
}

export function failure(error: string, transient: boolean, latencyMs = 0): Outcome {
  return {
    status: 'failed',
    transient,
    response: null,
    statusCode: null,
    latencyMs,
    error,
    retryAfterMs: null,
  };
}

/** Classifies an HTTP answer (Teams, Slack, HTTP actions). */
export function outcomeOfHttp(sent: SendResult, now: Date): Outcome {
  const code = sent.statusCode;
  const response = code === null ? null : { body: recordBody(sent.responseText) };
  const base = { response, statusCode: code, latencyMs: sent.latencyMs, retryAfterMs: null };
  if (code !== null && code >= 200 && code < 300) {
    return { ...base, status: 'succeeded', transient: false, error: null };
  }
  const transient = code === null || code === 408 || code === 429 || code >= 500;
  const detail = typeof sent.responseText === 'string' ? sent.responseText.slice(0, 200) : '';
  return {
    ...base,
    status: 'failed',
    transient,
    error: sent.error ?? `HTTP ${code}${detail ? `: ${detail}` : ''}`,
    retryAfterMs: code === 429 || code === 503 ? parseRetryAfter(sent.retryAfter, now) : null,
  };
}
