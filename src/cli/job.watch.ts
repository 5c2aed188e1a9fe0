/** Follows a job through the API until it ends, reporting tasks done and rows ingested. */
import { setTimeout as delay } from 'node:timers/promises';
import { expectOk, type ApiClient } from './api.client.js';
import type { Progress } from './progress.js';

export interface JobView {
  jobId: string;
  status: string;
  startedAt: string | null;
  endedAt: string | null;
  tasks: {
    kind: string;
    target: string | null;
    status: string;
    attempts: number;
    rowsRead: number | null;
    rowsRejected: number | null;
    durationMs: number | null;
    error: { code: string; message: string } | null;
  }[];
}

const finalStatuses = new Set([
  'successful',
  'completedWithWarnings',
  'failed',
  'skipped',
  'canceled',
]);

export async function watchJob(
  client: ApiClient,
  instance: string,
  jobId: string,
  progress: Progress,
  pollMs = 300,
): Promise<JobView> {
  const path = `/v1/instances/${encodeURIComponent(instance)}/workflows/main/jobs/${jobId}`;
  let started = false;
  const reported = new Set<string>();
  for (;;) {
    const job = await expectOk<JobView>(client.request('GET', path), 'job status');
    if (!started) {
      progress.start('refresh tasks', job.tasks.length, 'tasks');
      started = true;
    }
    const ended = job.tasks.filter((t) => finalStatuses.has(t.status));
    const rows = job.tasks.reduce((a, t) => a + (t.rowsRead ?? 0), 0);
    progress.update(ended.length, `${rows.toLocaleString('en-US')} rows ingested`);
    for (const t of ended) {
      const name = `${t.kind}${t.target ? `(${t.target})` : ''}`;
      if (reported.has(name)) continue;
      reported.add(name);
      if (t.error && t.status !== 'successful')
        progress.line(`  ${name}: ${t.status}: ${t.error.message}`);
    }
    if (finalStatuses.has(job.status)) {
      progress.stop();
      return job;
    }
    await delay(pollMs);
  }
}

export function formatJob(job: JobView): string {
  const lines = [`job ${job.jobId}: ${job.status}`];
  for (const t of job.tasks) {
    const name = `${t.kind}${t.target ? `(${t.target})` : ''}`;
    const secs = t.durationMs === null ? '' : ` ${(t.durationMs / 1000).toFixed(1)} s`;
    const rows =
      t.rowsRead === null
        ? ''
        : ` ${t.rowsRead} rows${t.rowsRejected ? `, ${t.rowsRejected} rejected` : ''}`;
    const attempts = t.attempts > 1 ? ` (${t.attempts} attempts)` : '';
    const error = t.error ? ` — ${t.error.message}` : '';
    lines.push(`  ${name.padEnd(24)} ${t.status}${secs}${rows}${attempts}${error}`);
  }
  return lines.join('\n');
}
