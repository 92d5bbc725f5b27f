import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { errorText } from '../api';
import { useSession } from '../session';

export function LoginPage() {
  const { login, expired } = useSession();
  const { query, route } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password);
      const next = query.next && query.next.startsWith('/') && !query.next.startsWith('//') ? query.next : '/';
      route(next, true);
    } catch (err) {
      setError(errorText(err).replace(/^Your role does not allow this\. /, ''));
      setBusy(false);
    }
  };

  return (
    <main class="login" id="main">
      <form class="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <div class="brand login-brand">
          <img src="/favicon.svg" alt="" width="32" height="32" />
          <span>ContractSync</span>
        </div>
        <h1 id="login-title">Sign in</h1>
        {expired && !error && (
          <p class="notice notice-info" role="status">
            Your session ended. Sign in again to continue.
          </p>
        )}
        {error && (
          <p class="notice notice-bad" role="alert">
            {error}
          </p>
        )}
        <label class="field">
          <span>E-mail</span>
          <input type="email" name="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Password</span>
          <input type="password" name="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary wide" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p class="muted small">Staff watch every site; tenants see their own data and reconciliation work.</p>
      </form>
    </main>
  );
}
