// Tests original-protocol.wasm under Node's WASI (preview 1): node controllers/original-protocol/test.mjs
import { WASI } from 'node:wasi';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

process.removeAllListeners('warning');
const here = path.dirname(fileURLToPath(import.meta.url));
const module = await WebAssembly.compile(fs.readFileSync(path.join(here, 'original-protocol.wasm')));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'original-protocol-test-'));
const root = path.join(scratch, 'repo');
fs.mkdirSync(root);

async function run(args, stdin = '') {
  const io = fs.mkdtempSync(path.join(scratch, 'io-'));
  fs.writeFileSync(path.join(io, 'in'), stdin);
  const fds = ['in', 'out', 'err'].map((f, i) => fs.openSync(path.join(io, f), i ? 'w' : 'r'));
  const wasi = new WASI({ version: 'preview1', args: ['controller', ...args], env: {},
    preopens: { '/': root }, stdin: fds[0], stdout: fds[1], stderr: fds[2], returnOnExit: true });
  const code = wasi.start(await WebAssembly.instantiate(module, wasi.getImportObject()));
  fds.forEach((fd) => fs.closeSync(fd));
  const read = (f) => fs.readFileSync(path.join(io, f), 'utf8');
  return { code, stdout: read('out'), stderr: read('err') };
}

const res = (name, labels) => ({ apiVersion: 'test.cup.flipt.io/v1alpha1', kind: 'Resource',
  metadata: { namespace: 'default', name, ...(labels ? { labels } : {}) }, spec: { n: name } });

try {
  assert.equal((await run(['put', 'Resource', 'default', 'foo'], JSON.stringify(res('foo')))).code, 0);
  assert.equal((await run(['put', 'Resource', 'default', 'bar'],
    JSON.stringify(res('bar', { a: 'b' }), null, 2))).code, 0);
  assert.deepEqual(fs.readdirSync(path.join(root, 'default')).sort(),
    ['Resource-bar.json', 'Resource-foo.json']);
  const got = await run(['get', 'Resource', 'default', 'bar']);
  assert.equal(got.code, 0);
  assert.deepEqual(JSON.parse(got.stdout), res('bar', { a: 'b' }));
  const listed = await run(['list', 'Resource', 'default']);
  assert.equal(listed.code, 0);
  assert.deepEqual(listed.stdout.trim().split('\n').map((l) => JSON.parse(l)),
    [res('bar', { a: 'b' }), res('foo')]);
  assert.equal((await run(['list', 'Resource', 'empty'])).stdout, '');
  assert.equal((await run(['delete', 'Resource', 'default', 'foo'])).code, 0);
  const gone = await run(['get', 'Resource', 'default', 'foo']);
  assert.equal(gone.code, 2);
  assert.match(gone.stderr, /not found/);
  assert.equal((await run(['delete', 'Resource', 'default', 'foo'])).code, 2);
  assert.equal((await run(['get', 'Resource', '..', 'foo'])).code, 1);
  assert.equal((await run(['frob', 'Resource', 'default', 'foo'])).code, 1);
  console.log('ok   original-protocol: put, get, list, delete, not found (2), bad input (1)');
} catch (e) {
  console.log(`FAIL original-protocol\n${e.stack}`);
  process.exitCode = 1;
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
