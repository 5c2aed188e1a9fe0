/**
 * Flows: the built-in automations of the instance (trigger → condition → actions), their state and
 * last run; create one from a ready-made template with its few parameters; enable or disable; send
 * a test. The detail page (flow.page.tsx) shows the run history and the deliveries.
 */
import { useState } from 'preact/hooks';
import { ApiError, api, instancePath, query } from '../api.client';
import type { Flow, FlowRun, FlowTemplate, List } from '../api.types';
import { href, navigate } from '../app.router';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/states.view';
import { formatDateTime, formatRelative } from '../format';
import { useResource } from '../resource.hook';
import { FlowStateBadge, RunBadge, describeTrigger } from './flow.parts';

/** The definition part of a flow, as PUT takes it. */
export function definitionOf(f: Flow): Record<string, unknown> {
  return {
    name: f.name,
    ...(f.description !== undefined && { description: f.description }),
    trigger: f.trigger,
    ...(f.condition !== undefined && { condition: f.condition }),
    actions: f.actions,
  };
}

export function setFlowEnabled(instance: string, f: Flow, enabled: boolean): Promise<Flow> {
  return api.put<Flow>(instancePath(instance, `/flows/${encodeURIComponent(f.name)}`), {
    ...definitionOf(f),
    enabled,
  });
}

export function sendFlowTest(instance: string, name: string): Promise<FlowRun> {
  return api.post<FlowRun>(instancePath(instance, `/flows/${encodeURIComponent(name)}/test`), {});
}

function fieldError(error: Error | null, name: string): string | null {
  if (!(error instanceof ApiError) || !error.field) return null;
  return error.field === `body/${name}` || error.field.startsWith(`body/${name}/`)
    ? error.message
    : null;
}

