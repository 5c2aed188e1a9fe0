/* Built-in flows and the status reports external flows send (re-exported by api.types.ts). */
import type { Delivery } from './api.types.js';

/** A built-in flow (GET …/flows): its definition, its live state and its last run. */
export interface Flow {
  name: string;
  description?: string;
  enabled: boolean;
  status: 'active' | 'disabled';
  disabledReason: string | null;
  failingSince: string | null;
  subscriptionId: string | null;
  trigger: {
    event: string;
    source?: string;
    segment?: string;
    measure?: string;
    threshold?: number;
  };
  condition?: unknown;
  actions: { type: string; [k: string]: unknown }[];
  lastRun: {
    id: string;
    status: FlowRunStatus;
    startedAt: string;
    test: boolean;
    error: string | null;
  } | null;
  createdAt: string;
  updatedAt: string;
}

export type FlowRunStatus = 'succeeded' | 'skipped' | 'failed';

export interface FlowActionRun {
  index: number;
  type: string;
  status: 'succeeded' | 'failed' | 'done';
  transient: boolean;
  request: Record<string, unknown> | null;
  response: Record<string, unknown> | null;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

export interface FlowRun {
  id: string;
  flow: string;
  test: boolean;
  deliveryId: string | null;
  attempt: number | null;
  eventId: string;
  eventType: string;
  event: Record<string, unknown>;
  conditionHeld: boolean | null;
  status: FlowRunStatus;
  retry: boolean;
  actions: FlowActionRun[];
  startedAt: string;
  endedAt: string;
}

export interface FlowTemplateParameter {
  name: string;
  title: string;
  type: 'string' | 'url' | 'number' | 'emails' | 'choice';
  required: boolean;
  description: string;
  choices?: string[];
  default?: string | number;
}

export interface FlowTemplate {
  name: string;
  title: string;
  description: string;
  event: string;
  parameters: FlowTemplateParameter[];
}

/** One delivery of a flow in the log (GET …/deliveries): the fields the flow page shows. */
export type FlowDelivery = Pick<
  Delivery,
  | 'id'
  | 'eventId'
  | 'eventType'
  | 'status'
  | 'attempts'
  | 'nextAttemptAt'
  | 'lastError'
  | 'createdAt'
  | 'deliveredAt'
>;

/** A status report an external flow sent (GET …/statusreports). */
export interface StatusReport {
  id: string;
  reportType: string;
  status: 'successful' | 'completedWithWarnings' | 'failed' | 'running' | 'canceled';
  message: string | null;
  runId: string | null;
  details: Record<string, unknown> | null;
  connectionId: string | null;
  reportedAt: string;
}
