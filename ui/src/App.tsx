import { Component, lazy, Suspense, useEffect, useState, type ComponentType, type ReactNode } from 'react';
import { Link, Route, Router, Switch, useLocation } from 'wouter';
import { onConnectionChange, reportConnection } from './api';
import { currentToken, onTokenChange, signOut, uiConfig } from './auth';
import { Problem } from './components/Problem';
import { Catalog } from './pages/Catalog';
import { ResourceList } from './pages/ResourceList';
import { Callback, SignIn } from './pages/SignIn';
import { whoAmI, type User } from './session';

/**
 * A page loaded on demand. When its code cannot be fetched (the connection is lost) the banner
 * says so, and once the server answers again the page is reloaded: a browser remembers a failed
 * module fetch (the module map keeps the failure), so importing it again in this document would
 * fail again.
 */
function lazyPage<P>(load: () => Promise<{ default: ComponentType<P> }>) {
  return lazy(async () => {
    try {
      return await load();
    } catch (e) {
      reportConnection(false);
      for (let attempt = 0; attempt < 60; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 500 * 2 ** attempt)));
        const back = await fetch('/ui/config.json', { cache: 'no-store' }).then(
          (r) => r.ok,
          () => false,
        );
        if (back) {
          location.reload();
          await new Promise(() => undefined); // the page is going away
        }
      }
      throw e;
    }
  });
}

// pages a first visit does not need load on demand, keeping the initial script small
const ResourceView = lazyPage(() => import('./pages/ResourceView'));
const ResourceEdit = lazyPage(() => import('./pages/ResourceEdit'));
const Proposals = lazyPage(() => import('./pages/Proposals'));
const ProposalView = lazyPage(() => import('./pages/ProposalView'));

/** Whatever a page throws while rendering becomes a message with a way back, not a blank page. */
class PageBoundary extends Component<{ children: ReactNode; location: string }, { error: Error | null; location: string }> {
  state = { error: null as Error | null, location: this.props.location };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: { location: string }, state: { error: Error | null; location: string }) {
    // moving to another page clears the error
    return props.location !== state.location ? { error: null, location: props.location } : null;
  }

  render() {
    if (this.state.error) {
      return (
        <section role="alert" className="problem">
          <h1>This page could not be shown</h1>
          <p>{this.state.error.message}</p>
          <button type="button" onClick={() => location.reload()}>
            Reload
          </button>
        </section>
      );
    }
    return this.props.children;
  }
}

function Pages({ children }: { children: ReactNode }) {
  const [location] = useLocation();
  return <PageBoundary location={location}>{children}</PageBoundary>;
}

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
                <Pages>
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
                </Pages>
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
