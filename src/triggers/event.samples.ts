/**
 * One realistic sample per event type, as delivered (`GET /v1/events/{type}/sample`, the docs and the
 * connector's trigger schemas). Each sample validates against its type's schema (tested).
 */
import type { EventType } from './event.catalog.js';

const data: Record<EventType, Record<string, unknown>> = {
  'datasource.refresh.failed': {
    source: 'shop',
    tables: ['orders'],
    jobId: '7f1c2e0a-4b7d-4a53-9a59-2f0c8d6c1e42',
    submissionKind: 'scheduled',
    status: 'failed',
    attempts: 3,
    rowsRead: null,
    rowsRejected: null,
    error: {
      code: 'TRIB_ERR_SOURCE_MISSING',
      message: 'no file matches /data/exports/orders-*.csv',
    },
    startedAt: '2026-03-02T03:00:01.204Z',
    endedAt: '2026-03-02T03:00:09.877Z',
    owners: ['data-team@example.com'],
  },
  'datasource.refresh.succeeded': {
    source: 'crm',
    tables: ['contacts', 'companies'],
    jobId: '7f1c2e0a-4b7d-4a53-9a59-2f0c8d6c1e42',
    submissionKind: 'scheduled',
    status: 'completedWithWarnings',
    attempts: 1,
    rowsRead: 48210,
    rowsRejected: 12,
    error: null,
    startedAt: '2026-03-02T03:00:01.198Z',
    endedAt: '2026-03-02T03:00:04.531Z',
    owners: ['crm-admin@example.com'],
  },
  'segment.threshold.crossed': {
    segment: 'HighValueLondon',
    threshold: 1000,
    rearmBelow: 1000,
    previousCount: 987,
    currentCount: 1012,
    added: 31,
    removed: 6,
    addedSample: ['c-3f9a0b1c2d4e', 'c-8e21d04ab7f3', 'c-0b6f55e91ac2'],
    jobId: '7f1c2e0a-4b7d-4a53-9a59-2f0c8d6c1e42',
    observedAt: '2026-03-02T03:02:45.010Z',
    owners: ['marketing@example.com'],
  },
  'measure.threshold.crossed': {
    measure: 'MonthlyRevenue',
    threshold: 250000,
    rearmBelow: 200000,
    previousValue: 243118.5,
    currentValue: 251907.25,
    jobId: '7f1c2e0a-4b7d-4a53-9a59-2f0c8d6c1e42',
    observedAt: '2026-03-02T03:02:47.622Z',
    owners: ['finance@example.com'],
  },
  'refresh.scheduled.completed': {
    jobId: '7f1c2e0a-4b7d-4a53-9a59-2f0c8d6c1e42',
    status: 'completedWithWarnings',
    jobType: 'full',
    startedAt: '2026-03-02T03:00:01.101Z',
    endedAt: '2026-03-02T03:02:48.020Z',
    durationMs: 166919,
    tasks: [
      {
        kind: 'ingest',
        target: 'crm',
        status: 'completedWithWarnings',
        attempts: 1,
        durationMs: 3333,
        error: null,
      },
      {
        kind: 'ingest',
        target: 'shop',
        status: 'successful',
        attempts: 2,
        durationMs: 9120,
        error: null,
      },
      {
        kind: 'merge',
        target: null,
        status: 'successful',
        attempts: 1,
        durationMs: 120410,
        error: null,
      },
    ],
  },
  'unification.completed': {
    jobId: '7f1c2e0a-4b7d-4a53-9a59-2f0c8d6c1e42',
    status: 'successful',
    submissionKind: 'scheduled',
    endedAt: '2026-03-02T03:02:41.877Z',
    profiles: { total: 41877, created: 214, kept: 41590, merged: 71, split: 2 },
  },
  'subscription.disabled': {
    subscriptionId: 'sub_4b1f7c0e5d2a4e0f9c3b8a6d1e2f3a4b',
    event: 'segment.threshold.crossed',
    url: 'https://prod-12.westeurope.logic.azure.com/…',
    reason: 'failing',
    failingSince: '2026-02-25T03:02:50.000Z',
    disabledAt: '2026-03-02T03:02:50.000Z',
  },
};

/** The sample envelope of a type, exactly as a delivery's body. */
export function sampleEvent(type: EventType): Record<string, unknown> {
  return {
    id: 'evt_0f8c1a2b3c4d4e5f8a9b0c1d2e3f4a5b',
    type,
    timestamp: '2026-03-02T03:02:50.000Z',
    instance: 'default',
    data: data[type],
  };
}
