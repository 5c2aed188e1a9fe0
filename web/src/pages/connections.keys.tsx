/**
 * API keys (connections): the list, live first; create (name, instances, scopes, calls per minute)
 * with the secret shown once and a copy button; revoke after a confirmation.
 */
import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.client';
import type { Connection, CreatedConnection, Instance, List } from '../api.types';
import { EmptyState, ErrorNotice, Loading } from '../components/states.view';
import { formatDateTime, formatRelative } from '../format';
import { useResource } from '../resource.hook';

const scopes = ['read', 'write', 'manage', 'subscribe', 'admin'] as const;

function NewKey({ created, onDone }: { created: CreatedConnection; onDone: () => void }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied('yes');
    } catch {
      // No clipboard permission (an insecure origin): the key stays selectable on screen.
      setCopied('failed');
    }
  };
  return (
    <div class="secret-box" role="region" aria-labelledby="secret-title" data-testid="new-key">
      <h3 id="secret-title" class="subhead">
        Key for “{created.name}” — shown only now
      </h3>
      <p class="small">
        Copy it into the platform's connection. Tributary keeps only a hash of it and cannot show it
        again; if it is lost, revoke the connection and create another.
      </p>
      <div class="secret-row">
        <code class="secret" data-testid="new-key-secret">
          {created.key}
        </code>
        <button type="button" class="button button-primary" onClick={() => void copy()}>
          {copied === 'yes' ? 'Copied ✓' : 'Copy'}
        </button>
      </div>
      {copied === 'failed' && (
        <p class="field-error">The browser refused the clipboard: select the key and copy it.</p>
      )}
      <button type="button" class="button button-small" onClick={onDone}>
        I have stored it
      </button>
    </div>
  );
}

