// The outside baseline of bench/wasm: the same flipt.wasm under Node's WASI (node:wasi, preview 1).
//
//   node bench/wasm-node.mjs --wasm controllers/flipt/flipt.wasm --fixtures DIR --out FILE \
//     [--warmup 200] [--count 100] [--block 10]
//
// The module is compiled once; every call gets a fresh WASI context and a fresh instance, the way
// Cup runs a controller. The guest's "/" is a preopened directory of plain files (DIR/tree, a copy
// of the small repository's files; the puts run on a scratch copy of it). Timed per call: new WASI
// + new WebAssembly.Instance + wasi.start(). Opening the stdin/stdout/stderr files before the call
// and reading them after it are not timed, nor are the checks of every answer: a list must print
// the fixture's number of Flags (all parsed, in order), a put must leave features.yml exactly as
// expected (one line changed), the trivial call (`list Flag nowhere`, a namespace without a file)
// must print nothing. Any wrong answer exits 1 without a result.
import { WASI } from 'node:wasi';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

process.removeAllListeners('warning'); // node:wasi is "experimental"

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  return process.argv[at + 1];
}

const wasmFile = option('wasm');
const fixtures = option('fixtures');
const out = option('out');
const warmup = Number(option('warmup', '200'));
const count = Number(option('count', '100'));
const block = Number(option('block', '10'));
if (block % 2 !== 0) throw new Error('--block must be even (puts alternate two bodies)');

const fx = JSON.parse(fs.readFileSync(path.join(fixtures, 'fixtures.json'), 'utf8'));
let cleanUp = () => {}; // removes the scratch directory of the mode that runs
if (option('mode', 'flipt') === 'per-file') {
  perFile();
  process.exit(0);
}
const scratch = fs.mkdtempSync(path.join(fixtures, 'node-'));
cleanUp = () => fs.rmSync(scratch, { recursive: true, force: true });
const listRoot = path.join(fixtures, 'tree');
const putRoot = path.join(scratch, 'put-tree');
fs.cpSync(listRoot, putRoot, { recursive: true });
const original = fs.readFileSync(path.join(fixtures, 'features.yml'), 'utf8');
const expectedPut = fs.readFileSync(path.join(fixtures, 'expected-put.yml'), 'utf8');
const putBody = fs.readFileSync(path.join(fixtures, 'put-flag.json'));
const putBackBody = fs.readFileSync(path.join(fixtures, 'put-flag-back.json'));
const putFile = path.join(putRoot, fx.namespace, 'features.yml');

const compileStart = performance.now();
const module = new WebAssembly.Module(fs.readFileSync(wasmFile));
const compileMs = performance.now() - compileStart;

const io = path.join(scratch, 'io');
fs.mkdirSync(io);
fs.writeFileSync(path.join(io, 'empty'), '');
fs.writeFileSync(path.join(io, 'put'), putBody);
fs.writeFileSync(path.join(io, 'put-back'), putBackBody);

/** One call: fresh WASI + instance; returns [ms, exit code, stdout, stderr]. */
function call(root, args, stdinName) {
  const fin = fs.openSync(path.join(io, stdinName), 'r');
  const fout = fs.openSync(path.join(io, 'out'), 'w');
  const ferr = fs.openSync(path.join(io, 'err'), 'w');
  const t0 = performance.now();
  const wasi = new WASI({
    version: 'preview1', args: ['flipt', ...args], env: {}, preopens: { '/': root },
    stdin: fin, stdout: fout, stderr: ferr, returnOnExit: true,
  });
  const instance = new WebAssembly.Instance(module, wasi.getImportObject());
  const code = wasi.start(instance);
  const ms = performance.now() - t0;
  [fin, fout, ferr].forEach((fd) => fs.closeSync(fd));
  return [ms, code, fs.readFileSync(path.join(io, 'out'), 'utf8'),
    fs.readFileSync(path.join(io, 'err'), 'utf8')];
}

function fail(message) {
  console.error(`wasm-node: wrong answer: ${message}`);
  cleanUp();
  process.exit(1);
}

let puts = 0;
const ops = {
  list() {
    const [ms, code, stdout, stderr] = call(listRoot, ['list', 'Flag', fx.namespace], 'empty');
    if (code !== 0) fail(`list exited ${code}: ${stderr}`);
    const lines = stdout.split('\n').filter(Boolean);
    if (lines.length !== fx.flags) fail(`list printed ${lines.length} Flags, not ${fx.flags}`);
    lines.forEach((line, i) => {
      const r = JSON.parse(line);
      if (r.kind !== 'Flag' || r.metadata.name !== `flag-${String(i).padStart(5, '0')}`) {
        fail(`list line ${i + 1} is ${line.slice(0, 120)}`);
      }
    });
    return ms;
  },
  put() {
    const back = puts++ % 2 === 1; // alternate: change the flag, then put it back
    const [ms, code, stdout, stderr] = call(putRoot, ['put', 'Flag', fx.namespace, fx.put_flag],
      back ? 'put-back' : 'put');
    if (code !== 0) fail(`put exited ${code}: ${stderr}`);
    if (stdout !== '') fail(`put printed ${stdout.slice(0, 200)}`);
    const now = fs.readFileSync(putFile, 'utf8');
    if (now !== (back ? original : expectedPut)) fail(`features.yml after put ${puts} is not the expected text`);
    return ms;
  },
  trivial() {
    const [ms, code, stdout, stderr] = call(listRoot, ['list', 'Flag', 'nowhere'], 'empty');
    if (code !== 0 || stdout !== '') fail(`list Flag nowhere exited ${code}: ${stdout}${stderr}`);
    return ms;
  },
};