function TemplateForm({
  instance,
  templates,
  onCreated,
  onCancel,
}: {
  instance: string;
  templates: FlowTemplate[];
  onCreated: (f: Flow) => void;
  onCancel: () => void;
}) {
  const [chosen, setChosen] = useState(templates[0]?.name ?? '');
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const template = templates.find((t) => t.name === chosen);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!template) return;
    const params: Record<string, unknown> = {};
    for (const p of template.parameters) {
      const raw = (values[p.name] ?? '').trim();
      if (raw === '') continue;
      params[p.name] =
        p.type === 'number'
          ? Number(raw)
          : p.type === 'emails'
            ? raw
                .split(',')
                .map((s) => s.trim())
                .filter((s) => s !== '')
            : raw;
    }
    setBusy(true);
    setError(null);
    try {
      const f = await api.post<Flow>(
        instancePath(instance, `/flows${query({ template: chosen })}`),
        params,
      );
      onCreated(f);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel form" aria-label="New flow from a template" onSubmit={(e) => void submit(e)}>
      <label class="field">
        <span class="field-label">Template</span>
        <select
          name="template"
          value={chosen}
          onChange={(e) => {
            setChosen((e.target as HTMLSelectElement).value);
            setValues({});
            setError(null);
          }}
        >
          {templates.map((t) => (
            <option key={t.name} value={t.name}>
              {t.title}
            </option>
          ))}
        </select>
        {template && <span class="field-hint">{template.description}</span>}
      </label>
      {template?.parameters.map((p) => {
        const problem = fieldError(error, p.name);
        return (
          <label class="field" key={`${chosen}-${p.name}`}>
            <span class="field-label">
              {p.title}
              {p.required ? '' : ' (optional)'}
            </span>
            {p.type === 'choice' ? (
              <select
                name={p.name}
                value={values[p.name] ?? String(p.default ?? '')}
                onChange={(e) =>
                  setValues({ ...values, [p.name]: (e.target as HTMLSelectElement).value })
                }
              >
                {(p.choices ?? []).map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            ) : (
              <input
                name={p.name}
                type="text"
                inputMode={p.type === 'number' ? 'decimal' : p.type === 'url' ? 'url' : 'text'}
                required={p.required}
                placeholder={p.default !== undefined ? String(p.default) : ''}
                value={values[p.name] ?? ''}
                aria-invalid={problem ? 'true' : undefined}
                onInput={(e) =>
                  setValues({ ...values, [p.name]: (e.target as HTMLInputElement).value })
                }
              />
            )}
            <span class="field-hint">
              {p.description}
              {p.type === 'emails' ? ' (comma-separated)' : ''}
            </span>
            {problem && <span class="field-error">{problem}</span>}
          </label>
        );
      })}
      {error && !(template?.parameters.some((p) => fieldError(error, p.name)) ?? false) && (
        <ErrorNotice error={error} />
      )}
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={busy}>
          Create flow
        </button>
        <button type="button" class="button button-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function FlowsPage({ instance }: { instance: string }) {
  const res = useResource(
    () =>
      Promise.all([
        api.get<List<Flow>>(instancePath(instance, '/flows')),
        api.get<List<FlowTemplate>>('/v1/flow-templates'),
      ]),
    [instance],
  );
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  const [actionError, setActionError] = useState<Error | null>(null);
  const flows = res.data?.[0].value;
  const templates = res.data?.[1].value ?? [];

  const act = async (work: () => Promise<string>): Promise<void> => {
    setActionError(null);
    try {
      setNotice(null);
      const text = await work();
      setNotice({ text, error: /failed/.test(text) });
      res.reload();
    } catch (e) {
      setActionError(e as Error);
    }
  };

  return (
    <>
      <PageHeader
        title="Flows"
        subtitle="Built-in automations: when an event happens, post to Teams or Slack, send an email, call a URL or start a refresh."
        actions={
          !creating && templates.length > 0 ? (
            <button type="button" class="button button-primary" onClick={() => setCreating(true)}>
              New from template
            </button>
          ) : undefined
        }
      />
      {creating && (
        <TemplateForm
          instance={instance}
          templates={templates}
          onCancel={() => setCreating(false)}
          onCreated={(f) => {
            setCreating(false);
            navigate(href(instance, 'flows', f.name));
          }}
        />
      )}
      {notice && (
        <p class={`notice ${notice.error ? 'notice-error' : 'notice-info'}`} role="status">
          {notice.text}
        </p>
      )}
      {actionError && <ErrorNotice error={actionError} />}
      {res.error && <ErrorNotice error={res.error} onRetry={res.reload} />}
      {!flows && !res.error && <Loading />}
      {flows && flows.length === 0 && !creating && (
        <EmptyState title="No flows yet">
          Create one from a template, with <code>tributary flows create --template …</code>, or in
          the project file's <code>flows:</code> section.
        </EmptyState>
      )}
      {flows && flows.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <caption class="sr-only">Flows of instance {instance}</caption>
            <thead>
              <tr>
                <th scope="col">Flow</th>
                <th scope="col">When</th>
                <th scope="col">Actions</th>
                <th scope="col">State</th>
                <th scope="col">Last run</th>
                <th scope="col">
                  <span class="sr-only">Commands</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {flows.map((f) => (
                <tr key={f.name} data-flow={f.name}>
                  <th scope="row">
                    <a class="strong-link" href={href(instance, 'flows', f.name)}>
                      {f.name}
                    </a>
                  </th>
                  <td>{describeTrigger(f)}</td>
                  <td>{f.actions.map((a) => a.type).join(', ')}</td>
                  <td>
                    <FlowStateBadge flow={f} />
                  </td>
                  <td title={formatDateTime(f.lastRun?.startedAt ?? null)}>
                    {f.lastRun ? (
                      <>
                        <RunBadge status={f.lastRun.status} /> {formatRelative(f.lastRun.startedAt)}
                        {f.lastRun.test ? ' (test)' : ''}
                        {f.lastRun.error && <div class="cell-error">{f.lastRun.error}</div>}
                      </>
                    ) : (
                      <span class="muted">never</span>
                    )}
                  </td>
                  <td class="row-actions">
                    <button
                      type="button"
                      class="button button-small"
                      onClick={() =>
                        void act(async () => {
                          const run = await sendFlowTest(instance, f.name);
                          return `Test of ${f.name}: ${run.status}`;
                        })
                      }
                    >
                      Send test
                    </button>{' '}
                    <button
                      type="button"
                      class="button button-small button-quiet"
                      onClick={() =>
                        void act(async () => {
                          const g = await setFlowEnabled(instance, f, f.status !== 'active');
                          return `${g.name} is ${g.status === 'active' ? 'enabled' : 'disabled'}`;
                        })
                      }
                    >
                      {f.status === 'active' ? 'Disable' : 'Enable'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
