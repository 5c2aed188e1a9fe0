/**
 * Schedule: time zone and times of the instance's refreshes, with a live preview of the next runs
 * of the draft (GET …/schedules/preview) before saving it (PUT …/schedules).
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, instancePath, query } from '../api.client';
import type { Schedule, SchedulePreview } from '../api.types';
import { RunsChart } from '../components/runs.chart';
import { ErrorNotice, Loading, PageHeader } from '../components/states.view';
import { formatDateTime, formatRelative } from '../format';
import { useResource } from '../resource.hook';

interface Draft {
  isActive: boolean;
  timezoneId: string;
  cronSchedules: string[];
}

const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const presets: Record<string, string> = {
  '@daily': 'Every day at 00:00',
  '@weekly': 'Every Monday at 00:00',
  '@hourly': 'Every hour, on the hour',
};

/** Plain words for the common shapes of cron time; anything else is shown as written. */
export function describeCron(expr: string): string {
  if (presets[expr]) return presets[expr];
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) return `Cron ${expr}`;
  const [m, h, dom, mon, dow] = parts as [string, string, string, string, string];
  if (!/^\d+$/.test(m)) return `Cron ${expr}`;
  const minute = m.padStart(2, '0');
  if (h === '*' && dom === '*' && mon === '*' && dow === '*') return `Every hour at :${minute}`;
  if (!/^\d+(,\d+)*$/.test(h) || dom !== '*' || mon !== '*') return `Cron ${expr}`;
  const times = h
    .split(',')
    .map((x) => `${x.padStart(2, '0')}:${minute}`)
    .join(', ');
  if (dow === '*') return `Every day at ${times}`;
  if (dow === '1-5') return `Weekdays at ${times}`;
  if (/^[0-6]$/.test(dow)) return `Every ${weekdays[Number(dow)]} at ${times}`;
  return `Cron ${expr}`;
}

function listTimeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

function usePreview(
  instance: string,
  draft: Draft | null,
): {
  runs: SchedulePreview | null;
  error: ApiError | Error | null;
} {
  const [state, setState] = useState<{ runs: SchedulePreview | null; error: Error | null }>({
    runs: null,
    error: null,
  });
  const key = draft ? JSON.stringify([draft.timezoneId, draft.cronSchedules]) : '';
  useEffect(() => {
    if (!draft) return undefined;
    let stale = false;
    // The last answer's error no longer applies to the edited draft.
    setState((st) => (st.error ? { runs: null, error: null } : st));
    const timer = window.setTimeout(() => {
      const q = query({
        timezoneId: draft.timezoneId,
        cronSchedules: draft.cronSchedules,
        count: 10,
      });
      api
        .get<SchedulePreview>(instancePath(instance, `/workflows/main/schedules/preview${q}`))
        .then(
          (runs) => !stale && setState({ runs, error: null }),
          (e: unknown) => !stale && setState({ runs: null, error: e as Error }),
        );
    }, 250);
    return () => {
      stale = true;
      window.clearTimeout(timer);
    };
    // The draft's time zone and times are the inputs; the key holds them.
  }, [instance, key]);
  return state;
}

function fieldError(error: Error | null, field: string): string | null {
  if (!(error instanceof ApiError) || !error.field) return null;
  return error.field.replace(/^(body|querystring)/, '') === field ? error.message : null;
}