// the stored flag is what `get` answers: the put bodies are the right shape
{
  const [, code, stdout, stderr] = call(listRoot, ['get', 'Flag', fx.namespace, fx.put_flag], 'empty');
  if (code !== 0) fail(`get exited ${code}: ${stderr}`);
  if (JSON.stringify(JSON.parse(stdout)) !== JSON.stringify(JSON.parse(putBackBody))) {
    fail(`get ${fx.put_flag} answered ${stdout}, not put-flag-back.json`);
  }
}

const samples = { list: [], put: [], trivial: [] };
const started = performance.now();
for (const op of Object.keys(ops)) {
  for (let i = 0; i < warmup; i++) ops[op]();
}
const warmupSeconds = (performance.now() - started) / 1000;
// measured in blocks, the operations taking turns, so that a slow spell of the machine hits all
for (let done = 0; done < count; done += block) {
  for (const op of Object.keys(ops)) {
    for (let i = 0; i < Math.min(block, count - done); i++) samples[op].push(ops[op]());
  }
}
if (fs.readFileSync(putFile, 'utf8') !== original && puts % 2 === 0) fail('features.yml not restored');
fs.rmSync(scratch, { recursive: true, force: true });
fs.writeFileSync(out, JSON.stringify({
  node: process.version, compile_ms: compileMs, warmup, count, block,
  warmup_seconds: warmupSeconds, samples_ms: samples,
}));

// --mode per-file: controllers/per-file/per-file.wasm (--wasm) over fixtures/per-file/tree, the
// baseline of the end-to-end HTTP part. Calls: `list Widget default` (1,000 files in one
// directory), `get Widget default <one>`, `list Widget big` (the big files). Every answer is
// checked as wasm-http.py checks the server's: the number of resources, names in order, the name.
function perFile() {
  const pf = fx.per_file;
  const root = path.join(fixtures, 'per-file', 'tree');
  const mod = new WebAssembly.Module(fs.readFileSync(wasmFile));
  const scratch = fs.mkdtempSync(path.join(fixtures, 'node-per-file-'));
  cleanUp = () => fs.rmSync(scratch, { recursive: true, force: true });
  fs.writeFileSync(path.join(scratch, 'empty'), '');
  const run = (args) => {
    const fin = fs.openSync(path.join(scratch, 'empty'), 'r');
    const fout = fs.openSync(path.join(scratch, 'out'), 'w');
    const ferr = fs.openSync(path.join(scratch, 'err'), 'w');
    const t0 = performance.now();
    const wasi = new WASI({
      version: 'preview1', args: ['per-file', ...args], env: {}, preopens: { '/': root },
      stdin: fin, stdout: fout, stderr: ferr, returnOnExit: true,
    });
    const code = wasi.start(new WebAssembly.Instance(mod, wasi.getImportObject()));
    const ms = performance.now() - t0;
    [fin, fout, ferr].forEach((fd) => fs.closeSync(fd));
    const stdout = fs.readFileSync(path.join(scratch, 'out'), 'utf8');
    if (code !== 0) fail(`per-file ${args.join(' ')} exited ${code}: ${fs.readFileSync(path.join(scratch, 'err'), 'utf8')}`);
    return [ms, stdout];
  };
  const stream = (text) => JSON.parse(`[${text.trim().replace(/\n}\n{/g, '\n},\n{')}]`);
  const listOf = (ns, expected) => () => {
    const [ms, stdout] = run(['list', 'Widget', ns]);
    const names = stream(stdout).map((r) => r.metadata.name);
    if (names.length !== expected) fail(`list ${ns} printed ${names.length} Widgets, not ${expected}`);
    if (names.some((n, i) => i > 0 && names[i - 1] >= n)) fail(`list ${ns}: names not in order`);
    return ms;
  };
  const perOps = {
    list: listOf('default', pf.widgets),
    get() {
      const [ms, stdout] = run(['get', 'Widget', 'default', pf.get]);
      if (JSON.parse(stdout).metadata.name !== pf.get) fail(`get ${pf.get} answered another Widget`);
      return ms;
    },
    big: listOf('big', pf.big_widgets),
  };
  const compileStart = performance.now();
  new WebAssembly.Module(fs.readFileSync(wasmFile));
  const compileMs = performance.now() - compileStart;
  const samples = Object.fromEntries(Object.keys(perOps).map((k) => [k, []]));
  const started = performance.now();
  for (const op of Object.keys(perOps)) for (let i = 0; i < warmup; i++) perOps[op]();
  const warmupSeconds = (performance.now() - started) / 1000;
  for (let done = 0; done < count; done += block) {
    for (const op of Object.keys(perOps)) {
      for (let i = 0; i < Math.min(block, count - done); i++) samples[op].push(perOps[op]());
    }
  }
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.writeFileSync(out, JSON.stringify({
    node: process.version, mode: 'per-file', compile_ms: compileMs, warmup, count, block,
    warmup_seconds: warmupSeconds, samples_ms: samples,
  }));
}
