// Every call the UI makes to Cup goes through here: the bearer token, Kubernetes Status errors
// turned into readable messages, and retries while the connection is lost.

import { currentToken, signOut } from './auth';

/** A Kubernetes `Status` cause: the field a 422 names and what is wrong with it. */
export interface Cause {
  field?: string;
  reason?: string;
  message?: string;
}

/** An answer Cup refused, with its Status message (never raw JSON on screen). */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly causes: Cause[];

  constructor(code: number, message: string, reason = '', causes: Cause[] = []) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.causes = causes;
  }
}

/** The connection to the server is gone (network error): shown as such and retried. */
export class ConnectionLost extends Error {}

type Listener = (lost: boolean) => void;
const listeners = new Set<Listener>();
let lost = false;

/** Tells `listener` whenever the connection is lost or comes back. */
export function onConnectionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Says whether the server is reachable (for loads that do not go through send, like code). */
export function reportConnection(reachable: boolean) {
  setLost(!reachable);
}

function setLost(value: boolean) {
  if (lost !== value) {
    lost = value;
    listeners.forEach((l) => l(value));
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
  /** Retry network failures this many times (reads only; a write is never sent twice). */
  retries?: number;
  /** A token to send instead of the signed-in one (to check a token before keeping it). */
  token?: string;
}

const JSON_TYPE = 'application/json';
/** The original Cup's write answer, {id, proposal: {url, state, branch}}. */
export const WRITE_RESULT = 'application/json;as=WriteResult;g=cup.flipt.io;v=v1alpha1';

function headers(options: RequestOptions): Headers {
  const h = new Headers();
  h.set('Accept', options.accept ?? JSON_TYPE);
  if (options.body !== undefined) {
    h.set('Content-Type', options.contentType ?? JSON_TYPE);
  }
  const token = options.token ?? currentToken();
  if (token) {
    h.set('Authorization', `Bearer ${token}`);
  }
  return h;
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

/** Sends one request; resolves to the Response of a 2xx answer, throws ApiError otherwise. */
export async function send(path: string, options: RequestOptions = {}): Promise<Response> {
  const method = options.method ?? 'GET';
  const retries = options.retries ?? (method === 'GET' ? 5 : 0);
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: headers(options),
        body:
          options.body === undefined
            ? undefined
            : typeof options.body === 'string'
              ? options.body
              : JSON.stringify(options.body),
        signal: options.signal,
        cache: 'no-store',
      });
    } catch (e) {
      if (options.signal?.aborted) {
        throw e;
      }
      setLost(true);
      if (attempt >= retries) {
        throw new ConnectionLost('The connection to the server was lost. Retrying…');
      }
      await delay(Math.min(8000, 500 * 2 ** attempt), options.signal);
      continue;
    }
    setLost(false);
    if (response.ok) {
      return response;
    }
    if (response.status === 401 && !options.token && currentToken()) {
      signOut(); // the token expired or was revoked: ask again
    }
    throw await errorOf(response);
  }
}

/** The Status of a refused answer as an ApiError; a body that is not a Status gets its code's text. */
export async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  let message = `${response.status} ${response.statusText}`.trim();
  let reason = '';
  let causes: Cause[] = [];
  try {
    const status = JSON.parse(text);
    if (status && typeof status.message === 'string' && status.message) {
      message = status.message;
      reason = status.reason ?? '';
      causes = status.details?.causes ?? [];
    }
  } catch {
    if (text && text.length < 300 && !text.trimStart().startsWith('<')) {
      message = text.trim();
    }
  }
  return new ApiError(response.status, message, reason, causes);
}

export async function getJson<T = any>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  return (await response.json()) as T;
}

export async function getText(path: string, options: RequestOptions = {}): Promise<string> {
  const response = await send(path, options);
  return response.text();
}

/**
 * Follows a Kubernetes watch (`?watch=true`, one JSON event per line) until `signal` aborts,
 * reconnecting from the last resourceVersion seen when the stream ends or the network drops.
 */
export async function watch(
  path: string,
  resourceVersion: string,
  onEvent: (event: { type: string; object: any }) => void,
  signal: AbortSignal,
  onGone: () => void,
): Promise<void> {
  let version = resourceVersion;
  let failures = 0;
  while (!signal.aborted) {
    const sep = path.includes('?') ? '&' : '?';
    const url = `${path}${sep}watch=true&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(version)}`;
    try {
      const response = await send(url, { signal, retries: 0 });
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      failures = 0;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        buffered += value;
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (!line) {
            continue;
          }
          const event = JSON.parse(line);
          if (event.type === 'ERROR') {
            if (event.object?.code === 410) {
              onGone();
              return;
            }
            throw new ApiError(event.object?.code ?? 500, event.object?.message ?? 'watch failed');
          }
          const rv = event.object?.metadata?.resourceVersion;
          if (rv) {
            version = rv;
          }
          if (event.type !== 'BOOKMARK') {
            onEvent(event);
          }
        }
      }
    } catch (e) {
      if (signal.aborted) {
        return;
      }
      if (e instanceof ApiError && e.code === 410) {
        onGone();
        return;
      }
      if (e instanceof ApiError && e.code < 500 && e.code !== 429) {
        throw e;
      }
      failures++;
      await delay(Math.min(8000, 500 * 2 ** failures), signal).catch(() => undefined);
    }
  }
}

/** Path helpers for the Kubernetes URL space. */
export function collectionPath(group: string, version: string, plural: string, namespace?: string) {
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `/apis/${group}/${version}${ns}/${plural}`;
}

export function resourcePath(
  group: string,
  version: string,
  plural: string,
  namespace: string,
  name: string,
) {
  return `${collectionPath(group, version, plural, namespace)}/${encodeURIComponent(name)}`;
}

export const PROPOSALS = '/apis/cup.flipt.io/v1alpha1/proposals';
