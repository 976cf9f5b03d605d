import Form from '@rjsf/core';
import type { ErrorSchema, RJSFSchema, UiSchema, WidgetProps } from '@rjsf/utils';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Link, useSearch } from 'wouter';
import { parse, stringify } from 'yaml';
import { ApiError, collectionPath, getJson, PROPOSALS, resourcePath, send, WRITE_RESULT, type Cause } from '../api';
import { Diff } from '../components/Diff';
import { buttonTemplates } from '../components/FormButtons';
import { Problem } from '../components/Problem';
import { definitionOf, routes, type Definition } from '../model';
import { may } from '../session';
import { validate, validator } from '../validator';

const YamlEditor = lazy(() => import('../components/YamlEditor'));

interface Params {
  group: string;
  version: string;
  plural: string;
  namespace?: string;
  name?: string;
}

/** What the form edits: name, labels and spec (the server sets the rest). */
interface Editable {
  metadata: { name?: string; labels?: Record<string, string> };
  spec?: any;
}

const SERVER_ANNOTATIONS = /^cup\.flipt\.io\//;

/**
 * A schema without the `oneOf`/`anyOf` whose branches only require properties ("a segment or a
 * threshold"): RJSF would turn them into an option picker that invents empty objects. The form
 * shows the properties themselves; the full schema still checks the rule (the problems list).
 */
function withoutConstraintBranches(schema: any): any {
  if (Array.isArray(schema)) {
    return schema.map(withoutConstraintBranches);
  }
  if (!schema || typeof schema !== 'object') {
    return schema;
  }
  const out: any = {};
  for (const [key, value] of Object.entries(schema)) {
    const constraintOnly =
      (key === 'oneOf' || key === 'anyOf') &&
      Array.isArray(value) &&
      value.every((b: any) => b && typeof b === 'object' && Object.keys(b).every((k) => k === 'required'));
    if (!constraintOnly) {
      out[key] = withoutConstraintBranches(value);
    }
  }
  return out;
}

/** The schema the form shows: the definition's spec, with name and labels. */
function formSchema(definition: Definition): RJSFSchema {
  const root = withoutConstraintBranches(definition.schema ?? {});
  const metadata = root.properties?.metadata?.$ref
    ? root.$defs?.[root.properties.metadata.$ref.split('/').pop()]
    : root.properties?.metadata;
  const name = metadata?.properties?.name ?? { type: 'string' };
  const labels = metadata?.properties?.labels ?? { type: 'object', additionalProperties: { type: 'string' } };
  return {
    type: 'object',
    $defs: root.$defs,
    definitions: root.definitions,
    required: ['metadata', ...(root.required?.includes('spec') ? ['spec'] : [])],
    properties: {
      metadata: {
        type: 'object',
        title: 'Metadata',
        required: ['name'],
        properties: {
          name: { ...name, title: name.title ?? 'Name' },
          labels: { ...labels, title: labels.title ?? 'Labels' },
        },
      },
      spec: { title: 'Spec', ...(root.properties?.spec ?? { type: 'object' }) },
    },
  } as RJSFSchema;
}

/** A boolean as a switch, named by its label. */
function ToggleWidget(props: WidgetProps) {
  const { id, value, disabled, readonly, onChange, label, schema, required } = props;
  return (
    <label className="toggle" htmlFor={id}>
      <input
        id={id}
        type="checkbox"
        role="switch"
        checked={value === true}
        aria-checked={value === true}
        disabled={disabled || readonly}
        required={required}
        aria-describedby={schema.description ? `${id}__description` : undefined}
        onChange={(e) => onChange(e.target.checked)}
      />
      <span>{label || schema.title || id.split('_').pop()}</span>
    </label>
  );
}

/** The server's 422 causes, keyed as RJSF keys its fields (spec.variants[0].key → spec/variants/0/key). */
function serverErrors(causes: Cause[]): ErrorSchema {
  const errors: any = {};
  for (const cause of causes) {
    if (!cause.field) {
      continue;
    }
    const path = cause.field
      .replace(/^\./, '')
      .split(/\.|\[|\]/)
      .filter((p) => p !== '');
    let node = errors;
    for (const part of path) {
      node = node[part] = node[part] ?? {};
    }
    node.__errors = [...(node.__errors ?? []), `${cause.message ?? cause.reason ?? 'is invalid'} (server)`];
  }
  return errors;
}

function bodyOf(definition: Definition, namespace: string, original: any, data: Editable): any {
  const annotations = Object.fromEntries(
    Object.entries(original?.metadata?.annotations ?? {}).filter(([k]) => !SERVER_ANNOTATIONS.test(k)),
  );
  const metadata: any = { name: data.metadata?.name, namespace };
  if (data.metadata?.labels && Object.keys(data.metadata.labels).length) {
    metadata.labels = data.metadata.labels;
  }
  if (Object.keys(annotations).length) {
    metadata.annotations = annotations;
  }
  if (original?.metadata?.resourceVersion) {
    metadata.resourceVersion = original.metadata.resourceVersion;
  }
  return {
    apiVersion: `${definition.group}/${definition.version}`,
    kind: definition.kind,
    metadata,
    ...(data.spec !== undefined ? { spec: data.spec } : {}),
  };
}

