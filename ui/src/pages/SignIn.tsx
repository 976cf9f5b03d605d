import { useEffect, useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { finishOidcSignIn, signIn, startOidcSignIn, uiConfig } from '../auth';
import { Problem } from '../components/Problem';
import { whoAmI } from '../session';

export function SignIn() {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [, navigate] = useLocation();
  const oidc = uiConfig().oidc;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      // a token the server refuses is not kept
      await whoAmI(token.trim());
      signIn(token);
      navigate('/');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="signin">
      <h1>Sign in to Cup</h1>
      {oidc && (
        <p>
          <button
            type="button"
            onClick={() => startOidcSignIn(location.pathname.replace(/^\/ui/, '') || '/').catch(setError)}
          >
            Sign in with {new URL(oidc.issuer).host}
          </button>
        </p>
      )}
      <form onSubmit={submit} aria-label="Sign in with a token">
        <label htmlFor="token">Token</label>
        <p id="token-help" className="help">
          A bearer token this server accepts: a static token, or an ID token from your identity provider.
        </p>
        <textarea
          id="token"
          aria-describedby="token-help"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          rows={3}
          autoComplete="off"
          spellCheck={false}
          required
        />
        <button type="submit" disabled={busy || !token.trim()}>
          Sign in
        </button>
      </form>
      <Problem error={error} title="Sign-in failed" />
    </section>
  );
}

export function Callback() {
  const [error, setError] = useState<unknown>(null);
  const [, navigate] = useLocation();
  useEffect(() => {
    finishOidcSignIn(location.search).then((next) => navigate(next, { replace: true }), setError);
  }, [navigate]);
  return (
    <section>
      <h1>Signing in…</h1>
      <Problem error={error} title="Sign-in failed" />
    </section>
  );
}