function CreateKeyForm({
  instances,
  onCreated,
}: {
  instances: string[];
  onCreated: (c: CreatedConnection) => void;
}) {
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>(['*']);
  const [picked, setPicked] = useState<string[]>(['read', 'write', 'subscribe']);
  const [calls, setCalls] = useState(100);
  const [error, setError] = useState<Error | null>(null);
  const toggle = (list: string[], v: string): string[] =>
    list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
  const submit = async (): Promise<void> => {
    setError(null);
    try {
      const c = await api.post<CreatedConnection>('/v1/connections', {
        name,
        instances: chosen,
        scopes: picked,
        rateLimit: { calls, windowSeconds: 60 },
      });
      setName('');
      onCreated(c);
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <form
      class="key-form"
      aria-labelledby="create-key-title"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3 id="create-key-title" class="subhead">
        Create a key
      </h3>
      <div class="field">
        <label class="field-label" for="key-name">
          Name
        </label>
        <input
          id="key-name"
          value={name}
          required
          maxLength={100}
          placeholder="power-automate marketing"
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </div>
      <fieldset class="field">
        <legend class="field-label">Instances</legend>
        <div class="checks">
          <label class="check">
            <input
              type="checkbox"
              checked={chosen.includes('*')}
              onChange={() => setChosen(chosen.includes('*') ? [] : ['*'])}
            />
            all
          </label>
          {instances.map((i) => (
            <label key={i} class="check">
              <input
                type="checkbox"
                disabled={chosen.includes('*')}
                checked={chosen.includes('*') || chosen.includes(i)}
                onChange={() => setChosen(toggle(chosen, i))}
              />
              {i}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset class="field">
        <legend class="field-label">Scopes</legend>
        <div class="checks">
          {scopes.map((s) => (
            <label key={s} class="check">
              <input
                type="checkbox"
                checked={picked.includes(s)}
                onChange={() => setPicked(toggle(picked, s))}
              />
              {s}
            </label>
          ))}
        </div>
        <span class="field-hint">
          read: GET routes · write: Create and Update item · manage: sources, jobs, schedules ·
          subscribe: webhooks · admin: everything, including keys.
        </span>
      </fieldset>
      <div class="field">
        <label class="field-label" for="key-rate">
          Calls per minute
        </label>
        <input
          id="key-rate"
          type="number"
          min={1}
          class="input-short"
          value={calls}
          onInput={(e) => setCalls(Number(e.currentTarget.value) || 1)}
        />
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error.message}
        </p>
      )}
      <button type="submit" class="button button-primary">
        Create key
      </button>
    </form>
  );
}

function RevokeButton({
  connection,
  onRevoked,
}: {
  connection: Connection;
  onRevoked: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  if (!confirming) {
    return (
      <button
        type="button"
        class="button button-small button-danger"
        aria-label={`Revoke ${connection.name}`}
        onClick={() => setConfirming(true)}
      >
        Revoke
      </button>
    );
  }
  return (
    <span class="confirm">
      <button
        type="button"
        class="button button-small button-danger"
        onClick={() =>
          void api
            .delete(`/v1/connections/${encodeURIComponent(connection.id)}`)
            .then(onRevoked, (e: unknown) => setError(e as Error))
        }
      >
        Revoke {connection.name} now
      </button>
      <button
        type="button"
        class="button button-small button-quiet"
        onClick={() => setConfirming(false)}
      >
        Keep
      </button>
      {error && <span class="field-error">{error.message}</span>}
    </span>
  );
}

export function Keys() {
  const res = useResource(async () => {
    const [connections, instances] = await Promise.all([
      api.get<List<Connection>>('/v1/connections'),
      api.get<List<Instance>>('/v1/instances'),
    ]);
    return { connections: connections.value, instances: instances.value.map((i) => i.name) };
  }, []);
  const [created, setCreated] = useState<CreatedConnection | null>(null);
  if (res.error instanceof ApiError && res.error.status === 403) {
    return (
      <div class="notice notice-warning" role="status">
        Keys are managed with an admin key; this key lacks the admin scope.
      </div>
    );
  }
  if (res.error) return <ErrorNotice error={res.error} onRetry={res.reload} />;
  if (!res.data) return <Loading />;
  const list = [...res.data.connections].sort(
    (a, b) =>
      Number(a.revokedAt !== null) - Number(b.revokedAt !== null) ||
      b.createdAt.localeCompare(a.createdAt),
  );
  return (
    <div class="split">
      <div>
        {created && <NewKey created={created} onDone={() => setCreated(null)} />}
        {list.length === 0 ? (
          <EmptyState title="No keys yet">
            Only the admin key exists. Create one key per flow owner or purpose.
          </EmptyState>
        ) : (
          <div class="table-wrap">
            <table class="table table-dense" data-testid="keys-table">
              <caption class="sr-only">API keys, live first</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Access</th>
                  <th scope="col">Created</th>
                  <th scope="col" class="actions">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((c) => (
                  <tr
                    key={c.id}
                    data-connection={c.id}
                    class={c.revokedAt ? 'is-revoked' : undefined}
                  >
                    <th scope="row">
                      {c.name}
                      <span class="muted block small mono">{c.id}</span>
                    </th>
                    <td class="small">
                      {c.scopes.join(', ')}
                      <span class="muted block">
                        {c.instances.includes('*') ? 'all instances' : c.instances.join(', ')} ·{' '}
                        {c.rateLimit.calls}/{c.rateLimit.windowSeconds} s
                      </span>
                    </td>
                    <td title={formatDateTime(c.createdAt)}>{formatRelative(c.createdAt)}</td>
                    <td class="actions">
                      {c.revokedAt ? (
                        <span class="muted small">revoked {formatRelative(c.revokedAt)}</span>
                      ) : (
                        <RevokeButton connection={c} onRevoked={res.reload} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      <CreateKeyForm
        instances={res.data.instances}
        onCreated={(c) => {
          setCreated(c);
          res.reload();
        }}
      />
    </div>
  );
}
