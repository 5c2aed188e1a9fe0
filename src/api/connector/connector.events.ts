/**
 * The connector's webhook triggers: which events of the triggers' catalog it offers (design §6.1's
 * six; `subscription.disabled` is an operational event, not a trigger) and their names in the flow
 * designer. Everything else about an event (firing rule, subscription parameters, the schema of a
 * delivery) comes from the catalog that `createApp` passes in `ApiDeps.events`.
 */
export const connectorTriggers: Readonly<Record<string, { operationId: string; summary: string }>> =
  {
    'datasource.refresh.failed': {
      operationId: 'OnDataSourceRefreshFailed',
      summary: 'When a data source refresh fails',
    },
    'datasource.refresh.succeeded': {
      operationId: 'OnDataSourceRefreshSucceeded',
      summary: 'When a data source refresh succeeds',
    },
    'segment.threshold.crossed': {
      operationId: 'OnSegmentThresholdCrossed',
      summary: 'When a segment crosses a threshold',
    },
    'measure.threshold.crossed': {
      operationId: 'OnMeasureThresholdCrossed',
      summary: 'When a business measure crosses a threshold',
    },
    'refresh.scheduled.completed': {
      operationId: 'OnScheduledRefreshCompleted',
      summary: 'When a scheduled refresh completes',
    },
    'unification.completed': {
      operationId: 'OnUnificationCompleted',
      summary: 'When unification completes',
    },
  };
