import { expectOk, type ApiClient } from '../api.client.js';

interface SourceView {
  name: string;
  status: string;
  lastRefresh: string | null;
  rowsRead: number | null;
  rowsRejected: number | null;
  error: { message: string } | null;
}
interface JobSummary {
  jobId: string;
  status: string;
  submissionKind: string;
  jobType: string;
  createdAt: string;
  endedAt: string | null;
}

export interface StatusReport {
  instance: string;
  sources: SourceView[];
  jobs: JobSummary[];
  schedule: {
    isActive: boolean;
    timezoneId: string;
    cronSchedules: string[];
    nextRunAt: string | null;
  };
}

export async function readStatus(client: ApiClient, instance: string): Promise<StatusReport> {
  const base = `/v1/instances/${encodeURIComponent(instance)}`;
  const [sources, jobs, schedule] = await Promise.all([
    expectOk<{ value: SourceView[] }>(
      client.request('GET', `${base}/manage/datasources`),
      'data sources',
    ),
    expectOk<{ value: JobSummary[] }>(
      client.request('GET', `${base}/workflows/main/jobs?$top=5`),
      'jobs',
    ),
    expectOk<StatusReport['schedule']>(
      client.request('GET', `${base}/workflows/main/schedules`),
      'schedule',
    ),
  ]);
  return { instance, sources: sources.value, jobs: jobs.value, schedule };
}

export function formatStatus(r: StatusReport): string {
  const lines = [`instance ${r.instance}`, '', 'data sources:'];
  if (r.sources.length === 0)
    lines.push('  (none: add some with `tributary apply -f project.yaml`)');
  for (const s of r.sources) {
    const rows =
      s.rowsRead === null
        ? ''
        : ` ${s.rowsRead} rows${s.rowsRejected ? `, ${s.rowsRejected} rejected` : ''}`;
    lines.push(
      `  ${s.name.padEnd(16)} ${s.status.padEnd(22)} ${s.lastRefresh ?? '-'}${rows}${s.error ? ` — ${s.error.message}` : ''}`,
    );
  }
  lines.push('', 'recent jobs:');
  if (r.jobs.length === 0) lines.push('  (none yet)');
  for (const j of r.jobs) {
    lines.push(
      `  ${j.jobId}  ${j.status.padEnd(22)} ${j.submissionKind}/${j.jobType}  ${j.createdAt}`,
    );
  }
  const sch = r.schedule;
  lines.push(
    '',
    `schedule: ${sch.isActive ? `${sch.cronSchedules.join(', ')} (${sch.timezoneId}), next ${sch.nextRunAt ?? '-'}` : 'inactive'}`,
  );
  return lines.join('\n');
}