export function SchedulePage({ instance }: { instance: string }) {
  const path = instancePath(instance, '/workflows/main/schedules');
  const res = useResource(() => api.get<Schedule>(path), [path]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [newTime, setNewTime] = useState('03:00');
  const [newCron, setNewCron] = useState('');
  const [saveState, setSaveState] = useState<{
    busy: boolean;
    error: Error | null;
    saved: boolean;
  }>({ busy: false, error: null, saved: false });
  const saved = res.data;
  useEffect(() => {
    if (saved) {
      setDraft({
        isActive: saved.isActive,
        timezoneId: saved.timezoneId,
        cronSchedules: saved.cronSchedules,
      });
    }
  }, [saved]);
  const preview = usePreview(instance, draft);
  const zones = listTimeZones();
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const now = Date.now();
  const dirty =
    saved !== undefined &&
    draft !== null &&
    JSON.stringify([saved.isActive, saved.timezoneId, saved.cronSchedules]) !==
      JSON.stringify([draft.isActive, draft.timezoneId, draft.cronSchedules]);

  const update = (patch: Partial<Draft>): void => {
    setDraft((d) => (d ? { ...d, ...patch } : d));
    setSaveState({ busy: false, error: null, saved: false });
  };
  const addTime = (cron: string): void => {
    if (!draft || !cron.trim() || draft.cronSchedules.includes(cron.trim())) return;
    update({ cronSchedules: [...draft.cronSchedules, cron.trim()] });
  };
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!draft) return;
    setSaveState({ busy: true, error: null, saved: false });
    try {
      await api.put<Schedule>(path, draft);
      setSaveState({ busy: false, error: null, saved: true });
      res.reload();
    } catch (err) {
      setSaveState({ busy: false, error: err as Error, saved: false });
    }
  };

  const previewError = preview.error;
  const tzError =
    fieldError(saveState.error, '/timezoneId') ?? fieldError(previewError, '/timezoneId');

  return (
    <>
      <PageHeader
        title="Schedule"
        subtitle="When this instance refreshes by itself. Missed runs after downtime run once at start."
      />
      {res.error && <ErrorNotice error={res.error} onRetry={res.reload} />}
      {!draft && !res.error && <Loading />}
      {draft && (
        <div class="split">
          <form class="panel form" onSubmit={(e) => void save(e)} aria-label="Schedule">
            <label class="switch">
              <input
                type="checkbox"
                checked={draft.isActive}
                onChange={(e) => update({ isActive: e.currentTarget.checked })}
              />
              <span>
                <strong>Scheduled refreshes are {draft.isActive ? 'on' : 'off'}</strong>
                <span class="muted small block">When off, refreshes run only on demand.</span>
              </span>
            </label>

            <label class="field">
              <span class="field-label">Time zone</span>
              <input
                type="text"
                list="time-zones"
                value={draft.timezoneId}
                onInput={(e) => update({ timezoneId: e.currentTarget.value })}
                aria-invalid={tzError !== null}
                spellcheck={false}
              />
              <datalist id="time-zones">
                {zones.map((z) => (
                  <option key={z} value={z} />
                ))}
              </datalist>
              <span class="field-hint">
                IANA name, e.g. Europe/London. Daylight saving is handled.
              </span>
              {tzError && <span class="field-error">{tzError}</span>}
            </label>

            <fieldset class="field">
              <legend class="field-label">Times</legend>
              {draft.cronSchedules.length === 0 && <p class="muted">No times yet.</p>}
              <ul class="times">
                {draft.cronSchedules.map((c, i) => {
                  const error =
                    fieldError(saveState.error, `/cronSchedules/${i}`) ??
                    fieldError(previewError, `/cronSchedules/${i}`);
                  return (
                    <li key={c} class={error ? 'has-error' : undefined}>
                      <div>
                        <span>{describeCron(c)}</span>
                        <code class="muted small block">{c}</code>
                        {error && <span class="field-error">{error}</span>}
                      </div>
                      <button
                        type="button"
                        class="button button-small button-quiet"
                        aria-label={`Remove ${describeCron(c)}`}
                        onClick={() =>
                          update({ cronSchedules: draft.cronSchedules.filter((x) => x !== c) })
                        }
                      >
                        Remove
                      </button>
                    </li>
                  );
                })}
              </ul>
              <div class="inline-add">
                <label>
                  <span class="sr-only">Daily time</span>
                  <input
                    type="time"
                    value={newTime}
                    onInput={(e) => setNewTime(e.currentTarget.value)}
                  />
                </label>
                <button
                  type="button"
                  class="button button-small"
                  onClick={() => {
                    const [h, m] = newTime.split(':');
                    if (h !== undefined && m !== undefined)
                      addTime(`${Number(m)} ${Number(h)} * * *`);
                  }}
                >
                  Add daily time
                </button>
              </div>
              <div class="inline-add">
                <label class="grow">
                  <span class="sr-only">Cron expression</span>
                  <input
                    type="text"
                    placeholder="cron, e.g. 0 6 * * 1-5"
                    value={newCron}
                    spellcheck={false}
                    onInput={(e) => setNewCron(e.currentTarget.value)}
                  />
                </label>
                <button
                  type="button"
                  class="button button-small"
                  onClick={() => {
                    addTime(newCron);
                    setNewCron('');
                  }}
                >
                  Add cron time
                </button>
              </div>
            </fieldset>

            {saveState.error && !tzError && !/cronSchedules/.test(saveState.error.message) && (
              <ErrorNotice error={saveState.error} />
            )}
            <div class="form-actions">
              <button
                type="submit"
                class="button button-primary"
                disabled={!dirty || saveState.busy}
              >
                {saveState.busy ? 'Saving…' : 'Save schedule'}
              </button>
              {dirty && (
                <button
                  type="button"
                  class="button button-quiet"
                  onClick={() => saved && setDraft({ ...saved })}
                >
                  Discard changes
                </button>
              )}
              {saveState.saved && !dirty && (
                <span class="saved" role="status">
                  Saved ✓
                </span>
              )}
            </div>
          </form>

          <section class="panel" aria-labelledby="preview-title">
            <h2 id="preview-title" class="panel-title">
              Next runs {dirty && <span class="pill">draft</span>}
            </h2>
            {!draft.isActive && (
              <p class="notice notice-warning">
                Scheduled refreshes are off: these are the times they would run.
              </p>
            )}
            {previewError && !(previewError instanceof ApiError && previewError.field) && (
              <ErrorNotice error={previewError} />
            )}
            {preview.runs && preview.runs.value.length === 0 && (
              <p class="muted">Add a time to see when refreshes would run.</p>
            )}
            {preview.runs && preview.runs.value.length > 0 && (
              <>
                <RunsChart runs={preview.runs.value} timeZone={preview.runs.timezoneId} now={now} />
                <ol class="runs" data-testid="schedule-preview">
                  {preview.runs.value.map((r) => (
                    <li key={r}>
                      <span>{formatDateTime(r, preview.runs!.timezoneId)}</span>
                      <span class="muted small">
                        {preview.runs!.timezoneId !== browserZone &&
                          `${formatDateTime(r, browserZone)} · `}
                        {formatRelative(r, now)}
                      </span>
                    </li>
                  ))}
                </ol>
              </>
            )}
          </section>
        </div>
      )}
    </>
  );
}
