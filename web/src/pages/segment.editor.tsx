/**
 * The segment definition form: name, description, refresh, active, and the rule (builder or raw
 * JSON), with a live count from the dry-run API (POST …/manage/segments/preview) and save.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, instancePath } from '../api.client';
import type {
  EntityInfo,
  List,
  MeasureSummary,
  SegmentDefinition,
  SegmentPreview,
  SegmentSummary,
} from '../api.types';
import { href, navigate } from '../app.router';
import { RuleBuilder, type BuilderContext } from '../components/rule.builder';
import { ErrorNotice, Loading } from '../components/states.view';
import { formatCount } from '../format';
import { useResource } from '../resource.hook';

async function loadContext(instance: string): Promise<BuilderContext> {
  const [entities, segments, measures] = await Promise.all([
    api.get<List<EntityInfo>>(instancePath(instance, '/manage/entities')),
    api.get<List<SegmentSummary>>(instancePath(instance, '/manage/segments')),
    api.get<List<MeasureSummary>>(instancePath(instance, '/manage/measures')),
  ]);
  return {
    columns: entities.value.find((e) => e.name === 'Customer')?.columns ?? [],
    segments: segments.value.map((s) => s.name),
    measures: measures.value.filter((m) => m.perCustomer).map((m) => m.name),
  };
}

type PreviewState =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'done'; result: SegmentPreview }
  | { kind: 'error'; error: Error };

/** Runs the dry run 400 ms after the last edit; an older answer never overwrites a newer one. */
function usePreview(instance: string, draft: SegmentDefinition): PreviewState {
  const [state, setState] = useState<PreviewState>({ kind: 'idle' });
  const key = JSON.stringify(draft);
  useEffect(() => {
    let stale = false;
    setState({ kind: 'busy' });
    const timer = window.setTimeout(() => {
      api
        .post<SegmentPreview>(instancePath(instance, '/manage/segments/preview'), {
          ...draft,
          name: draft.name || 'Preview',
        })
        .then(
          (result) => !stale && setState({ kind: 'done', result }),
          (error: unknown) => !stale && setState({ kind: 'error', error: error as Error }),
        );
    }, 400);
    return () => {
      stale = true;
      window.clearTimeout(timer);
    };
    // The draft is the input; its JSON is the key.
  }, [instance, key]);
  return state;
}

function Preview({ instance, state }: { instance: string; state: PreviewState }) {
  return (
    <div class="preview-box" role="status" aria-live="polite" data-testid="segment-preview">
      <h3 class="subhead">Preview</h3>
      {state.kind === 'busy' && <p class="muted">Counting…</p>}
      {state.kind === 'error' && (
        <p class="field-error">
          {state.error.message}
          {state.error instanceof ApiError && state.error.field && (
            <span class="muted block small mono">{state.error.field}</span>
          )}
        </p>
      )}
      {state.kind === 'done' && (
        <>
          <p class="stat-value" data-testid="segment-preview-count" data-count={state.result.count}>
            {formatCount(state.result.count)} <span class="stat-of">profiles match now</span>
          </p>
          {state.result.sample.length > 0 && (
            <p class="small">
              For example:{' '}
              {state.result.sample.map((id, i) => (
                <span key={id}>
                  {i > 0 && ', '}
                  <a class="mono" href={href(instance, 'unification', 'customers', id)}>
                    {id}
                  </a>
                </span>
              ))}
            </p>
          )}
        </>
      )}
    </div>
  );
}

export function SegmentEditor({
  instance,
  initial,
  onSaved,
}: {
  instance: string;
  /** The stored definition, or null for a new segment. */
  initial: SegmentDefinition | null;
  onSaved?: () => void;
}) {
  const ctx = useResource(() => loadContext(instance), [instance]);
  const [draft, setDraft] = useState<SegmentDefinition>(
    initial ?? { name: '', refresh: 'dynamic', rule: { and: [] } },
  );
  const [save, setSave] = useState<{ busy: boolean; error: Error | null; saved: boolean }>({
    busy: false,
    error: null,
    saved: false,
  });
  const preview = usePreview(instance, draft);
  const edit = (patch: Partial<SegmentDefinition>): void => {
    setDraft({ ...draft, ...patch });
    setSave({ busy: false, error: null, saved: false });
  };

  const submit = async (): Promise<void> => {
    setSave({ busy: true, error: null, saved: false });
    try {
      if (initial) {
        await api.put(
          instancePath(instance, `/manage/segments/${encodeURIComponent(initial.name)}`),
          draft,
        );
        setSave({ busy: false, error: null, saved: true });
        onSaved?.();
      } else {
        await api.post(instancePath(instance, '/manage/segments'), draft);
        navigate(href(instance, 'segments', draft.name));
      }
    } catch (e) {
      setSave({ busy: false, error: e as Error, saved: false });
    }
  };

  if (ctx.error) return <ErrorNotice error={ctx.error} onRetry={ctx.reload} />;
  if (!ctx.data) return <Loading />;
  return (
    <form
      class="segment-editor"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div class="split">
        <div>
          {!initial && (
            <div class="field">
              <label class="field-label" for="segment-name">
                Name
              </label>
              <input
                id="segment-name"
                value={draft.name}
                required
                pattern="[A-Za-z][A-Za-z0-9_]*"
                onInput={(e) => edit({ name: e.currentTarget.value })}
              />
              <span class="field-hint">Letters, digits and _; it cannot be changed later.</span>
            </div>
          )}
          <div class="field">
            <label class="field-label" for="segment-description">
              Description
            </label>
            <input
              id="segment-description"
              value={draft.description ?? ''}
              onInput={(e) => edit({ description: e.currentTarget.value || undefined })}
            />
          </div>
          <div class="field-row">
            <label class="field">
              <span class="field-label">Refresh</span>
              <select
                value={draft.refresh ?? 'dynamic'}
                onChange={(e) =>
                  edit({ refresh: e.currentTarget.value as SegmentDefinition['refresh'] })
                }
              >
                <option value="dynamic">With every refresh</option>
                <option value="static">Only when evaluated by hand</option>
              </select>
            </label>
            <label class="check">
              <input
                type="checkbox"
                checked={draft.active !== false}
                onChange={(e) => edit({ active: e.currentTarget.checked ? undefined : false })}
              />
              Active
            </label>
          </div>
        </div>
        <Preview instance={instance} state={preview} />
      </div>
      <div class="field">
        <span class="field-label">Rule</span>
        <RuleBuilder rule={draft.rule} ctx={ctx.data} onChange={(rule) => edit({ rule })} />
      </div>
      {save.error && <ErrorNotice error={save.error} />}
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={save.busy}>
          {initial ? 'Save segment' : 'Create segment'}
        </button>
        {save.saved && (
          <span class="saved" role="status">
            Saved ✓ — the next refresh evaluates it.
          </span>
        )}
      </div>
    </form>
  );
}
