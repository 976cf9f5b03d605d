// Cup's self-description: the served definitions (`GET /apis`, the original map), their JSON Schemas
// and printer columns, read once and kept for the session.

import { getJson } from './api';

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface Definition {
  key: string;
  group: string;
  version: string;
  plural: string;
  kind: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  columns: PrinterColumn[];
  schema: any;
  description?: string;
}

let definitions: Promise<Definition[]> | null = null;

/** Every served kind, sorted by group then kind. */
export function loadDefinitions(force = false): Promise<Definition[]> {
  if (!definitions || force) {
    definitions = getJson<Record<string, any>>('/apis', { accept: '*/*' }).then((map) =>
      Object.entries(map)
        .map(([key, d]) => {
          const [group, version, plural] = key.split('/');
          const schema = d.spec?.versions?.[version] ?? {};
          return {
            key,
            group,
            version,
            plural,
            kind: d.names?.kind ?? plural,
            singular: d.names?.singular ?? plural,
            shortNames: d.names?.shortNames ?? [],
            categories: d.names?.categories ?? [],
            columns: d.spec?.additionalPrinterColumns ?? [],
            schema,
            description: schema.description,
          } as Definition;
        })
        .sort((a, b) => a.group.localeCompare(b.group) || a.kind.localeCompare(b.kind)),
    );
    definitions.catch(() => (definitions = null));
  }
  return definitions;
}

export async function definitionOf(group: string, version: string, plural: string) {
  const all = await loadDefinitions();
  return all.find((d) => d.group === group && d.version === version && d.plural === plural);
}

/** Evaluates the simple JSONPath of a printer column (`.spec.key`, `.spec.variants[0].key`). */
export function columnValue(object: any, jsonPath: string): unknown {
  const parts = jsonPath
    .replace(/^\$/, '')
    .split(/\.|\[|\]/)
    .filter((p) => p !== '');
  let value: any = object;
  for (const part of parts) {
    if (value == null) {
      return undefined;
    }
    const key = part.replace(/^['"]|['"]$/g, '');
    value = value[key];
  }
  return value;
}

export function display(value: unknown): string {
  if (value === undefined || value === null) {
    return '';
  }
  if (typeof value === 'object') {
    return JSON.stringify(value);
  }
  return String(value);
}

/** "3 minutes ago" for a timestamp, with the exact time left to a title. */
export function ago(timestamp?: string): string {
  if (!timestamp) {
    return '';
  }
  const seconds = Math.max(0, (Date.now() - Date.parse(timestamp)) / 1000);
  const units: [number, string][] = [
    [86400 * 365, 'year'],
    [86400 * 30, 'month'],
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, unit] of units) {
    if (seconds >= size) {
      const n = Math.floor(seconds / size);
      return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
    }
  }
  return 'just now';
}

/** The open proposals a served resource carries (`status.proposals`, or the write's annotation). */
export function proposalsOf(object: any): { id: string; state: string; url?: string; action?: string }[] {
  return object?.status?.proposals ?? [];
}

export const LAST_CHANGED_BY = 'cup.flipt.io/last-changed-by';

/** UI routes. */
export const routes = {
  catalog: () => '/',
  list: (d: { group: string; version: string; plural: string }, namespace?: string) =>
    `/r/${d.group}/${d.version}/${d.plural}${namespace ? `?namespace=${encodeURIComponent(namespace)}` : ''}`,
  create: (d: { group: string; version: string; plural: string }, namespace?: string) =>
    `/r/${d.group}/${d.version}/${d.plural}/new${namespace ? `?namespace=${encodeURIComponent(namespace)}` : ''}`,
  resource: (d: { group: string; version: string; plural: string }, namespace: string, name: string) =>
    `/r/${d.group}/${d.version}/namespaces/${encodeURIComponent(namespace)}/${d.plural}/${encodeURIComponent(name)}`,
  edit: (d: { group: string; version: string; plural: string }, namespace: string, name: string) =>
    `${routes.resource(d, namespace, name)}/edit`,
  proposals: () => '/proposals',
  proposal: (id: string) => `/proposals/${encodeURIComponent(id)}`,
  signIn: () => '/signin',
};

const namespaceCache = new Map<string, Promise<{ names: string[]; more: boolean }>>();

/**
 * The namespaces a kind has resources in, read from one page (500) of its cross-namespace list;
 * `more` says the page did not hold them all.
 */
export function namespacesOf(d: Definition): Promise<{ names: string[]; more: boolean }> {
  let found = namespaceCache.get(d.key);
  if (!found) {
    found = getJson(`/apis/${d.group}/${d.version}/${d.plural}?limit=500`).then((list) => ({
      names: [...new Set<string>(list.items.map((i: any) => i.metadata?.namespace).filter(Boolean))].sort(),
      more: !!list.metadata?.continue,
    }));
    found.catch(() => namespaceCache.delete(d.key));
    namespaceCache.set(d.key, found);
  }
  return found;
}
