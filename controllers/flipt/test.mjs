// Tests flipt.wasm under Node's WASI (preview 1): node controllers/flipt/test.mjs
// Each call gets a fresh instance over a scratch copy of testdata/repository, with the copy
// preopened as the guest's "/". Exits non-zero on the first failure.
import { WASI } from 'node:wasi';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

process.removeAllListeners('warning'); // node:wasi is "experimental"; keep the output readable

const here = path.dirname(fileURLToPath(import.meta.url));
const module = await WebAssembly.compile(fs.readFileSync(path.join(here, 'flipt.wasm')));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'flipt-wasm-test-'));

function fresh(name) {
  const root = path.join(scratch, name);
  fs.cpSync(path.join(here, 'testdata', 'repository'), root, { recursive: true });
  return root;
}

async function run(root, args, { stdin = '', preopen = '/' } = {}) {
  const io = fs.mkdtempSync(path.join(scratch, 'io-'));
  fs.writeFileSync(path.join(io, 'in'), typeof stdin === 'string' ? stdin : JSON.stringify(stdin));
  const fin = fs.openSync(path.join(io, 'in'), 'r');
  const fout = fs.openSync(path.join(io, 'out'), 'w');
  const ferr = fs.openSync(path.join(io, 'err'), 'w');
  const wasi = new WASI({
    version: 'preview1', args: ['flipt', ...args], env: {}, preopens: { [preopen]: root },
    stdin: fin, stdout: fout, stderr: ferr, returnOnExit: true,
  });
  const code = wasi.start(await WebAssembly.instantiate(module, wasi.getImportObject()));
  [fin, fout, ferr].forEach((fd) => fs.closeSync(fd));
  return {
    code,
    stdout: fs.readFileSync(path.join(io, 'out'), 'utf8'),
    stderr: fs.readFileSync(path.join(io, 'err'), 'utf8'),
  };
}

