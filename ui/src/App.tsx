import { lazy, Suspense, useEffect, useState } from 'react';
import { Link, Route, Router, Switch, useLocation } from 'wouter';
import { onConnectionChange } from './api';
import { currentToken, onTokenChange, signOut, uiConfig } from './auth';
import { Problem } from './components/Problem';
import { Catalog } from './pages/Catalog';
import { ResourceList } from './pages/ResourceList';
import { Callback, SignIn } from './pages/SignIn';
import { whoAmI, type User } from './session';

// pages a first visit does not need load on demand, keeping the initial script small
const ResourceView = lazy(() => import('./pages/ResourceView'));
const ResourceEdit = lazy(() => import('./pages/ResourceEdit'));
const Proposals = lazy(() => import('./pages/Proposals'));
const ProposalView = lazy(() => import('./pages/ProposalView'));

function useSignedIn(): [boolean, User | null, unknown] {
  const [token, setToken] = useState(currentToken());
  const [user, setUser] = useState<User | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => onTokenChange(() => setToken(currentToken())), []);
  const needed = uiConfig().authentication && !uiConfig().anonymous;
  useEffect(() => {
    setUser(null);
    setError(null);
    if (!needed || token) {
      whoAmI().then(setUser, setError);
    }
  }, [token, needed]);
  return [!needed || !!token, user, error];
}

function ConnectionBanner() {
  const [lost, setLost] = useState(false);
  useEffect(() => onConnectionChange(setLost), []);
  return lost ? (
    <div role="status" className="banner">
      The connection to the server was lost. Retrying…
    </div>
  ) : null;
}

function Header({ user }: { user: User | null }) {
  const [location] = useLocation();
  const auth = uiConfig().authentication;
  return (
    <header className="top">
      <Link href="/" className="brand">
        Cup
      </Link>
      <nav aria-label="Main">
        <Link href="/" aria-current={location === '/' ? 'page' : undefined}>
          Catalog
        </Link>
        <Link href="/proposals" aria-current={location.startsWith('/proposals') ? 'page' : undefined}>
          Proposals
        </Link>
      </nav>
      <div className="who">
        {user && (
          <span>
            Signed in as <strong data-testid="username">{user.username}</strong>
          </span>
        )}
        {auth && currentToken() && (
          <button type="button" className="link" onClick={() => signOut()}>
            Sign out
          </button>
        )}
        {auth && !currentToken() && <Link href="/signin">Sign in</Link>}
      </div>
    </header>
  );
}

export function App() {
  const [signedIn, user, error] = useSignedIn();
  return (
    <Router base="/ui">
      <a href="#main" className="skip">
        Skip to content
      </a>
      <Header user={user} />
      <ConnectionBanner />
      <main id="main">
        <Switch>
          <Route path="/callback" component={Callback} />
          <Route>
            {signedIn ? (
              <>
                <Problem error={error} title="Signing in failed" />
                <Suspense fallback={<p aria-busy="true">Loading…</p>}>
                  <Switch>
                    <Route path="/" component={Catalog} />
                    <Route path="/signin" component={SignIn} />
                    <Route path="/r/:group/:version/:plural" component={ResourceList} />
                    <Route path="/r/:group/:version/:plural/new">{(p) => <ResourceEdit params={p} />}</Route>
                    <Route path="/r/:group/:version/namespaces/:namespace/:plural/:name">
                      {(p) => <ResourceView params={p} />}
                    </Route>
                    <Route path="/r/:group/:version/namespaces/:namespace/:plural/:name/edit">
                      {(p) => <ResourceEdit params={p} />}
                    </Route>
                    <Route path="/proposals" component={Proposals} />
                    <Route path="/proposals/:id">{(p) => <ProposalView id={p.id} />}</Route>
                    <Route>
                      <h1>Not found</h1>
                      <p>
                        There is no page here. <Link href="/">Go to the catalog</Link>.
                      </p>
                    </Route>
                  </Switch>
                </Suspense>
              </>
            ) : (
              <SignIn />
            )}
          </Route>
        </Switch>
      </main>
    </Router>
  );
}
