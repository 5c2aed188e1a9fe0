/**
 * The events the connector offers as webhook triggers (design §6.1), with the subscription
 * parameters each takes and the schema of the `data` its deliveries carry. The triggers domain owns
 * the event catalog; `createApp` may pass its catalog in `ApiDeps.events` to replace this default.
 */
export interface ConnectorEvent {
  type: string;
  /** Operation id of the trigger, e.g. OnDataSourceRefreshFailed. */
  operationId: string;
  summary: string;
  description: string;
  parameters: ('source' | 'segment' | 'measure' | 'threshold' | 'rearmBelow')[];
  /** Parameters the subscription requires. */
  required: string[];
  data: Record<string, unknown>;
}

const str = { type: 'string' };
const num = { type: 'number' };
const taskSummary = {
  type: 'array',
  items: {
    type: 'object',
    properties: { kind: str, target: str, status: str, error: str },
  },
};

export const defaultConnectorEvents: ConnectorEvent[] = [
  {
    type: 'datasource.refresh.failed',
    operationId: 'OnDataSourceRefreshFailed',
    summary: 'When a data source refresh fails',
    description: "Fires when a data source's refresh ends failed (after its retries)",
    parameters: ['source'],
    required: [],
    data: { type: 'object', properties: { source: str, jobId: str, status: str, error: str } },
  },
  {
    type: 'datasource.refresh.succeeded',
    operationId: 'OnDataSourceRefreshSucceeded',
    summary: 'When a data source refresh succeeds',
    description: "Fires when a data source's refresh ends successful or with warnings",
    parameters: ['source'],
    required: [],
    data: {
      type: 'object',
      properties: { source: str, jobId: str, status: str, rowsRead: num, rowsRejected: num },
    },
  },
  {
    type: 'segment.threshold.crossed',
    operationId: 'OnSegmentThresholdCrossed',
    summary: 'When a segment crosses a threshold',
    description: "Fires when a segment's member count rises above the threshold",
    parameters: ['segment', 'threshold', 'rearmBelow'],
    required: ['segment', 'threshold'],
    data: {
      type: 'object',
      properties: { segment: str, threshold: num, previous: num, current: num, jobId: str },
    },
  },
  {
    type: 'measure.threshold.crossed',
    operationId: 'OnMeasureThresholdCrossed',
    summary: 'When a business measure crosses a threshold',
    description: 'Fires when a business measure without dimensions rises above the threshold',
    parameters: ['measure', 'threshold', 'rearmBelow'],
    required: ['measure', 'threshold'],
    data: {
      type: 'object',
      properties: { measure: str, threshold: num, previous: num, current: num, jobId: str },
    },
  },
  {
    type: 'refresh.scheduled.completed',
    operationId: 'OnScheduledRefreshCompleted',
    summary: 'When a scheduled refresh completes',
    description: 'Fires when a scheduled full refresh ends, with its status and task summary',
    parameters: [],
    required: [],
    data: { type: 'object', properties: { jobId: str, status: str, tasks: taskSummary } },
  },
  {
    type: 'unification.completed',
    operationId: 'OnUnificationCompleted',
    summary: 'When unification completes',
    description: 'Fires when the merge step of a refresh ends successfully',
    parameters: [],
    required: [],
    data: {
      type: 'object',
      properties: {
        jobId: str,
        profiles: {
          type: 'object',
          properties: { total: num, created: num, kept: num, merged: num, split: num },
        },
      },
    },
  },
];
