// The official JavaScript Kubernetes client (@kubernetes/client-node), unchanged, against a Cup
// server that serves the demo's Flags (flipt.io/v1alpha1) from default/features.yml with the local
// SCM. Driven by src/test/java/io/cup/e2e/ClientNodeTest.java, which starts the server and checks
// the remote's proposal branches afterwards.
//
// Environment: CUP_URL (http://127.0.0.1:<port>), CUP_NAMESPACE (the demo's "default").
// Output: one JSON line per check, {"check", "ok", "detail"} or {"check", "ok": false, "error"};
// a write's detail names its proposal. Exit status 1 when any check failed.
import {
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  makeInformer,
  setHeaderOptions,
} from '@kubernetes/client-node';

const server = required('CUP_URL');
const namespace = required('CUP_NAMESPACE');
const WITHIN_MS = 60_000;
const GROUP = 'flipt.io';
const VERSION = 'v1alpha1';
const PLURAL = 'flags';
const FLAGS_PATH = `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`;
const PROPOSAL_ANNOTATION = 'cup.flipt.io/proposal';

const kc = new KubeConfig();
// client-node 1.x refuses a plain-HTTP server unless its cluster says insecure-skip-tls-verify
// (there is no TLS to verify on http://); a kubeconfig for it needs the same line.
kc.loadFromOptions({
  clusters: [{ name: 'cup', server, skipTLSVerify: true }],
  users: [{ name: 'nobody' }],
  contexts: [{ name: 'cup', cluster: 'cup', user: 'nobody', namespace }],
  currentContext: 'cup',
});
const custom = kc.makeApiClient(CustomObjectsApi);
const objects = KubernetesObjectApi.makeApiClient(kc);
const at = { group: GROUP, version: VERSION, namespace, plural: PLURAL };

let failed = 0;

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
}

function report(line) {
  process.stdout.write(JSON.stringify(line) + '\n');
}

async function check(name, fn) {
  try {
    const detail = await fn();
    report({ check: name, ok: true, detail: detail ?? {} });
  } catch (e) {
    failed++;
    report({ check: name, ok: false, error: describe(e) });
  }
}

function describe(e) {
  if (e && typeof e.code === 'number') {
    const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body);
    return `HTTP ${e.code}: ${body}`.slice(0, 2000);
  }
  return String((e && e.stack) || e).slice(0, 2000);
}

function expect(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

function equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  expect(a === b, `${what}: expected ${b}, got ${a}`);
}

function names(items) {
  return items.map((item) => item.metadata.name);
}

function flag(name, enabled) {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'Flag',
    metadata: { namespace, name },
    spec: {
      key: name,
      name: name.charAt(0).toUpperCase() + name.slice(1).replaceAll('-', ' '),
      type: 'BOOLEAN_FLAG_TYPE',
      enabled,
    },
  };
}

/** The proposal a write answer carries in its annotation: {id, state}. */
function proposalOf(answer) {
  const value = answer?.metadata?.annotations?.[PROPOSAL_ANNOTATION];
  expect(value, `the answer carries no ${PROPOSAL_ANNOTATION} annotation: ${JSON.stringify(answer)}`);
  const proposal = JSON.parse(value);
  expect(proposal.id, `${PROPOSAL_ANNOTATION} names no id: ${value}`);
  equal(proposal.state, 'open', 'the proposal state');
  return proposal;
}

/** The open proposal that deletes flag `name`, found through the client in Cup's proposal list. */
async function deletionProposal(name) {
  const list = await custom.listClusterCustomObject({
    group: 'cup.flipt.io',
    version: 'v1alpha1',
    plural: 'proposals',
  });
  const open = list.items.filter(
    (p) =>
      p.status?.state === 'open' &&
      (p.spec?.resources ?? []).some((r) => r.name === name && r.action === 'delete'),
  );
  expect(open.length === 1, `one open proposal deletes ${name}: ${JSON.stringify(names(open))}`);
  return open[0].metadata.name;
}

