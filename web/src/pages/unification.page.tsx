/**
 * Unification: the definition in force, statistics of the last runs (from the match and merge
 * tasks' details in the job history), and a customer search leading to the profile's sources.
 */
import { ApiError, api, instancePath, query } from '../api.client';
import type {
  Job,
  List,
  MatchDetails,
  MergeDetails,
  TaskWithDetails,
  UnificationResolved,
} from '../api.types';
import { href } from '../app.router';
import { HistoryChart } from '../components/history.chart';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/states.view';
import { formatCount, formatDateTime, formatDuration, formatRelative, shortId } from '../format';
import { useResource } from '../resource.hook';
import { CustomerSearch } from './unification.search';

/** Jobs whose tasks are read for the statistics (one request each). */
const runsToRead = 10;

export interface UnifyRun {
  job: Job;
  match: TaskWithDetails | undefined;
  merge: TaskWithDetails;
}

async function loadRuns(instance: string): Promise<UnifyRun[]> {
  const jobs = await api.get<List<Job>>(
    instancePath(instance, `/workflows/main/jobs${query({ $top: runsToRead })}`),
  );
  const details = await Promise.all(
    jobs.value.map((j) =>
      api.get<Omit<Job, 'tasks'> & { tasks: TaskWithDetails[] }>(
        instancePath(instance, `/workflows/main/jobs/${j.jobId}`),
      ),
    ),
  );
  return details.flatMap((job) => {
    const merge = job.tasks.find((t) => t.kind === 'merge' && t.details);
    const match = job.tasks.find((t) => t.kind === 'match' && t.details);
    return merge ? [{ job, match, merge }] : [];
  });
}

