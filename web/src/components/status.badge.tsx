import type { Status } from '../api.types';

export const statusLabels: Record<Status, string> = {
  queued: 'Queued',
  running: 'Running',
  successful: 'Successful',
  completedWithWarnings: 'Completed with warnings',
  failedRetrying: 'Failed, retrying',
  failed: 'Failed',
  skipped: 'Skipped',
  canceled: 'Canceled',
  notStarted: 'Not started',
};

/** A status as a coloured pill with a shape cue (the dot pulses while running), never colour alone. */
export function StatusBadge({ status, compact }: { status: Status; compact?: boolean }) {
  return (
    <span class={`badge status-${status}${compact ? ' badge-compact' : ''}`} data-status={status}>
      <span class="badge-dot" aria-hidden="true" />
      {statusLabels[status] ?? status}
    </span>
  );
}
