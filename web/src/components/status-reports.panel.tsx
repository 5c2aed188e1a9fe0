/**
 * The status reports external flows sent (`POST …/statusreports`, the connector's "Sends the status
 * report" action): the last ten, newest first, on the Overview.
 */
import { api, instancePath } from '../api.client';
import type { List, StatusReport } from '../api.types';
import { formatDateTime } from '../format';
import { useResource } from '../resource.hook';
import { ErrorNotice } from './states.view';
import { StatusBadge } from './status.badge';

export function StatusReportsPanel({ instance }: { instance: string }) {
  const res = useResource(
    () => api.get<List<StatusReport>>(instancePath(instance, '/statusreports?$top=10')),
    [instance],
    { pollMs: () => 10_000 },
  );
  return (
    <section class="panel" aria-labelledby="reports-title" data-testid="status-reports">
      <h2 id="reports-title" class="panel-title">
        Status reports from external flows
      </h2>
      {res.error ? (
        <ErrorNotice error={res.error} onRetry={res.reload} />
      ) : !res.data ? null : res.data.value.length === 0 ? (
        <p class="muted">
          No report yet. Flows send them with the connector's "Sends the status report" action.
        </p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">Reported</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Message</th>
                <th scope="col">Run</th>
              </tr>
            </thead>
            <tbody>
              {res.data.value.map((r) => (
                <tr key={r.id}>
                  <td class="nowrap">{formatDateTime(r.reportedAt)}</td>
                  <td>{r.reportType}</td>
                  <td>
                    <StatusBadge status={r.status} compact />
                  </td>
                  <td>{r.message ?? ''}</td>
                  <td>{r.runId ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