/** Merges a proposal through Cup's proposal API (no Kubernetes verb does that). */
async function merge(id) {
  const response = await fetch(`${server}/apis/cup.flipt.io/v1alpha1/proposals/${id}/merge`, {
    method: 'POST',
    headers: { Accept: 'application/json' },
    signal: AbortSignal.timeout(WITHIN_MS),
  });
  const body = await response.text();
  expect(response.status === 200, `merging ${id}: HTTP ${response.status} ${body}`);
  equal(JSON.parse(body).status?.state, 'merged', `the state of ${id} after the merge`);
}

/**
 * Events in arrival order, and a way to wait for the next one that a predicate accepts (earlier
 * ones are skipped), failing after WITHIN_MS.
 */
class Events {
  constructor() {
    this.queue = [];
    this.waiters = [];
  }

  push(event) {
    this.queue.push(event);
    this.waiters.splice(0).forEach((wake) => wake());
  }

  async next(what, wanted) {
    const deadline = Date.now() + WITHIN_MS;
    for (;;) {
      while (this.queue.length > 0) {
        const event = this.queue.shift();
        if (event.type === 'ERROR') {
          throw new Error(`the stream failed while waiting for ${what}: ${event.error}`);
        }
        if (wanted(event)) {
          return event;
        }
      }
      const left = deadline - Date.now();
      expect(left > 0, `no ${what} within ${WITHIN_MS} ms`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

// -- reads -----------------------------------------------------------------------------------------

let liveUid;

await check('get', async () => {
  const dark = await custom.getNamespacedCustomObject({ ...at, name: 'dark-mode' });
  equal(dark.kind, 'Flag', 'kind');
  equal(dark.metadata.labels, { team: 'web' }, 'labels');
  equal(dark.spec.enabled, true, 'spec.enabled');
  expect(dark.metadata.resourceVersion, 'a resourceVersion');
  expect(dark.metadata.uid, `a uid: ${JSON.stringify(dark.metadata)}`);
  return { resourceVersion: dark.metadata.resourceVersion, uid: dark.metadata.uid };
});

await check('get-missing', async () => {
  try {
    await custom.getNamespacedCustomObject({ ...at, name: 'no-such-flag' });
  } catch (e) {
    equal(e.code, 404, 'the status of a missing flag');
    return {};
  }
  throw new Error('a missing flag was found');
});

await check('list', async () => {
  const list = await custom.listNamespacedCustomObject(at);
  equal(list.kind, 'FlagList', 'kind');
  expect(list.metadata?.resourceVersion, 'a list resourceVersion');
  equal(names(list.items), ['dark-mode', 'new-checkout', 'search-ranking-v2'], 'names');
  return { names: names(list.items) };
});

await check('list-label-selector', async () => {
  const list = await custom.listNamespacedCustomObject({ ...at, labelSelector: 'team=web' });
  equal(names(list.items), ['dark-mode'], 'names with team=web');
  return { names: names(list.items) };
});

await check('object-api-read', async () => {
  const read = await objects.read({
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'Flag',
    metadata: { namespace, name: 'new-checkout' },
  });
  equal(read.spec.type, 'VARIANT_FLAG_TYPE', 'spec.type');
  liveUid = read.metadata.uid;
  return { uid: liveUid };
});

await check('object-api-list-label-selector', async () => {
  const list = await objects.list(
    `${GROUP}/${VERSION}`,
    'Flag',
    namespace,
    undefined,
    undefined,
    undefined,
    undefined,
    'team=payments',
  );
  equal(names(list.items), ['new-checkout'], 'names with team=payments');
  return { names: names(list.items) };
});

// -- writes: each one proposal, left open (the Java side checks the branches) -----------------------

await check('create', async () => {
  const created = await objects.create(flag('js-banner', true));
  equal(created.metadata.name, 'js-banner', 'name');
  equal(created.spec.enabled, true, 'spec.enabled');
  const proposal = proposalOf(created);
  return { proposal: proposal.id, resourceVersion: created.metadata.resourceVersion };
});

await check('create-existing', async () => {
  try {
    await custom.createNamespacedCustomObject({ ...at, body: flag('dark-mode', false) });
  } catch (e) {
    equal(e.code, 409, 'the status of creating an existing flag');
    const status = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
    equal(status.reason, 'AlreadyExists', 'reason');
    return {};
  }
  throw new Error('creating an existing flag succeeded');
});

await check('patch', async () => {
  const patched = await custom.patchNamespacedCustomObject(
    { ...at, name: 'dark-mode', body: { spec: { enabled: false } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  equal(patched.spec.enabled, false, 'spec.enabled');
  expect(patched.spec.rollouts, 'untouched fields stay');
  return { proposal: proposalOf(patched).id };
});

await check('replace', async () => {
  const read = await custom.getNamespacedCustomObject({ ...at, name: 'search-ranking-v2' });
  read.spec.enabled = true;
  const replaced = await custom.replaceNamespacedCustomObject({
    ...at,
    name: 'search-ranking-v2',
    body: read,
  });
  equal(replaced.spec.enabled, true, 'spec.enabled');
  return { proposal: proposalOf(replaced).id };
});

await check('delete', async () => {
  const status = await objects.delete({
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'Flag',
    metadata: { namespace, name: 'new-checkout' },
  });
  equal(status.status, 'Success', 'Status.status');
  equal(status.details?.name, 'new-checkout', 'details.name');
  expect(status.details?.uid, `details.uid: ${JSON.stringify(status)}`);
  expect(status.details.uid !== liveUid, 'details.uid is not the live object uid');
  return { proposal: await deletionProposal('new-checkout'), uid: status.details.uid };
});

// -- watch and informer: a merged proposal is an event ---------------------------------------------

await check('watch', async () => {
  const events = new Events();
  const watch = new Watch(kc);
  const controller = await watch.watch(
    FLAGS_PATH,
    { allowWatchBookmarks: true },
    (type, object) => events.push({ type, object }),
    (err) => events.push({ type: 'ERROR', error: String(err) }),
  );
  try {
    const patched = await custom.patchNamespacedCustomObject(
      { ...at, name: 'dark-mode', body: { metadata: { labels: { watched: 'yes' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const id = proposalOf(patched).id;
    await merge(id);
    const event = await events.next(
      'a MODIFIED event for dark-mode',
      (e) => named(e, 'dark-mode') && e.object.metadata.labels?.watched === 'yes',
    );
    equal(event.type, 'MODIFIED', 'event type');
    equal(event.object.metadata.labels, { team: 'web', watched: 'yes' }, 'labels after the merge');
    return { proposal: id };
  } finally {
    controller.abort();
  }
});

await check('informer', async () => {
  const events = new Events();
  const informer = makeInformer(kc, FLAGS_PATH, () => custom.listNamespacedCustomObject(at));
  for (const verb of ['add', 'update', 'delete']) {
    informer.on(verb, (object) => events.push({ type: verb, object }));
  }
  informer.on('error', (err) => events.push({ type: 'ERROR', error: String(err) }));
  await informer.start();
  try {
    expect(informer.get('dark-mode', namespace), 'the cache holds dark-mode after the start');
    const proposals = [];

    const created = await custom.createNamespacedCustomObject({
      ...at,
      body: flag('js-informed', true),
    });
    proposals.push(proposalOf(created).id);
    await merge(proposals.at(-1));
    const added = await events.next('an add of js-informed', (e) => named(e, 'js-informed'));
    equal(added.type, 'add', 'the event for a merged create');

    const patched = await custom.patchNamespacedCustomObject(
      { ...at, name: 'js-informed', body: { spec: { enabled: false } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    proposals.push(proposalOf(patched).id);
    await merge(proposals.at(-1));
    const updated = await events.next('an update of js-informed', (e) => named(e, 'js-informed'));
    equal(updated.type, 'update', 'the event for a merged patch');
    equal(updated.object.spec.enabled, false, 'spec.enabled after the merge');
    equal(informer.get('js-informed', namespace)?.spec?.enabled, false, 'the cached flag');

    await custom.deleteNamespacedCustomObject({ ...at, name: 'js-informed' });
    proposals.push(await deletionProposal('js-informed'));
    await merge(proposals.at(-1));
    const deleted = await events.next('a delete of js-informed', (e) => named(e, 'js-informed'));
    equal(deleted.type, 'delete', 'the event for a merged delete');
    expect(!informer.get('js-informed', namespace), 'js-informed is gone from the cache');
    return { proposals };
  } finally {
    await informer.stop();
  }
});

function named(event, name) {
  return event.object?.metadata?.name === name;
}

process.exit(failed === 0 ? 0 : 1);
