/** Sign in with an API key: checked against GET /api/v1/session, then kept for this tab only. */
import { useState } from 'preact/hooks';
import { ApiError, createApi } from '../api/client';
import type { SessionInfo } from '../api/types';

export function SignIn({ onSignedIn, notice }: { onSignedIn: (key: string, info: SessionInfo) => void; notice?: string }) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const token = key.trim();
    if (!token) return;
    setBusy(true);
    setError(null);
    try {
      const info = await createApi(token, () => undefined).get<SessionInfo>('/api/v1/session');
      onSignedIn(token, info);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'This key is unknown or revoked.' : (err as Error).message);
      setBusy(false);
    }
  };
  return (
    <main class="sign-in" id="main">
      <form class="card sign-in-card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">
          <span class="logo" aria-hidden="true">◭</span> driftwatch
        </h1>
        <p>Sign in with an API key. A key with the <code>read</code> scope can look; acting (acknowledge, resolve, silence, activate) needs <code>admin</code>.</p>
        {notice && (
          <p class="hint" role="status">
            {notice}
          </p>
        )}
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          placeholder="dw_…"
          value={key}
          onInput={(e) => setKey((e.target as HTMLInputElement).value)}
          required
        />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        {error && (
          <p class="error-note" role="alert">
            {error}
          </p>
        )}
        <p class="hint">The key is kept in this browser tab only (session storage) and sent as a header, never in a URL.</p>
      </form>
    </main>
  );
}
