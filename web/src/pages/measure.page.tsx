/**
 * One measure: its value over time with the thresholds that watch it (business measures), the
 * latest values per group (dimensional ones), and its definition as JSON with a dry run and save.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, instancePath } from '../api.client';
import type { MeasureDefinition, MeasureHistoryEntry } from '../api.types';
import { href } from '../app.router';
import { HistoryChart } from '../components/history.chart';
import { ErrorNotice, Loading, PageHeader } from '../components/states.view';
import { formatCell, formatCount, formatDateTime, formatRelative } from '../format';
import { useResource } from '../resource.hook';
import { loadWatched } from '../thresholds';
import { formatMeasureValue, measureKindLabel } from './segments.page';

/** The dry run's answer: a value (scalar) or the number of groups (dimensional, per customer). */
interface MeasurePreview {
  kind: 'scalar' | 'dimensional' | 'customer';
  value: number | null;
  groups?: number;
}

/** The latest values of a dimensional measure: `values` is a list of rows with a `value`. */
function GroupValues({ values }: { values: unknown }) {
  const rows = Array.isArray(values) ? (values as Record<string, unknown>[]) : [];
  if (rows.length === 0) return <p class="muted">No groups in the last evaluation.</p>;
  const columns = Object.keys(rows[0]!);
  return (
    <div class="table-wrap">
      <table class="table table-dense" data-testid="measure-groups">
        <caption class="sr-only">Values per group at the last evaluation</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col" class={c === 'value' ? 'num' : undefined}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c} class={typeof r[c] === 'number' ? 'num' : undefined}>
                  {typeof r[c] === 'number' ? formatMeasureValue(r[c]) : formatCell(r[c])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DefinitionEditor({
  instance,
  initial,
  onSaved,
}: {
  instance: string;
  initial: MeasureDefinition;
  onSaved: () => void;
}) {
  const [text, setText] = useState(JSON.stringify(initial, null, 2));
  const [parsed, setParsed] = useState<{ value: unknown; error: string | null }>({
    value: initial,
    error: null,
  });
  const [preview, setPreview] = useState<{ result?: MeasurePreview; error?: Error }>({});
  const [save, setSave] = useState<{ error: Error | null; saved: boolean }>({
    error: null,
    saved: false,
  });
  const key = JSON.stringify(parsed.value);
  useEffect(() => {
    if (parsed.error) return undefined;
    let stale = false;
    const timer = window.setTimeout(() => {
      api
        .post<MeasurePreview>(instancePath(instance, '/manage/measures/preview'), parsed.value)
        .then(
          (result) => !stale && setPreview({ result }),
          (error: unknown) => !stale && setPreview({ error: error as Error }),
        );
    }, 400);
    return () => {
      stale = true;
      window.clearTimeout(timer);
    };
  }, [instance, key]);

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        setSave({ error: null, saved: false });
        api
          .put(
            instancePath(instance, `/manage/measures/${encodeURIComponent(initial.name)}`),
            parsed.value,
          )
          .then(
            () => {
              setSave({ error: null, saved: true });
              onSaved();
            },
            (error: unknown) => setSave({ error: error as Error, saved: false }),
          );
      }}
    >
      <div class="split">
        <div class="field">
          <label class="field-label" for="measure-json">
            Definition (JSON)
          </label>
          <textarea
            id="measure-json"
            class="code-input"
            rows={12}
            spellcheck={false}
            value={text}
            aria-invalid={parsed.error !== null}
            onInput={(e) => {
              const t = e.currentTarget.value;
              setText(t);
              setSave({ error: null, saved: false });
              try {
                setParsed({ value: JSON.parse(t) as unknown, error: null });
              } catch (err) {
                setParsed({ value: parsed.value, error: (err as Error).message });
              }
            }}
          />
          {parsed.error && <p class="field-error">Not valid JSON: {parsed.error}</p>}
          <span class="field-hint">The fields are described in docs/concepts.md, "Measures".</span>
        </div>
        <div class="preview-box" role="status" aria-live="polite">
          <h3 class="subhead">Preview</h3>
          {preview.error && (
            <p class="field-error">
              {preview.error.message}
              {preview.error instanceof ApiError && preview.error.field && (
                <span class="muted block small mono">{preview.error.field}</span>
              )}
            </p>
          )}
          {preview.result && (
            <p class="stat-value" data-testid="measure-preview">
              {preview.result.kind === 'scalar'
                ? formatMeasureValue(preview.result.value)
                : `${formatCount(preview.result.groups)} ${preview.result.kind === 'customer' ? 'customers with a value' : 'groups'}`}
            </p>
          )}
          {!preview.error && !preview.result && <p class="muted">Computing…</p>}
        </div>
      </div>
      {save.error && <ErrorNotice error={save.error} />}
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={parsed.error !== null}>
          Save measure
        </button>
        {save.saved && (
          <span class="saved" role="status">
            Saved ✓
          </span>
        )}
      </div>
    </form>
  );
}

export function MeasurePage({
  instance,
  params,
}: {
  instance: string;
  params: Record<string, string>;
}) {
  const name = params.name ?? '';
  const res = useResource(
    () => loadWatched<MeasureDefinition, MeasureHistoryEntry>(instance, 'measure', name),
    [instance, name],
  );
  const data = res.data;
  const last = data?.history.at(-1);
  const kind = data ? measureKindLabel(data.definition) : '';

  return (
    <>
      <p class="breadcrumb">
        <a href={href(instance, 'segments')}>Segments and measures</a>{' '}
        <span aria-hidden="true">/</span>
      </p>
      <PageHeader title={name} subtitle={data?.definition.description} />
      {res.error && <ErrorNotice error={res.error} onRetry={res.reload} />}
      {!data && !res.error && <Loading />}
      {data && (
        <>
          <dl class="facts">
            <div>
              <dt>Value</dt>
              <dd class="stat-value" data-testid="measure-value">
                {kind === 'business'
                  ? formatMeasureValue(last?.value)
                  : Array.isArray(last?.values)
                    ? `${formatCount(last.values.length)} groups`
                    : 'per customer'}
              </dd>
            </div>
            <div>
              <dt>Kind</dt>
              <dd>
                {kind} · {data.definition.aggregate}
                {typeof data.definition.expression === 'string' &&
                  ` of ${data.definition.expression}`}
              </dd>
            </div>
            <div>
              <dt>Last evaluation</dt>
              <dd title={formatDateTime(last?.time ?? null)}>
                {last ? formatRelative(last.time) : 'never'}
              </dd>
            </div>
          </dl>
          <section class="panel" aria-labelledby="history-title">
            <h2 id="history-title" class="panel-title">
              {kind === 'business' ? 'Value over time' : 'Latest values'}
            </h2>
            {data.history.length === 0 && (
              <p class="muted">Not evaluated yet: the next refresh records the first value.</p>
            )}
            {kind === 'business' && data.history.length > 0 && (
              <HistoryChart
                what="Value"
                thresholds={data.thresholds}
                points={data.history.map((h) => ({ time: h.time, value: h.value }))}
              />
            )}
            {kind === 'by dimension' && last && <GroupValues values={last.values} />}
            {kind === 'per customer' && (
              <p class="muted">
                One value per customer: read them as the column <code>{name}</code> of{' '}
                <code>Customer_Measure</code>, or use them in segment rules.
              </p>
            )}
          </section>
          <section class="panel" aria-labelledby="definition-title">
            <h2 id="definition-title" class="panel-title">
              Definition
            </h2>
            <DefinitionEditor instance={instance} initial={data.definition} onSaved={res.reload} />
          </section>
        </>
      )}
    </>
  );
}
