// Who the browser is to Cup: a bearer token kept for this tab (sessionStorage, never a cookie, so
// no other site can ride on it), pasted or obtained from the OIDC issuer with code + PKCE.

const TOKEN_KEY = 'cup.token';
const PKCE_KEY = 'cup.oidc.pkce';

/** What the server tells the UI before sign-in (`/ui/config.json`). */
export interface UiConfig {
  authentication: boolean;
  /** Whether requests without a token are served (no authenticator, or anonymous access on). */
  anonymous?: boolean;
  oidc: null | { issuer: string; clientId: string; scopes?: string[] };
  version?: string;
}

let config: UiConfig = { authentication: false, oidc: null };
const listeners = new Set<() => void>();

export async function loadConfig(): Promise<UiConfig> {
  try {
    const response = await fetch('/ui/config.json', { cache: 'no-store' });
    if (response.ok) {
      config = await response.json();
    }
  } catch {
    // the server is unreachable: the first API call says so
  }
  return config;
}

export function uiConfig(): UiConfig {
  return config;
}

export function currentToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function onTokenChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function signIn(token: string) {
  sessionStorage.setItem(TOKEN_KEY, token.trim());
  listeners.forEach((l) => l());
}

export function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  listeners.forEach((l) => l());
}

function base64Url(bytes: Uint8Array): string {
  let text = '';
  bytes.forEach((b) => (text += String.fromCharCode(b)));
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(32)));
}

async function discovery(issuer: string): Promise<any> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    throw new Error(`Cannot reach the sign-in service at ${issuer}. Try again, or sign in with a token.`);
  }
  if (!response.ok) {
    throw new Error(`The sign-in service at ${issuer} did not answer (${response.status}).`);
  }
  return response.json();
}

function redirectUri(): string {
  return `${location.origin}/ui/callback`;
}

/** Starts the authorization code flow with PKCE: leaves the page for the issuer's sign-in. */
export async function startOidcSignIn(returnTo: string) {
  const oidc = config.oidc;
  if (!oidc) {
    throw new Error('This server has no OIDC sign-in configured.');
  }
  const metadata = await discovery(oidc.issuer);
  const verifier = randomString();
  const state = randomString();
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  const challenge = base64Url(new Uint8Array(digest));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, returnTo }));
  const url = new URL(metadata.authorization_endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', oidc.clientId);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('scope', (oidc.scopes ?? ['openid', 'profile', 'email']).join(' '));
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  location.assign(url.toString());
}

let finishing: Promise<string> | null = null;

/**
 * Finishes the flow on /ui/callback: exchanges the code for tokens; returns where to go next. A
 * second call while the first runs (React's development double effects) gets the same answer.
 */
export function finishOidcSignIn(search: string): Promise<string> {
  finishing = finishing ?? exchange(search).finally(() => (finishing = null));
  return finishing;
}

async function exchange(search: string): Promise<string> {
  const params = new URLSearchParams(search);
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null');
  sessionStorage.removeItem(PKCE_KEY);
  if (params.get('error')) {
    throw new Error(`Sign-in was refused: ${params.get('error_description') ?? params.get('error')}`);
  }
  if (!saved || params.get('state') !== saved.state) {
    throw new Error('This sign-in answer does not belong to a sign-in started here. Try again.');
  }
  const oidc = config.oidc!;
  const metadata = await discovery(oidc.issuer);
  let response: Response;
  try {
    response = await fetch(metadata.token_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: params.get('code') ?? '',
        redirect_uri: redirectUri(),
        client_id: oidc.clientId,
        code_verifier: saved.verifier,
      }),
    });
  } catch {
    throw new Error(`Cannot reach the sign-in service at ${oidc.issuer}. Try again, or sign in with a token.`);
  }
  const tokens = await response.json().catch(() => ({}));
  if (!response.ok || !tokens.id_token) {
    throw new Error(
      `The sign-in service refused the code: ${tokens.error_description ?? tokens.error ?? response.status}`,
    );
  }
  // Cup checks the ID token (issuer, audience, expiry, signature), as Kubernetes' OIDC does
  signIn(tokens.id_token);
  const next = saved.returnTo || '/';
  return next.startsWith('/signin') || next.startsWith('/callback') ? '/' : next;
}
