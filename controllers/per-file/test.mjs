// Tests per-file.wasm under Node's WASI (preview 1): node controllers/per-file/test.mjs
import { WASI } from 'node:wasi';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

process.removeAllListeners('warning');
const here = path.dirname(fileURLToPath(import.meta.url));
const module = await WebAssembly.compile(fs.readFileSync(path.join(here, 'per-file.wasm')));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'per-file-test-'));
const root = path.join(scratch, 'repo');
fs.mkdirSync(root);

async function run(args, stdin = '') {
  const io = fs.mkdtempSync(path.join(scratch, 'io-'));
  fs.writeFileSync(path.join(io, 'in'), stdin);
  const fds = ['in', 'out', 'err'].map((f, i) => fs.openSync(path.join(io, f), i ? 'w' : 'r'));
  const wasi = new WASI({ version: 'preview1', args: ['per-file', ...args], env: {},
    preopens: { '/': root }, stdin: fds[0], stdout: fds[1], stderr: fds[2], returnOnExit: true });
  const code = wasi.start(await WebAssembly.instantiate(module, wasi.getImportObject()));
  fds.forEach((fd) => fs.closeSync(fd));
  const read = (f) => fs.readFileSync(path.join(io, f), 'utf8');
  return { code, stdout: read('out'), stderr: read('err') };
}

/** A stream of JSON objects, one after another, as the module prints them. */
const stream = (text) => (text.trim() ? JSON.parse(`[${text.trim().replace(/\n}\n{/g, '\n},\n{')}]`) : []);

const widget = (name, spec = { size: name.length }) => ({ apiVersion: 'bench.cup.io/v1',
  kind: 'Widget', metadata: { namespace: 'default', name }, spec });

try {
  const file = path.join(root, 'default', 'widget', 'b.json');
  assert.equal((await run(['put', 'Widget', 'default', 'b'], JSON.stringify(widget('b')))).code, 0);
  assert.equal(fs.readFileSync(file, 'utf8'), `${JSON.stringify(widget('b'), null, 2)}\n`);
  const nested = widget('a', { list: [1, -2.5e3, true, null, { 'q"': 'x\\ny' }], empty: {}, none: [] });
  assert.equal((await run(['put', 'Widget', 'default', 'a'], JSON.stringify(nested))).code, 0);
  assert.deepEqual(JSON.parse((await run(['get', 'Widget', 'default', 'a'])).stdout), nested);
  const listed = await run(['list', 'Widget', 'default', 'team=x']);
  assert.equal(listed.code, 0);
  assert.deepEqual(stream(listed.stdout), [nested, widget('b')]);
  // the same resource again: the file is left as it is
  const before = fs.statSync(file).mtimeMs;
  assert.equal((await run(['put', 'Widget', 'default', 'b'], JSON.stringify(widget('b')))).code, 0);
  assert.equal(fs.statSync(file).mtimeMs, before);
  // refused (3) and invalid (1) bodies change nothing
  const other = await run(['put', 'Widget', 'default', 'b'], JSON.stringify(widget('c')));
  assert.equal(other.code, 3);
  assert.match(other.stderr, /^per-file: metadata.name is 'c', not 'b'/);
  assert.equal((await run(['put', 'Gadget', 'default', 'b'], JSON.stringify(widget('b')))).code, 3);
  assert.equal((await run(['put', 'Widget', 'default', 'b'], '[1]')).code, 3);
  assert.equal((await run(['put', 'Widget', 'default', 'b'], '{"kind": "Widget",')).code, 1);
  assert.equal(fs.readFileSync(file, 'utf8'), `${JSON.stringify(widget('b'), null, 2)}\n`);
  assert.deepEqual(stream((await run(['list', 'Widget', 'empty'])).stdout), []);
  assert.deepEqual(stream((await run(['list', 'Gadget', 'default'])).stdout), []);
  assert.equal((await run(['delete', 'Widget', 'default', 'b'])).code, 0);
  const gone = await run(['get', 'Widget', 'default', 'b']);
  assert.equal(gone.code, 2);
  assert.match(gone.stderr, /Widget default\/b not found/);
  assert.equal((await run(['delete', 'Widget', 'default', 'b'])).code, 2);
  assert.equal((await run(['get', 'Widget', '..', 'a'])).code, 1);
  assert.equal((await run(['get', 'Widget', 'default'])).code, 1);
  assert.equal((await run(['frob', 'Widget', 'default', 'a'])).code, 1);
  console.log('ok   per-file: put, get, list, unchanged put, refused (3), not found (2), bad input (1)');
} catch (e) {
  console.log(`FAIL per-file\n${e.stack}`);
  process.exitCode = 1;
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