export default function ResourceEdit({ params }: { params: Params }) {
  const search = new URLSearchParams(useSearch());
  const creating = !params.name;
  const [definition, setDefinition] = useState<Definition | null>(null);
  const [original, setOriginal] = useState<any>(null);
  const [data, setData] = useState<Editable>({ metadata: {} });
  const [namespace, setNamespace] = useState(params.namespace ?? search.get('namespace') ?? 'default');
  const [view, setView] = useState<'form' | 'yaml'>('form');
  const [yamlText, setYamlText] = useState('');
  const [yamlProblem, setYamlProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>(undefined);
  const [diff, setDiff] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<any>(null);
  const [openProposals, setOpenProposals] = useState<any[]>([]);
  const [target, setTarget] = useState('');

  useEffect(() => {
    definitionOf(params.group, params.version, params.plural).then((d) => {
      if (!d) {
        setError(new Error(`This server does not serve ${params.plural}.${params.group}/${params.version}.`));
        return;
      }
      setDefinition(d);
      if (!creating) {
        getJson(resourcePath(d.group, d.version, d.plural, params.namespace!, params.name!)).then((object) => {
          setOriginal(object);
          setData({
            metadata: { name: object.metadata?.name, labels: object.metadata?.labels ?? {} },
            spec: object.spec,
          });
        }, setError);
      }
    }, setError);
    // adding to a proposal is an update of it (docs/access.md): offer it only to those who may
    may({ group: 'cup.flipt.io', resource: 'proposals', verb: 'update' }).then((allowed) =>
      allowed
        ? getJson(PROPOSALS).then(
            (list) => setOpenProposals((list.items ?? []).filter((p: any) => p.status?.state === 'open')),
            () => undefined,
          )
        : setOpenProposals([]),
    );
  }, [params.group, params.version, params.plural, params.namespace, params.name, creating]);

  const schema = useMemo(() => (definition ? formSchema(definition) : null), [definition]);
  const uiSchema: UiSchema = useMemo(
    () => ({
      'ui:submitButtonOptions': { norender: true },
      metadata: { name: { 'ui:readonly': !creating } },
    }),
    [creating],
  );

  function switchView(next: 'form' | 'yaml') {
    if (next === view || !definition) {
      return;
    }
    if (next === 'yaml') {
      setYamlText(stringify(bodyOf(definition, namespace, original, data)));
      setYamlProblem(null);
      setView('yaml');
    } else if (readYaml()) {
      setView('form');
    }
  }

  /** The YAML view's text as the form's data; false (and a message) when it does not parse. */
  function readYaml(): Editable | false {
    try {
      const parsed = parse(yamlText) ?? {};
      if (typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new Error('the document must be a mapping');
      }
      if (parsed.metadata?.namespace && parsed.metadata.namespace !== namespace) {
        if (!creating) {
          throw new Error(`metadata.namespace must stay ${namespace}`);
        }
        setNamespace(parsed.metadata.namespace);
      }
      const next: Editable = {
        metadata: { name: parsed.metadata?.name, labels: parsed.metadata?.labels ?? {} },
        spec: parsed.spec,
      };
      setData(next);
      setYamlProblem(null);
      return next;
    } catch (e) {
      setYamlProblem(`The YAML does not parse: ${(e as Error).message}`);
      return false;
    }
  }

  const current = (): Editable | false => (view === 'yaml' ? readYaml() : data);

  const clientErrors = useMemo(() => {
    if (!definition) {
      return [];
    }
    try {
      return validate(definition.schema, bodyOf(definition, namespace, original, data));
    } catch {
      return [];
    }
  }, [definition, namespace, original, data]);

  function url(dryRun: boolean, proposal?: string) {
    const d = definition!;
    const query = new URLSearchParams();
    if (dryRun) {
      query.set('dryRun', 'All');
    }
    if (proposal) {
      query.set('proposal', proposal);
    }
    const path = creating
      ? collectionPath(d.group, d.version, d.plural, namespace)
      : resourcePath(d.group, d.version, d.plural, namespace, params.name!);
    return `${path}${query.size ? `?${query}` : ''}`;
  }

  function failed(e: unknown) {
    setError(e);
    if (e instanceof ApiError && e.causes.length) {
      setExtraErrors(serverErrors(e.causes));
      if (view === 'yaml' && e.causes.some((c) => c.field)) {
        setView('form');
      }
    }
  }

  async function preview() {
    const edited = current();
    if (!edited || !definition) {
      return;
    }
    setBusy(true);
    setError(null);
    setExtraErrors(undefined);
    setResult(null);
    try {
      const text = await (
        await send(url(true), {
          method: creating ? 'POST' : 'PUT',
          body: bodyOf(definition, namespace, original, edited),
          accept: 'text/x-diff',
        })
      ).text();
      setDiff(text);
    } catch (e) {
      setDiff(null);
      failed(e);
    } finally {
      setBusy(false);
    }
  }

  async function propose(proposal?: string) {
    const edited = current();
    if (!edited || !definition) {
      return;
    }
    setBusy(true);
    setError(null);
    setExtraErrors(undefined);
    try {
      const response = await send(url(false, proposal), {
        method: creating ? 'POST' : 'PUT',
        body: bodyOf(definition, namespace, original, edited),
        accept: WRITE_RESULT,
      });
      setResult(response.status === 204 ? { empty: true } : await response.json());
    } catch (e) {
      failed(e);
    } finally {
      setBusy(false);
    }
  }

  if (!definition || !schema || (!creating && !original)) {
    return (
      <section>
        <h1>{creating ? 'New resource' : `Edit ${params.name}`}</h1>
        <Problem error={error} />
        {!error && <p aria-busy="true">Loading…</p>}
      </section>
    );
  }

  const name = data.metadata?.name;
  return (
    <section className="edit">
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link href="/">Catalog</Link> › <Link href={routes.list(definition, namespace)}>{definition.kind}s in {namespace}</Link>
        {!creating && (
          <>
            {' '}
            › <Link href={routes.resource(definition, namespace, params.name!)}>{params.name}</Link>
          </>
        )}
      </nav>
      <h1>{creating ? `New ${definition.kind}` : `Edit ${definition.kind} ${params.name}`}</h1>
      <p className="lead">
        Your change is not applied directly: it becomes a proposal that someone reviews and merges.
      </p>
      {creating && (
        <div className="field">
          <label htmlFor="namespace-input">Namespace</label>
          <input id="namespace-input" value={namespace} onChange={(e) => setNamespace(e.target.value)} required />
        </div>
      )}
      <div role="group" aria-label="Editor" className="tabs">
        <button type="button" aria-pressed={view === 'form'} onClick={() => switchView('form')}>
          Form
        </button>
        <button type="button" aria-pressed={view === 'yaml'} onClick={() => switchView('yaml')}>
          YAML
        </button>
      </div>
      {view === 'form' ? (
        <Form
          schema={schema}
          uiSchema={uiSchema}
          formData={data}
          validator={validator}
          liveValidate="onChange"
          showErrorList={false}
          noHtml5Validate
          extraErrors={extraErrors}
          widgets={{ CheckboxWidget: ToggleWidget }}
          templates={{ ButtonTemplates: buttonTemplates }}
          experimental_defaultFormStateBehavior={{ emptyObjectFields: 'skipEmptyDefaults', requiredBooleanDefault: 'skip' }}
          onChange={(event) => {
            setData(event.formData as Editable);
            setDiff(null);
          }}
          idPrefix="field"
        />
      ) : (
        <Suspense fallback={<p aria-busy="true">Loading the editor…</p>}>
          <YamlEditor
            value={yamlText}
            label={`${definition.kind} as YAML`}
            onChange={(text) => {
              setYamlText(text);
              setDiff(null);
            }}
          />
          {yamlProblem && (
            <p role="alert" className="problem">
              {yamlProblem}
            </p>
          )}
        </Suspense>
      )}
      {clientErrors.length > 0 && (
        <div className="warnings" role="status" aria-live="polite">
          <p>
            {clientErrors.length} problem{clientErrors.length > 1 ? 's' : ''} with this {definition.kind}:
          </p>
          <ul>
            {clientErrors.slice(0, 10).map((e, i) => (
              <li key={i}>
                <code>{(e.property ?? '').replace(/^\./, '') || definition.kind}</code> {e.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <Problem error={error} title="The server refused it" />
      <div className="actions">
        <button type="button" onClick={preview} disabled={busy || !name}>
          Preview change
        </button>
        <button type="button" className="primary" onClick={() => propose()} disabled={busy || !name}>
          Propose change
        </button>
      </div>
      {openProposals.length > 0 && (
        <div className="actions stack">
          <label htmlFor="target-proposal">Open proposal</label>
          <select id="target-proposal" value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">Choose a proposal…</option>
            {openProposals.map((p) => (
              <option key={p.metadata.name} value={p.metadata.name}>
                {p.metadata.name}: {p.spec?.message ?? ''}
              </option>
            ))}
          </select>
          <button type="button" onClick={() => propose(target)} disabled={busy || !name || !target}>
            Add to proposal
          </button>
        </div>
      )}
      {result && (
        <div role="status" className="success">
          {result.empty ? (
            'Nothing to propose: it already holds exactly this.'
          ) : (
            <>
              Proposed: <Link href={routes.proposal(result.id)}>proposal {result.id}</Link>
              {result.proposal?.branch && (
                <>
                  {' '}
                  on branch <code>{result.proposal.branch}</code>
                </>
              )}
              {result.proposal?.url && !result.proposal.url.includes('/apis/cup.flipt.io/') && (
                <>
                  {' '}
                  · <a href={result.proposal.url}>pull request</a>
                </>
              )}
              .
            </>
          )}
        </div>
      )}
      {diff !== null && (
        <section aria-labelledby="preview">
          <h2 id="preview">What would change</h2>
          <Diff diff={diff} label="Preview of the change" />
        </section>
      )}
    </section>
  );
}
