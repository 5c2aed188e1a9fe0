import { expectOk, type ApiClient } from '../api.client.js';
import { formatJob, watchJob, type JobView } from '../job.watch.js';
import type { Progress } from '../progress.js';

export interface RefreshRequest {
  instance: string;
  sources: string[];
  ingestionOnly: boolean;
}

export async function startRefresh(client: ApiClient, req: RefreshRequest): Promise<string> {
  const q = new URLSearchParams({ operationType: req.ingestionOnly ? 'ingestion' : 'all' });
  if (req.sources.length > 0) q.set('identifiers', req.sources.join(','));
  const res = await expectOk<{ jobId: string }>(
    client.request(
      'POST',
      `/v1/instances/${encodeURIComponent(req.instance)}/workflows/main/jobs?${q.toString()}`,
    ),
    'refresh',
  );
  return res.jobId;
}

/** Runs a refresh to the end; returns the job, printed as a per-task summary. */
export async function refreshAndWait(
  client: ApiClient,
  req: RefreshRequest,
  progress: Progress,
): Promise<JobView> {
  const jobId = await startRefresh(client, req);
  progress.line(`job ${jobId} started`);
  const job = await watchJob(client, req.instance, jobId, progress);
  progress.line(formatJob(job));
  return job;
}
