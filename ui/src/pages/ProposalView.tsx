import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { getJson, getText, PROPOSALS, send } from '../api';
import { Diff } from '../components/Diff';
import { Problem } from '../components/Problem';
import { ago, loadDefinitions, routes, type Definition } from '../model';
import { may, whoAmI } from '../session';
import { who } from './Proposals';

/** One proposal: its diff, its resources, and Merge / Close for those the server would allow. */
export default function ProposalView({ id }: { id: string }) {
  const path = `${PROPOSALS}/${encodeURIComponent(id)}`;
  const [proposal, setProposal] = useState<any>(null);
  const [diff, setDiff] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [canMerge, setCanMerge] = useState(false);
  const [canClose, setCanClose] = useState(false);
  const [busy, setBusy] = useState(false);
  const [definitions, setDefinitions] = useState<Definition[]>([]);

  function loadDiff() {
    getText(path, { accept: 'text/x-diff' }).then(setDiff, () => setDiff(null));
  }
  function load() {
    getJson(path).then(setProposal, setError);
    loadDiff();
  }
  useEffect(() => {
    load();
    loadDefinitions().then(setDefinitions, () => undefined);
    const attributes = { group: 'cup.flipt.io', resource: 'proposals', name: id };
    may({ ...attributes, verb: 'merge' }).then(setCanMerge);
    may({ ...attributes, verb: 'close' }).then((allowed) => allowed && setCanClose(true));
  }, [id]); // eslint-disable-line react-hooks/exhaustive-deps

  // the author may always close their own proposal (docs/access.md)
  useEffect(() => {
    if (proposal?.spec?.createdBy?.username) {
      whoAmI().then(
        (user) => user.username === proposal.spec.createdBy.username && setCanClose(true),
        () => undefined,
      );
    }
  }, [proposal]);

  async function act(action: 'merge' | 'close') {
    setBusy(true);
    setActionError(null);
    try {
      const response = await send(`${path}/${action}`, { method: 'POST', body: {} });
      setProposal(await response.json());
      loadDiff();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  }

  const state = proposal?.status?.state;
  const actionable = state === 'open' || state === 'conflicted' || state === 'pending';
  function linkOf(r: any) {
    const [group, version] = (r.apiVersion ?? '').split('/');
    const d = definitions.find((x) => x.group === group && x.version === version && x.kind === r.kind);
    return d ? routes.resource(d, r.namespace, r.name) : null;
  }
  return (
    <section>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link href="/proposals">Proposals</Link> › <span>{id}</span>
      </nav>
      <h1>{proposal?.spec?.message ?? `Proposal ${id}`}</h1>
      <Problem error={error} />
      {proposal && (
        <>
          <p>
            <span className={`state ${state}`}>{state}</span> · proposed by {who(proposal.spec?.createdBy)}{' '}
            <time dateTime={proposal.metadata?.creationTimestamp}>{ago(proposal.metadata?.creationTimestamp)}</time> ·
            branch <code>{proposal.spec?.branch}</code>
            {proposal.status?.pullRequest?.url && (
              <>
                {' '}
                · <a href={proposal.status.pullRequest.url}>pull request #{proposal.status.pullRequest.number}</a>
              </>
            )}
            {proposal.status?.mergedBy && <> · merged by {who(proposal.status.mergedBy)}</>}
            {proposal.status?.closedBy && <> · closed by {who(proposal.status.closedBy)}</>}
          </p>
          {actionable && (canMerge || canClose) && (
            <div className="actions">
              {canMerge && (
                <button type="button" className="primary" disabled={busy} onClick={() => act('merge')}>
                  Merge
                </button>
              )}
              {canClose && (
                <button type="button" disabled={busy} onClick={() => act('close')}>
                  Close
                </button>
              )}
            </div>
          )}
          {actionable && !canMerge && (
            <p className="muted">You may not merge this proposal; someone allowed to will review it.</p>
          )}
          <Problem error={actionError} title="The server refused it" />
          <section aria-labelledby="resources">
            <h2 id="resources">Resources</h2>
            <ul>
              {(proposal.spec?.resources ?? []).map((r: any) => {
                const link = linkOf(r);
                const text = `${r.kind} ${r.namespace}/${r.name}`;
                return (
                  <li key={`${r.apiVersion}/${r.kind}/${r.namespace}/${r.name}`}>
                    {r.action === 'delete' ? 'Delete ' : 'Change '}
                    {link ? <Link href={link}>{text}</Link> : text}
                  </li>
                );
              })}
            </ul>
          </section>
          <section aria-labelledby="changes">
            <h2 id="changes">Changes</h2>
            {diff === null ? <p className="muted">No diff available.</p> : <Diff diff={diff} label="Changes of this proposal" />}
          </section>
        </>
      )}
    </section>
  );
}
