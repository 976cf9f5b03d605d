import { useEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { getJson, resourcePath, send, WRITE_RESULT } from '../api';
import { Diff } from '../components/Diff';
import { Problem } from '../components/Problem';
import { useLastChange } from '../components/LastChange';
import { ago, definitionOf, proposalsOf, routes, type Definition } from '../model';

interface Params {
  group: string;
  version: string;
  namespace: string;
  plural: string;
  name: string;
}

function titleOf(schema: any, key: string): string {
  return schema?.title ?? key;
}

function resolve(schema: any, root: any): any {
  const ref = schema?.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    return ref
      .slice(2)
      .split('/')
      .reduce((s: any, k: string) => s?.[k], root);
  }
  return schema;
}

/** A resource's fields as a reader sees them: titles from the schema, nested lists and groups. */
function Fields({ value, schema, root }: { value: any; schema: any; root: any }) {
  const s = resolve(schema, root);
  if (Array.isArray(value)) {
    if (value.length === 0) {
      return <span className="muted">none</span>;
    }
    return (
      <ol className="values">
        {value.map((v, i) => (
          <li key={i}>
            <Fields value={v} schema={s?.items} root={root} />
          </li>
        ))}
      </ol>
    );
  }
  if (value && typeof value === 'object') {
    return (
      <dl className="fields">
        {Object.entries(value).map(([k, v]) => {
          const child = resolve(s?.properties?.[k] ?? s?.additionalProperties, root);
          return (
            <div key={k}>
              <dt title={child?.description}>{titleOf(child, k)}</dt>
              <dd>
                <Fields value={v} schema={child} root={root} />
              </dd>
            </div>
          );
        })}
      </dl>
    );
  }
  if (typeof value === 'boolean') {
    return <span className={value ? 'yes' : 'no'}>{value ? 'Yes' : 'No'}</span>;
  }
  return <span>{String(value)}</span>;
}

interface HistoryEntry {
  commit: string;
  time: string;
  author?: { name?: string; email?: string };
  message?: string;
  proposal?: { id: string; pullRequest?: { url?: string; number?: number } };
  change?: string;
  diff?: string;
}

function History({ path }: { path: string }) {
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const [next, setNext] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(null);

  function load(token?: string) {
    setLoading(true);
    getJson(`${path}/history?limit=20${token ? `&continue=${encodeURIComponent(token)}` : ''}`)
      .then((h) => {
        setEntries((e) => (token ? [...e, ...(h.items ?? [])] : (h.items ?? [])));
        setNext(h.metadata?.continue || undefined);
      }, setError)
      .finally(() => setLoading(false));
  }
  useEffect(() => load(), [path]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <section aria-labelledby="history">
      <h2 id="history">History</h2>
      <Problem error={error} title="Cannot read the history" />
      {!loading && !error && entries.length === 0 && <p>No change on the tracked branch yet.</p>}
      <ol className="history">
        {entries.map((e) => (
          <li key={e.commit}>
            <div className="entry">
              <span className="subject">{(e.message ?? '').split('\n')[0]}</span>
              <span className="muted">
                {' '}
                {e.author?.name ?? 'unknown'} · <time dateTime={e.time} title={e.time}>{ago(e.time)}</time> ·{' '}
                <code>{e.commit.slice(0, 10)}</code>
                {e.change && ` · ${e.change}`}
              </span>
              {e.proposal && (
                <span>
                  {' '}
                  · from <Link href={routes.proposal(e.proposal.id)}>proposal {e.proposal.id}</Link>
                  {e.proposal.pullRequest?.url && (
                    <>
                      {' '}
                      (<a href={e.proposal.pullRequest.url}>pull request {e.proposal.pullRequest.number ?? ''}</a>)
                    </>
                  )}
                </span>
              )}
              {e.diff !== undefined && (
                <button
                  type="button"
                  className="link"
                  aria-expanded={open === e.commit}
                  onClick={() => setOpen(open === e.commit ? null : e.commit)}
                >
                  {open === e.commit ? 'Hide changes' : 'Show changes'}
                </button>
              )}
            </div>
            {open === e.commit && <Diff diff={e.diff ?? ''} label={`Changes in ${e.commit.slice(0, 10)}`} />}
          </li>
        ))}
      </ol>
      {loading && <p aria-busy="true">Loading…</p>}
      {next && !loading && (
        <button type="button" onClick={() => load(next)}>
          Older changes
        </button>
      )}
    </section>
  );
}

