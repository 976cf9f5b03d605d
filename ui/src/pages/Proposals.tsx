import { useEffect, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { getJson, PROPOSALS } from '../api';
import { Problem } from '../components/Problem';
import { ago, routes } from '../model';

export const STATES = ['open', 'pending', 'conflicted', 'merged', 'closed'];

export function who(user: any): string {
  return user?.username ?? 'anonymous';
}

/** Every proposal, filtered by state: who proposed, when, what it changes, its pull request. */
export default function Proposals() {
  const search = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const state = search.get('state') ?? '';
  const [items, setItems] = useState<any[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    getJson(PROPOSALS).then(
      (list) =>
        setItems(
          (list.items ?? []).sort((a: any, b: any) =>
            (b.metadata?.creationTimestamp ?? '').localeCompare(a.metadata?.creationTimestamp ?? ''),
          ),
        ),
      setError,
    );
  }, []);

  const shown = (items ?? []).filter((p) => !state || p.status?.state === state);
  return (
    <section>
      <h1>Proposals</h1>
      <p className="lead">Every change made here is a proposal: a branch that someone allowed reviews and merges.</p>
      <div role="group" aria-label="State" className="tabs">
        {['', ...STATES].map((s) => (
          <button
            key={s || 'all'}
            type="button"
            aria-pressed={state === s}
            onClick={() => navigate(s ? `/proposals?state=${s}` : '/proposals')}
          >
            {s ? s[0].toUpperCase() + s.slice(1) : 'All'}
            {items && ` (${items.filter((p) => !s || p.status?.state === s).length})`}
          </button>
        ))}
      </div>
      <Problem error={error} />
      {!items && !error && <p aria-busy="true">Loading…</p>}
      {items && shown.length === 0 && <p>No {state} proposal.</p>}
      {shown.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Proposals table">
          <table>
            <thead>
              <tr>
                <th scope="col">Proposal</th>
                <th scope="col">State</th>
                <th scope="col">Changes</th>
                <th scope="col">Proposed by</th>
                <th scope="col">When</th>
                <th scope="col" className="wide">
                  Pull request
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((p) => (
                <tr key={p.metadata.name}>
                  <th scope="row">
                    <Link href={routes.proposal(p.metadata.name)}>{p.spec?.message || p.metadata.name}</Link>
                  </th>
                  <td>
                    <span className={`state ${p.status?.state}`}>{p.status?.state}</span>
                  </td>
                  <td>
                    {(p.spec?.resources ?? []).map((r: any) => (
                      <div key={`${r.kind}/${r.namespace}/${r.name}`}>
                        {r.action === 'delete' ? 'delete' : 'change'} {r.kind} {r.namespace}/{r.name}
                      </div>
                    ))}
                  </td>
                  <td>{who(p.spec?.createdBy)}</td>
                  <td title={p.metadata?.creationTimestamp}>{ago(p.metadata?.creationTimestamp)}</td>
                  <td className="wide">
                    {p.status?.pullRequest?.url ? (
                      <a href={p.status.pullRequest.url}>#{p.status.pullRequest.number ?? 'open'}</a>
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
