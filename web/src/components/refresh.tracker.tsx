/**
 * Follows a job just started from the console: polls it until it ends and tells the page when it
 * did (so lists refresh), with a link to its timeline.
 */
import { useEffect, useRef } from 'preact/hooks';
import { api, instancePath } from '../api.client';
import { isFinal, type Job } from '../api.types';
import { href } from '../app.router';
import { durationBetween, formatDuration, shortId } from '../format';
import { useResource } from '../resource.hook';
import { StatusBadge } from './status.badge';

export interface StartedJob {
  jobId: string;
  what: string;
  coalesced: boolean;
}

export function RefreshTracker({
  instance,
  started,
  onEnd,
  onDismiss,
}: {
  instance: string;
  started: StartedJob;
  onEnd: () => void;
  onDismiss: () => void;
}) {
  const res = useResource(
    () => api.get<Job>(instancePath(instance, `/workflows/main/jobs/${started.jobId}`)),
    [instance, started.jobId],
    { pollMs: (job) => (job && isFinal(job.status) ? null : 700) },
  );
  const job = res.data;
  const ended = job !== undefined && isFinal(job.status);
  const reported = useRef(false);
  useEffect(() => {
    if (ended && !reported.current) {
      reported.current = true;
      onEnd();
    }
  }, [ended, onEnd]);

  return (
    <div
      class={`tracker${ended ? ' is-ended' : ''}`}
      role="status"
      aria-live="polite"
      data-testid="refresh-tracker"
    >
      <div class="tracker-main">
        <span>
          Refresh of <strong>{started.what}</strong>
          {started.coalesced && ' (joined the job already waiting)'}
        </span>
        {job ? (
          <span data-testid="refresh-status" data-status={job.status}>
            <StatusBadge status={job.status} />
          </span>
        ) : (
          <span class="muted">starting…</span>
        )}
        {job && (
          <span class="muted">{formatDuration(durationBetween(job.startedAt, job.endedAt))}</span>
        )}
      </div>
      <div class="tracker-actions">
        <a class="button button-small" href={href(instance, 'jobs', started.jobId)}>
          Timeline of job {shortId(started.jobId)}
        </a>
        <button
          type="button"
          class="button button-small button-quiet"
          onClick={onDismiss}
          aria-label="Dismiss"
        >
          ✕
        </button>
      </div>
      {res.error && <p class="field-error">{res.error.message}</p>}
    </div>
  );
}