const ok = async (root, args, opts) => {
  const r = await run(root, args, opts);
  assert.equal(r.code, 0, `${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
};
const get = async (root, kind, ns, name) =>
  JSON.parse((await ok(root, ['get', kind, ns, name])).stdout);
const list = async (root, kind, ns, ...labels) =>
  (await ok(root, ['list', kind, ns, ...labels])).stdout.split('\n').filter(Boolean)
    .map((l) => JSON.parse(l));
const file = (root, ns) => fs.readFileSync(path.join(root, ns, 'features.yml'), 'utf8');

let passed = 0;
const tests = [];
const test = (name, fn) => tests.push([name, fn]);

// testdata/repository is the demo repository the server packages (src/main/resources/demo);
// testdata/expected holds each of its resources as the controller must return it.
const demoDir = path.join(here, 'testdata', 'expected');
const demo = [];
for (const ns of ['default', 'production']) {
  for (const f of fs.readdirSync(path.join(demoDir, ns)).sort()) {
    demo.push(JSON.parse(fs.readFileSync(path.join(demoDir, ns, f), 'utf8')));
  }
}

const flag = (ns, name, spec = {}, labels) => ({
  apiVersion: 'flipt.io/v1alpha1', kind: 'Flag',
  metadata: { namespace: ns, name, ...(labels ? { labels } : {}) },
  spec: { key: name, name: `Flag ${name}`, type: 'BOOLEAN_FLAG_TYPE', enabled: true, ...spec },
});
const segment = (ns, name, spec = {}) => ({
  apiVersion: 'flipt.io/v1alpha1', kind: 'Segment', metadata: { namespace: ns, name },
  spec: { key: name, name: `Segment ${name}`, matchType: 'ANY_MATCH_TYPE', ...spec },
});

test('get returns every resource of the demo repository exactly as testdata/expected has it', async () => {
  const root = fresh('get-demo');
  for (const res of demo) {
    assert.deepEqual(await get(root, res.kind, res.metadata.namespace, res.metadata.name), res);
  }
});

test('list returns the kind in the namespace, in file order, one JSON object per line', async () => {
  const root = fresh('list');
  assert.deepEqual((await list(root, 'Flag', 'default')).map((r) => r.metadata.name),
    ['dark-mode', 'new-checkout', 'search-ranking-v2']);
  assert.deepEqual((await list(root, 'Segment', 'default')).map((r) => r.metadata.name),
    ['beta-users', 'internal-staff']);
  assert.deepEqual((await list(root, 'Segment', 'production')).map((r) => r.metadata.name),
    ['beta-users']);
  assert.deepEqual(await list(root, 'Flag', 'nowhere'), []);
});

test('list filters by k=v labels (all must match)', async () => {
  const root = fresh('labels');
  assert.deepEqual((await list(root, 'Flag', 'default', 'team=web')).map((r) => r.metadata.name),
    ['dark-mode']);
  assert.deepEqual(await list(root, 'Flag', 'default', 'team=nobody'), []);
  assert.deepEqual(await list(root, 'Segment', 'default', 'team=web'), []);
  await ok(root, ['put', 'Flag', 'default', 'promo'],
    { stdin: flag('default', 'promo', {}, { team: 'web', tier: 'gold' }) });
  assert.deepEqual(
    (await list(root, 'Flag', 'default', 'team=web')).map((r) => r.metadata.name),
    ['dark-mode', 'promo']);
  assert.deepEqual(
    (await list(root, 'Flag', 'default', 'team=web', 'tier=gold')).map((r) => r.metadata.name),
    ['promo']);
});

test('put of every unchanged resource leaves features.yml byte-identical', async () => {
  const root = fresh('unchanged');
  const before = { default: file(root, 'default'), production: file(root, 'production') };
  for (const res of demo) {
    const ns = res.metadata.namespace;
    const got = await get(root, res.kind, ns, res.metadata.name);
    await ok(root, ['put', res.kind, ns, res.metadata.name], { stdin: got });
    // the same resource with its keys in another order is still unchanged
    const shuffled = { spec: got.spec, metadata: got.metadata, kind: got.kind,
      apiVersion: got.apiVersion };
    await ok(root, ['put', res.kind, ns, res.metadata.name], { stdin: shuffled });
  }
  assert.equal(file(root, 'default'), before.default);
  assert.equal(file(root, 'production'), before.production);
});

test('put of a changed flag rewrites only that entry, keeping the others and their order',
  async () => {
    const root = fresh('change');
    const before = file(root, 'default').split('\n');
    const res = await get(root, 'Flag', 'default', 'new-checkout');
    res.spec.enabled = false;
    await ok(root, ['put', 'Flag', 'default', 'new-checkout'], { stdin: res });
    const after = file(root, 'default').split('\n');
    assert.equal(after.length, before.length);
    const diff = after.map((l, i) => [before[i], l]).filter(([a, b]) => a !== b);
    assert.deepEqual(diff, [['  enabled: true', '  enabled: false']]);
    assert.equal((await get(root, 'Flag', 'default', 'new-checkout')).spec.enabled, false);
    assert.deepEqual((await list(root, 'Flag', 'default')).map((r) => r.metadata.name),
      ['dark-mode', 'new-checkout', 'search-ranking-v2']);
  });

test('put of a segment maps matchType to match_type and keeps the flags', async () => {
  const root = fresh('segment');
  const flagsBefore = await list(root, 'Flag', 'default');
  const res = await get(root, 'Segment', 'default', 'internal-staff');
  res.spec.matchType = 'ALL_MATCH_TYPE';
  res.spec.constraints.push({ type: 'NUMBER_COMPARISON_TYPE', property: 'age', operator: 'gte',
    value: '18' });
  await ok(root, ['put', 'Segment', 'default', 'internal-staff'], { stdin: res });
  const text = file(root, 'default');
  assert.match(text, /  match_type: ALL_MATCH_TYPE\n/);
  assert.match(text, /    value: "18"\n/); // a string that looks like a number stays a string
  assert.doesNotMatch(text, /matchType/);
  assert.deepEqual(await get(root, 'Segment', 'default', 'internal-staff'), res);
  assert.deepEqual(await list(root, 'Flag', 'default'), flagsBefore);
});

test('two flags put into a new namespace end up in one features.yml', async () => {
  const root = fresh('new-ns');
  const a = flag('staging', 'alpha', {}, { team: 'web' });
  const b = flag('staging', 'beta', { type: 'VARIANT_FLAG_TYPE', enabled: false,
    variants: [{ key: 'on', name: 'On' }, { key: 'off', attachment: { weight: 1.5 } }] });
  await ok(root, ['put', 'Flag', 'staging', 'alpha'], { stdin: a });
  await ok(root, ['put', 'Flag', 'staging', 'beta'], { stdin: b });
  assert.deepEqual(fs.readdirSync(path.join(root, 'staging')), ['features.yml']);
  const text = file(root, 'staging');
  assert.equal(text, [
    'namespace: staging', 'flags:',
    '- key: alpha', '  name: Flag alpha', '  type: BOOLEAN_FLAG_TYPE', '  enabled: true',
    '  labels:', '    team: web',
    '- key: beta', '  name: Flag beta', '  type: VARIANT_FLAG_TYPE', '  enabled: false',
    '  variants:', '  - key: "on"', '    name: "On"', '  - key: "off"', '    attachment:',
    '      weight: 1.5', ''].join('\n'));
  assert.deepEqual(await get(root, 'Flag', 'staging', 'alpha'), a);
  assert.deepEqual(await get(root, 'Flag', 'staging', 'beta'), b);
  assert.deepEqual((await list(root, 'Flag', 'staging')).map((r) => r.metadata.name),
    ['alpha', 'beta']);
  // a segment joins the same file, after the flags
  await ok(root, ['put', 'Segment', 'staging', 'everyone'], { stdin: segment('staging', 'everyone') });
  assert.match(file(root, 'staging'), /weight: 1.5\nsegments:\n- key: everyone\n/);
  // spec.key may be left out: the name supplies it
  const c = flag('staging', 'gamma');
  delete c.spec.key;
  await ok(root, ['put', 'Flag', 'staging', 'gamma'], { stdin: c });
  assert.equal((await get(root, 'Flag', 'staging', 'gamma')).spec.key, 'gamma');
  assert.match(file(root, 'staging'), /  value: true\n- key: gamma\n|weight: 1.5\n- key: gamma\n/);
});

test('a flag put into a namespace that only has segments goes before them', async () => {
  const root = fresh('before-segments');
  fs.mkdirSync(path.join(root, 'seg'));
  fs.writeFileSync(path.join(root, 'seg', 'features.yml'),
    'namespace: seg\nsegments:\n- key: s\n  name: S\n  match_type: ALL_MATCH_TYPE\n');
  await ok(root, ['put', 'Flag', 'seg', 'f'], { stdin: flag('seg', 'f') });
  assert.equal(file(root, 'seg'), 'namespace: seg\nflags:\n- key: f\n  name: Flag f\n' +
    '  type: BOOLEAN_FLAG_TYPE\n  enabled: true\nsegments:\n- key: s\n  name: S\n' +
    '  match_type: ALL_MATCH_TYPE\n');
});

test('delete removes only that entry; absent resources exit 2', async () => {
  const root = fresh('delete');
  const before = file(root, 'default');
  await ok(root, ['delete', 'Flag', 'default', 'new-checkout']);
  const after = file(root, 'default');
  const start = before.indexOf('- key: new-checkout');
  const end = before.indexOf('- key: search-ranking-v2');
  assert.equal(after, before.slice(0, start) + before.slice(end));
  assert.equal((await run(root, ['get', 'Flag', 'default', 'new-checkout'])).code, 2);
  const again = await run(root, ['delete', 'Flag', 'default', 'new-checkout']);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /flag default\/new-checkout not found/);
  assert.equal((await run(root, ['delete', 'Segment', 'nowhere', 'x'])).code, 2);
  assert.equal((await run(root, ['get', 'Segment', 'nowhere', 'x'])).code, 2);
  assert.equal((await run(root, ['get', 'Segment', 'default', 'dark-mode'])).code, 2);
  // deleting the last segment leaves an empty list
  await ok(root, ['delete', 'Segment', 'production', 'beta-users']);
  assert.match(file(root, 'production'), /\nsegments: \[\]\n$/);
  assert.deepEqual(await list(root, 'Segment', 'production'), []);
  assert.equal((await list(root, 'Flag', 'production')).length, 2);
});

test('bad input exits 1, a resource it cannot store 3, each with a message on stderr', async () => {
  const root = fresh('bad');
  const cases = [
    [['get', 'Flag', 'default'], '', /takes <kind> <namespace> <name>/],
    [['get', 'Rule', 'default', 'x'], '', /unsupported kind 'Rule'/],
    [['frobnicate', 'Flag', 'default', 'x'], '', /unknown operation/],
    [['get', 'Flag', '..', 'x'], '', /invalid namespace/],
    [['get', 'Flag', 'a/b', 'x'], '', /invalid namespace/],
    [['list', 'Flag', 'default', 'team'], '', /invalid label selector/],
    [['put', 'Flag', 'default', 'x'], '{"apiVersion": ', /invalid JSON/],
    [['put', 'Flag', 'default', 'x'], flag('default', 'y'), /metadata.name must be/, 3],
    [['put', 'Flag', 'default', 'x'], flag('other', 'x'), /metadata.namespace must be/, 3],
    [['put', 'Segment', 'default', 'x'], flag('default', 'x'), /kind must be Segment/, 3],
    [['put', 'Flag', 'default', 'x'], { ...flag('default', 'x'), spec: { key: 'z' } },
      /spec.key must equal/, 3],
    [['put', 'Flag', 'default', 'x'], { ...flag('default', 'x'), spec: [] }, /spec must be/, 3],
    [['put', 'Flag', 'default', 'x'], { ...flag('default', 'x'), apiVersion: 'v1' },
      /apiVersion must be/, 3],
    [['put', 'Segment', 'default', 'x'],
      { ...segment('default', 'x'), spec: { match_type: 'ALL_MATCH_TYPE' } }, /use matchType/, 3],
  ];
  for (const [args, stdin, message, code = 1] of cases) {
    const r = await run(root, args, { stdin });
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  fs.writeFileSync(path.join(root, 'production', 'features.yml'), 'flags:\n- key: a\n  bad\n');
  const r = await run(root, ['list', 'Flag', 'production']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /production\/features.yml: line 3: expected a 'key: value' line/);
  fs.writeFileSync(path.join(root, 'production', 'features.yml'), 'namespace: default\n');
  const wrong = await run(root, ['list', 'Flag', 'production']);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /declares another namespace/);
});

test('hand-written YAML: comments, quoting, block scalars, flow style, 4-space indent', async () => {
  const root = fresh('styles');
  fs.mkdirSync(path.join(root, 'hand'));
  const text = [
    '---',
    '# written by hand',
    'namespace: hand   # the namespace',
    'flags:',
    '    - key: "quoted-key"',
    "      name: 'It''s quoted'",
    '      enabled: yes',
    '      description: |',
    '        First line',
    '          indented line',
    '',
    '        Last line',
    '      variants: [{key: a, name: "A \\u00e9"}, {key: b}]',
    '      attachment_like: {nested: [1, 2.50, 0x1F, .5, ~], "k": v}',
    '    - key: folded',
    '      name: >-',
    '        folded',
    '        text',
    '      enabled: false   # off',
    '      extra_unknown_field:',
    '        - a plain',
    '          continued scalar',
    '        - "double',
    '          quoted"',
    'segments: []',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(root, 'hand', 'features.yml'), text);
  const q = await get(root, 'Flag', 'hand', 'quoted-key');
  assert.deepEqual(q.spec, {
    key: 'quoted-key', name: "It's quoted", enabled: 'yes',
    description: 'First line\n  indented line\n\nLast line\n',
    variants: [{ key: 'a', name: 'A \u00e9' }, { key: 'b' }],
    attachment_like: { nested: [1, 2.50, 31, 0.5, null], k: 'v' },
  });
  const f = await get(root, 'Flag', 'hand', 'folded');
  assert.deepEqual(f.spec, { key: 'folded', name: 'folded text', enabled: false,
    extra_unknown_field: ['a plain continued scalar', 'double quoted'] });
  // unknown fields round-trip, and unchanged puts leave the file as it was
  await ok(root, ['put', 'Flag', 'hand', 'quoted-key'], { stdin: q });
  await ok(root, ['put', 'Flag', 'hand', 'folded'], { stdin: f });
  assert.equal(file(root, 'hand'), text);
  // a change keeps the 4-space style and every untouched value's original text
  f.spec.enabled = true;
  await ok(root, ['put', 'Flag', 'hand', 'folded'], { stdin: f });
  const changed = file(root, 'hand');
  assert.equal(changed, text.replace('      enabled: false   # off\n', '      enabled: true\n'));
  q.spec.description = 'Now\ntwo lines';
  await ok(root, ['put', 'Flag', 'hand', 'quoted-key'], { stdin: q });
  assert.match(file(root, 'hand'), /      description: \|-\n        Now\n        two lines\n/);
  assert.deepEqual(await get(root, 'Flag', 'hand', 'quoted-key'), q);
  // segments: [] (flow) becomes a block list when one is added
  await ok(root, ['put', 'Segment', 'hand', 's'], { stdin: segment('hand', 's') });
  assert.match(file(root, 'hand'), /\nsegments:\n    - key: s\n      name: Segment s\n/);
  assert.deepEqual(await get(root, 'Segment', 'hand', 's'), segment('hand', 's'));
});

test('CRLF files stay CRLF; a file without namespace gets one on put', async () => {
  const root = fresh('crlf');
  fs.mkdirSync(path.join(root, 'win'));
  const text = 'flags:\r\n- key: a\r\n  name: A\r\n  enabled: true\r\n';
  fs.writeFileSync(path.join(root, 'win', 'features.yml'), text);
  const a = await get(root, 'Flag', 'win', 'a');
  assert.deepEqual(a.spec, { key: 'a', name: 'A', enabled: true });
  await ok(root, ['put', 'Flag', 'win', 'b'], { stdin: flag('win', 'b') });
  assert.equal(file(root, 'win'), 'namespace: win\r\n' + text + '- key: b\r\n  name: Flag b\r\n' +
    '  type: BOOLEAN_FLAG_TYPE\r\n  enabled: true\r\n');
});

test('unsupported YAML is refused with its line number', async () => {
  const root = fresh('unsupported');
  const bad = {
    'a: &x 1\n': /line 1: anchors and aliases are not supported/,
    'a: 1\nb: !!str 2\n': /line 2: tags are not supported/,
    'a: 1\n---\nb: 2\n': /several YAML documents/,
    'a: 1\na: 2\n': /line 2: duplicate key/,
    'flags:\n\t- key: a\n': /tab characters/,
  };
  for (const [text, message] of Object.entries(bad)) {
    fs.writeFileSync(path.join(root, 'default', 'features.yml'), text);
    const r = await run(root, ['list', 'Flag', 'default']);
    assert.equal(r.code, 1, text);
    assert.match(r.stderr, message);
  }
});

test('relative paths and a "." preopen work too', async () => {
  const root = fresh('dot');
  const r = await ok(root, ['get', 'Flag', 'production', 'dark-mode'], { preopen: '.' });
  assert.equal(JSON.parse(r.stdout).metadata.name, 'dark-mode');
  await ok(root, ['put', 'Flag', 'production', 'x'], { stdin: flag('production', 'x'), preopen: '.' });
  assert.match(file(root, 'production'), /- key: x\n/);
});

test('1,000 flags: list and put stay correct', async () => {
  const root = fresh('big');
  const lines = ['namespace: big', 'flags:'];
  for (let i = 0; i < 1000; i++) {
    lines.push(`- key: flag-${i}`, `  name: Flag ${i}`, '  type: BOOLEAN_FLAG_TYPE',
      `  enabled: ${i % 2 === 0}`, '  labels:', `    shard: "${i % 10}"`);
  }
  fs.mkdirSync(path.join(root, 'big'));
  fs.writeFileSync(path.join(root, 'big', 'features.yml'), lines.join('\n') + '\n');
  assert.equal((await list(root, 'Flag', 'big')).length, 1000);
  assert.equal((await list(root, 'Flag', 'big', 'shard=3')).length, 100);
  const f = await get(root, 'Flag', 'big', 'flag-500');
  f.spec.enabled = false;
  await ok(root, ['put', 'Flag', 'big', 'flag-500'], { stdin: f });
  assert.equal(file(root, 'big'), lines.join('\n').replace('flag-500\n  name: Flag 500\n' +
    '  type: BOOLEAN_FLAG_TYPE\n  enabled: true', 'flag-500\n  name: Flag 500\n' +
    '  type: BOOLEAN_FLAG_TYPE\n  enabled: false') + '\n');
});

let failed = 0;
for (const [name, fn] of tests) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n${e.stack}`);
  }
}
fs.rmSync(scratch, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
