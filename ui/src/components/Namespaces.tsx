import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { namespacesOf, routes, type Definition } from '../model';

/** Links to a kind's namespaces (for the catalog's cards). */
export function NamespaceLinks({ definition }: { definition: Definition }) {
  const [namespaces, setNamespaces] = useState<{ names: string[]; more: boolean } | null>(null);
  useEffect(() => {
    namespacesOf(definition).then(setNamespaces, () => setNamespaces({ names: [], more: false }));
  }, [definition]);
  if (!namespaces) {
    return null;
  }
  return (
    <p className="namespaces">
      {namespaces.names.length === 0 && <span className="muted">No resources yet</span>}
      {namespaces.names.map((ns) => (
        <Link key={ns} href={routes.list(definition, ns)} className="chip" aria-label={`${definition.plural} in ${ns}`}>
          {ns}
        </Link>
      ))}
      {namespaces.more && <span className="muted"> and more</span>}
    </p>
  );
}
