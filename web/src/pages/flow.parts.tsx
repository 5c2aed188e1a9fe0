/** Small pieces shared by the flow pages: state and run badges, the trigger in words. */
import type { Flow, FlowRunStatus, Status } from '../api.types';
import { StatusBadge } from '../components/status.badge';

const runStatus: Record<FlowRunStatus, Status> = {
  succeeded: 'successful',
  failed: 'failed',
  skipped: 'skipped',
};

/** A run's status with the console's status palette (a skipped run's condition did not hold). */
export function RunBadge({ status }: { status: FlowRunStatus }) {
  return <StatusBadge status={runStatus[status]} compact />;
}

/** Active or disabled (with why), as a badge with its text, never colour alone. */
export function FlowStateBadge({ flow }: { flow: Flow }) {
  const active = flow.status === 'active';
  const why =
    flow.disabledReason === 'failing'
      ? ' (failing too long)'
      : flow.disabledReason === 'gone'
        ? ' (target gone)'
        : '';
  return (
    <span
      class={`badge ${active ? 'status-successful' : 'status-skipped'}`}
      data-flow-status={flow.status}
    >
      <span class="badge-dot" aria-hidden="true" />
      {active ? 'Active' : `Disabled${why}`}
    </span>
  );
}

export function describeTrigger(f: Flow): string {
  const t = f.trigger;
  const subject = t.source ?? t.segment ?? t.measure;
  return `${t.event}${subject ? ` (${subject}${t.threshold !== undefined ? ` > ${t.threshold}` : ''})` : ''}${f.condition ? ', if the condition holds' : ''}`;
}