function Changed({ object, path, namespace }: { object: any; path: string; namespace: string }) {
  const change = useLastChange(object, path);
  return (
    <p className="muted">
      Namespace {namespace}
      {change.time && (
        <>
          {' '}
          · changed <time dateTime={change.time}>{ago(change.time)}</time>
          {change.author && ` by ${change.author}`}
        </>
      )}
    </p>
  );
}

export default function ResourceView({ params }: { params: Params }) {
  const [definition, setDefinition] = useState<Definition | null>(null);
  const [object, setObject] = useState<any>(null);
  const [error, setError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState(false);
  const [deleted, setDeleted] = useState<any>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const [, navigate] = useLocation();
  const path = resourcePath(params.group, params.version, params.plural, params.namespace, params.name);

  useEffect(() => {
    setError(null);
    setObject(null);
    definitionOf(params.group, params.version, params.plural).then((d) => setDefinition(d ?? null), setError);
    getJson(path).then(setObject, setError);
  }, [path, params.group, params.version, params.plural]);

  async function remove() {
    setDeleting(true);
    try {
      const response = await send(path, { method: 'DELETE', accept: WRITE_RESULT });
      const result = response.status === 202 ? await response.json() : null;
      dialog.current?.close();
      setDeleted(result ?? { empty: true });
    } catch (e) {
      dialog.current?.close();
      setError(e);
    } finally {
      setDeleting(false);
    }
  }

  const md = object?.metadata ?? {};
  const proposals = proposalsOf(object);
  return (
    <section>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link href="/">Catalog</Link> ›{' '}
        {definition && <Link href={routes.list(definition, params.namespace)}>{definition.kind}s in {params.namespace}</Link>}
      </nav>
      <div className="heading">
        <h1>
          {definition?.kind ?? params.plural} {params.name}
        </h1>
        {object && definition && (
          <div className="actions">
            <Link href={routes.edit(definition, params.namespace, params.name)} className="button">
              Edit
            </Link>
            <button type="button" className="danger" onClick={() => dialog.current?.showModal()}>
              Delete
            </button>
          </div>
        )}
      </div>
      <Problem error={error} />
      {deleted && (
        <div role="status" className="success">
          {deleted.proposal ? (
            <>
              Deletion proposed: <Link href={routes.proposal(deleted.id)}>proposal {deleted.id}</Link>. It takes effect once
              the proposal is merged.
            </>
          ) : (
            'Nothing to delete.'
          )}
        </div>
      )}
      {object && (
        <>
          <Changed object={object} path={path} namespace={md.namespace} />
          <section aria-labelledby="labels">
            <h2 id="labels">Labels</h2>
            {Object.keys(md.labels ?? {}).length === 0 ? (
              <p className="muted">No labels.</p>
            ) : (
              <p>
                {Object.entries(md.labels).map(([k, v]) => (
                  <span key={k} className="chip">
                    {k}={String(v)}
                  </span>
                ))}
              </p>
            )}
          </section>
          <section aria-labelledby="proposals">
            <h2 id="proposals">Open proposals</h2>
            {proposals.length === 0 ? (
              <p className="muted">No open proposal changes it.</p>
            ) : (
              <ul>
                {proposals.map((p) => (
                  <li key={p.id}>
                    <Link href={routes.proposal(p.id)}>Proposal {p.id}</Link> ({p.state}
                    {p.action ? `, ${p.action}` : ''})
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="fields">
            <h2 id="fields">Fields</h2>
            <Fields value={object.spec ?? {}} schema={definition?.schema?.properties?.spec} root={definition?.schema} />
          </section>
          <History path={path} />
        </>
      )}
      <dialog ref={dialog} aria-labelledby="confirm-delete">
        <h2 id="confirm-delete">Delete {params.name}?</h2>
        <p>This proposes deleting it. Nothing changes until the proposal is merged.</p>
        <div className="actions">
          <button type="button" className="danger" onClick={remove} disabled={deleting}>
            Delete
          </button>
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </dialog>
      {deleted && definition && (
        <p>
          <button type="button" className="link" onClick={() => navigate(routes.list(definition, params.namespace))}>
            Back to the list
          </button>
        </p>
      )}
    </section>
  );
}