async function loadDefinition(instance: string): Promise<UnificationResolved | null> {
  try {
    return await api.get<UnificationResolved>(instancePath(instance, '/manage/unification'));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

function RuleBars({ perRule }: { perRule: Record<string, number> }) {
  const entries = Object.entries(perRule).sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  if (entries.length === 0) return <p class="muted">No pair matched.</p>;
  return (
    <ul class="bar-list" aria-label="Matched pairs per rule">
      {entries.map(([rule, n]) => (
        <li key={rule}>
          <span class="bar-label mono">{rule}</span>
          <span class="bar-track" aria-hidden="true">
            <span class="bar-fill" style={{ width: `${(n / max) * 100}%` }} />
          </span>
          <span class="num">{formatCount(n)}</span>
        </li>
      ))}
    </ul>
  );
}

function LastRun({ instance, run }: { instance: string; run: UnifyRun }) {
  const m = run.merge.details as unknown as MergeDetails;
  const match = run.match?.details as unknown as MatchDetails | undefined;
  const p = m.profiles;
  return (
    <section class="panel" aria-labelledby="last-run-title">
      <div class="panel-head">
        <h2 id="last-run-title" class="panel-title">
          Last run
        </h2>
        <a href={href(instance, 'jobs', run.job.jobId)}>
          job {shortId(run.job.jobId)} · {formatRelative(run.merge.endedAt)}
        </a>
      </div>
      <dl class="facts facts-plain" data-testid="unify-last-run">
        <div>
          <dt>Profiles</dt>
          <dd class="stat-value">{formatCount(p.total)}</dd>
        </div>
        <div>
          <dt>Source records</dt>
          <dd class="stat-value">{formatCount(match?.inputRecords)}</dd>
        </div>
        <div>
          <dt>Matched pairs</dt>
          <dd class="stat-value">
            {formatCount(match?.matchedPairs)}
            {match?.candidatePairs !== undefined && (
              <span class="stat-of"> of {formatCount(match.candidatePairs)} compared</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Since the previous run</dt>
          <dd>
            {formatCount(p.created)} created · {formatCount(p.kept)} kept · {formatCount(p.merged)}{' '}
            merged · {formatCount(p.split)} split · {formatCount(p.removed)} removed
          </dd>
        </div>
        {m.activities !== undefined && (
          <div>
            <dt>Activities</dt>
            <dd>
              {formatCount(m.activities)} ({formatCount(m.unlinked ?? 0)} without a profile)
            </dd>
          </div>
        )}
        {match && (
          <div>
            <dt>Mode</dt>
            <dd>
              {match.mode === 'rules' ? 'Rules' : 'Probabilistic'} · {formatCount(match.clusters)}{' '}
              clusters in {match.clusterRounds} round{match.clusterRounds === 1 ? '' : 's'}
            </dd>
          </div>
        )}
      </dl>
      {match?.emIterations !== undefined && (
        <p class="muted small">
          Model: {match.emIterations} EM iterations
          {match.emConverged ? ' (converged)' : ' (did not converge)'} ·{' '}
          {match.blockingRules?.length ?? 0} blocking rules:{' '}
          {(match.blockingRules ?? []).map((r) => r.join(' + ')).join(' · ')}
        </p>
      )}
      {match && (
        <p class="muted small">
          Time per stage:{' '}
          {[...Object.entries(match.stages), ...Object.entries(m.stages)]
            .map(([stage, ms]) => `${stage} ${formatDuration(ms)}`)
            .join(' · ')}
        </p>
      )}
      {match?.recordsPerTable && (
        <p class="muted small">
          Records per table:{' '}
          {Object.entries(match.recordsPerTable)
            .map(([t, n]) => `${t} ${formatCount(n)}`)
            .join(' · ')}
        </p>
      )}
      {match?.perRule && (
        <>
          <h3 class="subhead">Matched pairs per rule</h3>
          <RuleBars perRule={match.perRule} />
        </>
      )}
    </section>
  );
}

function RunsTable({ instance, runs }: { instance: string; runs: UnifyRun[] }) {
  return (
    <div class="table-wrap">
      <table class="table table-dense" data-testid="unify-runs">
        <caption class="sr-only">Unification statistics of the last runs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Ended</th>
            <th scope="col" class="num">
              Records
            </th>
            <th scope="col" class="num">
              Pairs
            </th>
            <th scope="col" class="num">
              Profiles
            </th>
            <th scope="col" class="num">
              Created
            </th>
            <th scope="col" class="num">
              Merged
            </th>
            <th scope="col" class="num">
              Split
            </th>
            <th scope="col" class="num">
              Match + merge
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => {
            const m = r.merge.details as unknown as MergeDetails;
            const match = r.match?.details as unknown as MatchDetails | undefined;
            return (
              <tr key={r.job.jobId}>
                <th scope="row">
                  <a class="mono" href={href(instance, 'jobs', r.job.jobId)}>
                    {shortId(r.job.jobId)}
                  </a>
                </th>
                <td>{formatDateTime(r.merge.endedAt)}</td>
                <td class="num">{formatCount(match?.inputRecords)}</td>
                <td class="num">{formatCount(match?.matchedPairs)}</td>
                <td class="num">{formatCount(m.profiles.total)}</td>
                <td class="num">{formatCount(m.profiles.created)}</td>
                <td class="num">{formatCount(m.profiles.merged)}</td>
                <td class="num">{formatCount(m.profiles.split)}</td>
                <td class="num">
                  {formatDuration((r.match?.durationMs ?? 0) + (r.merge.durationMs ?? 0))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function UnificationPage({ instance }: { instance: string }) {
  const runs = useResource(() => loadRuns(instance), [instance]);
  const definition = useResource(() => loadDefinition(instance), [instance]);
  const list = runs.data;
  const d = definition.data;

  return (
    <>
      <PageHeader
        title="Unification"
        subtitle="How source records become customer profiles, run by run."
      />
      <section class="panel" aria-labelledby="search-title">
        <h2 id="search-title" class="panel-title">
          Find a customer
        </h2>
        <CustomerSearch instance={instance} />
      </section>

      {definition.error && <ErrorNotice error={definition.error} onRetry={definition.reload} />}
      {d === null && (
        <EmptyState title="No unification definition">
          Map the customer tables in the project file (<code>unification:</code>) or with{' '}
          <code>PUT …/manage/unification</code>; the next refresh then matches and merges them.
        </EmptyState>
      )}
      {d && (
        <dl class="facts" data-testid="unify-definition">
          <div>
            <dt>Mode</dt>
            <dd>
              {d.resolved.mode === 'rules'
                ? 'Rules'
                : `Probabilistic (threshold ${d.resolved.threshold})`}
            </dd>
          </div>
          <div>
            <dt>Customer tables</dt>
            <dd>{d.resolved.tables.join(', ')}</dd>
          </div>
          <div>
            <dt>{d.resolved.mode === 'rules' ? 'Rules, in order' : 'Comparisons'}</dt>
            <dd>
              {(d.resolved.mode === 'rules' ? d.resolved.rules : d.resolved.comparisons).join(
                ', ',
              ) || '—'}
            </dd>
          </div>
          <div>
            <dt>Changed</dt>
            <dd title={formatDateTime(d.updatedAt)}>{formatRelative(d.updatedAt)}</dd>
          </div>
        </dl>
      )}

      {runs.error && <ErrorNotice error={runs.error} onRetry={runs.reload} />}
      {!list && !runs.error && <Loading label="Reading the last runs…" />}
      {list && list.length === 0 && d !== null && (
        <EmptyState title="No unification run yet">
          Run a full refresh from Jobs: its match and merge tasks record the statistics shown here.
        </EmptyState>
      )}
      {list && list.length > 0 && (
        <>
          <LastRun instance={instance} run={list[0]!} />
          <section class="panel" aria-labelledby="runs-title">
            <h2 id="runs-title" class="panel-title">
              Profiles after each run
            </h2>
            <HistoryChart
              what="Profiles"
              thresholds={[]}
              points={[...list].reverse().map((r) => ({
                time: r.merge.endedAt ?? r.job.createdAt,
                value: (r.merge.details as unknown as MergeDetails).profiles.total,
              }))}
            />
            <RunsTable instance={instance} runs={list} />
          </section>
        </>
      )}
    </>
  );
}
