import { useState } from 'preact/hooks';
import { ApiError, callApi } from '../api.client';
import type { Instance, List } from '../api.types';
import { session, signIn } from '../session.state';

/** Checks the key against the API (GET /v1/instances) before keeping it for this tab. */
export function SignInPage() {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const notice = session.value.notice;

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setError('Enter an API key.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await callApi<List<Instance>>('GET', '/v1/instances', trimmed);
      signIn(trimmed);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'This key is not accepted by the server.'
          : (err as Error).message,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="signin" id="main">
      <form class="signin-card" onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
        <div class="brand brand-large">
          <img src="/favicon.svg" alt="" width="36" height="36" />
          <span>Tributary</span>
        </div>
        <h1 id="signin-title">Sign in to the console</h1>
        <p class="muted">
          Use an API key of this server. <code>npm start</code> prints where the admin key is kept (
          <code>.tributary/admin.key</code> by default).
        </p>
        {notice && (
          <p class="notice notice-warning" role="status">
            {notice}
          </p>
        )}
        <label class="field">
          <span class="field-label">API key</span>
          <input
            type="password"
            name="apiKey"
            autocomplete="current-password"
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
            aria-invalid={error !== null}
            aria-describedby={error ? 'signin-error' : undefined}
            autofocus
          />
        </label>
        {error && (
          <p class="field-error" id="signin-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="button button-primary button-block" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        <p class="fineprint">
          The key stays in this tab's session storage and is sent only to this server.
        </p>
      </form>
    </main>
  );
}
