import { useEffect, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { NamespaceLinks } from '../components/Namespaces';
import { Problem } from '../components/Problem';
import { loadDefinitions, routes, type Definition } from '../model';

/** Every served kind, grouped by API group, with a search box. */
export function Catalog() {
  const [definitions, setDefinitions] = useState<Definition[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [query, setQuery] = useState('');
  useEffect(() => {
    loadDefinitions().then(setDefinitions, setError);
  }, []);
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const found = (definitions ?? []).filter(
      (d) =>
        !q ||
        [d.kind, d.plural, d.group, d.description ?? '', ...d.shortNames, ...d.categories].some((t) =>
          t.toLowerCase().includes(q),
        ),
    );
    const byGroup = new Map<string, Definition[]>();
    found.forEach((d) => byGroup.set(d.group, [...(byGroup.get(d.group) ?? []), d]));
    return [...byGroup.entries()];
  }, [definitions, query]);

  return (
    <section>
      <h1>Catalog</h1>
      <p className="lead">Everything this server lets you read and change. Pick a kind to see its resources.</p>
      <label htmlFor="catalog-search">Search kinds</label>
      <input
        id="catalog-search"
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        placeholder="flag, segment, …"
      />
      <Problem error={error} title="Cannot list what this server serves" />
      {!definitions && !error && <p aria-busy="true">Loading…</p>}
      {definitions && groups.length === 0 && <p>No kind matches “{query}”.</p>}
      {groups.map(([group, kinds]) => (
        <section key={group} aria-labelledby={`group-${group}`} className="group">
          <h2 id={`group-${group}`}>{group}</h2>
          <ul className="cards">
            {kinds.map((d) => (
              <li key={d.key} className="card">
                <h3>
                  <Link href={routes.list(d)}>{d.kind}</Link>
                </h3>
                <p className="muted">
                  {d.plural} · {d.version}
                </p>
                {d.description && <p>{d.description}</p>}
                <NamespaceLinks definition={d} />
              </li>
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}
