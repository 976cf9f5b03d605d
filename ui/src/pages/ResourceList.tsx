import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { collectionPath, getJson, resourcePath, watch } from '../api';
import { LastChangeCells } from '../components/LastChange';
import { Problem } from '../components/Problem';
import {
  columnValue,
  definitionOf,
  display,
  namespacesOf,
  proposalsOf,
  routes,
  type Definition,
} from '../model';

const PAGE = 50;

interface Page {
  items: any[];
  resourceVersion: string;
  next?: string;
  remaining?: number;
}

function byKey(a: any, b: any) {
  const na = `${a.metadata.namespace}/${a.metadata.name}`;
  const nb = `${b.metadata.namespace}/${b.metadata.name}`;
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** One kind's resources in a namespace (or all): printer columns, labels, paging, live updates. */
export function ResourceList({ params }: { params: { group: string; version: string; plural: string } }) {
  const search = new URLSearchParams(useSearch());
  const [path, navigate] = useLocation();
  const namespace = search.get('namespace') ?? '';
  const selector = search.get('labelSelector') ?? '';
  const [definition, setDefinition] = useState<Definition | null>(null);
  const [namespaces, setNamespaces] = useState<string[]>([]);
  const [page, setPage] = useState<Page | null>(null);
  const [tokens, setTokens] = useState<(string | undefined)[]>([]); // continue tokens of the pages before this one
  const [current, setCurrent] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [selectorText, setSelectorText] = useState(selector);
  const [live, setLive] = useState(false);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    setError(null);
    definitionOf(params.group, params.version, params.plural).then((d) => {
      if (!d) {
        setError(new Error(`This server does not serve ${params.plural}.${params.group}/${params.version}.`));
        return;
      }
      setDefinition(d);
      namespacesOf(d).then((n) => setNamespaces(n.names), () => undefined);
    }, setError);
  }, [params.group, params.version, params.plural]);

  useEffect(() => {
    setTokens([]);
    setCurrent(undefined);
    setSelectorText(selector);
  }, [namespace, selector, params.plural]);

  const base = collectionPath(params.group, params.version, params.plural, namespace || undefined);
  const query = selector ? `labelSelector=${encodeURIComponent(selector)}` : '';

  useEffect(() => {
    if (!definition) {
      return;
    }
    const aborted = new AbortController();
    setPage(null);
    setError(null);
    setLive(false);
    const url = `${base}?limit=${PAGE}${query ? `&${query}` : ''}${current ? `&continue=${encodeURIComponent(current)}` : ''}`;
    getJson(url, { signal: aborted.signal })
      .then((list) => {
        const loaded: Page = {
          items: list.items ?? [],
          resourceVersion: list.metadata?.resourceVersion ?? '',
          next: list.metadata?.continue || undefined,
          remaining: list.metadata?.remainingItemCount,
        };
        setPage(loaded);
        setLive(true);
        return watch(
          `${base}${query ? `?${query}` : ''}`,
          loaded.resourceVersion,
          (event) => {
            setPage((p) => (p ? applyEvent(p, event) : p));
          },
          aborted.signal,
          () => setGeneration((g) => g + 1),
        );
      })
      .catch((e) => {
        if (!aborted.signal.aborted) {
          setError(e);
          setLive(false);
        }
      });
    return () => aborted.abort();
  }, [definition, base, query, current, generation]);

  /** The same page with one query parameter set (or removed, when empty). */
  function setQuery(key: string, value: string) {
    const next = new URLSearchParams(search);
    if (value) {
      next.set(key, value);
    } else {
      next.delete(key);
    }
    navigate(`${path}?${next}`);
  }

  function applySelector(event: FormEvent) {
    event.preventDefault();
    setQuery('labelSelector', selectorText.trim());
  }

  const columns = definition?.columns ?? [];
  const title = definition ? `${definition.kind}s` : params.plural;
  return (
    <section>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link href="/">Catalog</Link> › <span>{params.group}</span>
      </nav>
      <div className="heading">
        <h1>
          {title}
          {namespace && <span className="muted"> in {namespace}</span>}
        </h1>
        {definition && (
          <Link href={routes.create(definition, namespace || undefined)} className="button">
            New {definition.kind}
          </Link>
        )}
      </div>
      {definition?.description && <p className="lead">{definition.description}</p>}
      <div className="filters">
        <div>
          <label htmlFor="namespace">Namespace</label>
          <select id="namespace" value={namespace} onChange={(e) => setQuery('namespace', e.target.value)}>
            <option value="">All namespaces</option>
            {[...new Set([...namespaces, ...(namespace ? [namespace] : [])])].map((ns) => (
              <option key={ns} value={ns}>
                {ns}
              </option>
            ))}
          </select>
        </div>
        <form onSubmit={applySelector} role="search" aria-label="Filter by label">
          <label htmlFor="selector">Label filter</label>
          <input
            id="selector"
            value={selectorText}
            onChange={(e) => setSelectorText(e.target.value)}
            placeholder="team=web,tier!=frontend"
            aria-describedby="selector-help"
          />
          <button type="submit">Filter</button>
          <span id="selector-help" className="help">
            Kubernetes label selector: key=value, key!=value, key in (a,b), key
          </span>
        </form>
        <span role="status" className={live ? 'live on' : 'live'}>
          {live ? 'Live' : page ? 'Not live' : ''}
        </span>
      </div>
      <Problem error={error} />
      {!page && !error && <p aria-busy="true">Loading…</p>}
      {page && page.items.length === 0 && <p>No {title.toLowerCase()} here{selector ? ' match this filter' : ''}.</p>}
      {page && page.items.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={`${title} table`}>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                {!namespace && <th scope="col">Namespace</th>}
                {columns.map((c) => (
                  <th scope="col" key={c.name} title={c.description} className={c.priority ? 'wide' : undefined}>
                    {c.name}
                  </th>
                ))}
                <th scope="col">Labels</th>
                <th scope="col">Changed</th>
                <th scope="col" className="wide">
                  Changed by
                </th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((item) => {
                const md = item.metadata ?? {};
                const open = proposalsOf(item).length;
                return (
                  <tr key={`${md.namespace}/${md.name}`}>
                    <th scope="row">
                      <Link href={routes.resource(definition!, md.namespace, md.name)}>{md.name}</Link>
                      {open > 0 && (
                        <span className="badge" title="Open proposals that change it">
                          {open} open proposal{open > 1 ? 's' : ''}
                        </span>
                      )}
                    </th>
                    {!namespace && <td>{md.namespace}</td>}
                    {columns.map((c) => (
                      <td key={c.name} className={c.priority ? 'wide' : undefined}>
                        {display(columnValue(item, c.jsonPath))}
                      </td>
                    ))}
                    <td>
                      {Object.entries(md.labels ?? {}).map(([k, v]) => (
                        <span key={k} className="chip">
                          {k}={String(v)}
                        </span>
                      ))}
                    </td>
                    <LastChangeCells
                      object={item}
                      path={resourcePath(params.group, params.version, params.plural, md.namespace, md.name)}
                    />
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {page && (tokens.length > 0 || page.next) && (
        <nav aria-label="Pages" className="pager">
          <button
            type="button"
            disabled={tokens.length === 0}
            onClick={() => {
              setCurrent(tokens[tokens.length - 1]);
              setTokens(tokens.slice(0, -1));
            }}
          >
            Previous page
          </button>
          <span>
            Page {tokens.length + 1}
            {page.remaining !== undefined && ` · ${page.remaining} more`}
          </span>
          <button
            type="button"
            disabled={!page.next}
            onClick={() => {
              setTokens([...tokens, current]);
              setCurrent(page.next);
            }}
          >
            Next page
          </button>
        </nav>
      )}
    </section>
  );
}

function applyEvent(page: Page, event: { type: string; object: any }): Page {
  const md = event.object?.metadata;
  if (!md) {
    return page;
  }
  const key = (i: any) => `${i.metadata.namespace}/${i.metadata.name}`;
  const id = `${md.namespace}/${md.name}`;
  const without = page.items.filter((i) => key(i) !== id);
  if (event.type === 'DELETED') {
    return { ...page, items: without };
  }
  const present = without.length !== page.items.length;
  const last = page.items[page.items.length - 1];
  const fits = present || !page.next || (last && byKey(event.object, last) < 0);
  if (!fits) {
    return page;
  }
  return { ...page, items: [...without, event.object].sort(byKey) };
}
