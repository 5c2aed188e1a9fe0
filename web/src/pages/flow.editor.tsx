/**
 * Edit a flow as JSON (the model of docs/flows.md): Save replaces it with PUT, and the server's
 * save-time checks come back with the path of the offending field (an unknown template field, a
 * refused url, an email address that is not one) before anything changes.
 */
import { useState } from 'preact/hooks';
import { ApiError, api, instancePath } from '../api.client';
import type { Flow } from '../api.types';
import { definitionOf } from './flows.page';

export function FlowEditor({
  instance,
  flow,
  onSaved,
}: {
  instance: string;
  flow: Flow;
  onSaved: () => void;
}) {
  // `enabled` is left to the Enable/Disable buttons: Save keeps the flow's current state.
  const [text, setText] = useState(JSON.stringify(definitionOf(flow), null, 2));
  const [state, setState] = useState<{ error: string | null; field?: string; saved: boolean }>({
    error: null,
    saved: false,
  });
  const save = async (): Promise<void> => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      setState({ error: `Not valid JSON: ${(e as Error).message}`, saved: false });
      return;
    }
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      body = { ...body, enabled: flow.enabled };
    }
    try {
      await api.put<Flow>(instancePath(instance, `/flows/${encodeURIComponent(flow.name)}`), body);
      setState({ error: null, saved: true });
      onSaved();
    } catch (e) {
      const field = e instanceof ApiError ? e.field : undefined;
      setState({ error: (e as Error).message, ...(field && { field }), saved: false });
    }
  };
  return (
    <form
      class="panel"
      aria-labelledby="flow-edit-title"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2 id="flow-edit-title" class="panel-title">
        Definition
      </h2>
      <div class="field">
        <label class="field-label" for="flow-json">
          Flow (JSON)
        </label>
        <textarea
          id="flow-json"
          class="code-input"
          rows={14}
          spellcheck={false}
          value={text}
          aria-invalid={state.error !== null}
          aria-describedby="flow-json-hint"
          onInput={(e) => {
            setText(e.currentTarget.value);
            setState({ error: null, saved: false });
          }}
        />
        <span id="flow-json-hint" class="field-hint">
          Trigger, condition, actions and templates as in docs/flows.md; checked when saved. Enable
          and disable with the buttons above.
        </span>
        {state.error && (
          <p class="field-error" role="alert" data-testid="flow-edit-error">
            {state.error}
            {state.field && <span class="muted block small mono">{state.field}</span>}
          </p>
        )}
      </div>
      <div class="form-actions">
        <button type="submit" class="button button-primary">
          Save flow
        </button>
        {state.saved && (
          <span class="saved" role="status">
            Saved ✓
          </span>
        )}
      </div>
    </form>
  );
}
