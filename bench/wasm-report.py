#!/usr/bin/env python3
"""Writes the report of bench/wasm (markdown) from its raw results (python3 standard library).

  python3 bench/wasm-report.py --results DIR --out FILE

DIR holds env.json, fixtures.json, java.json (bench/java/WasmBench.java) and node-1.json,
node-2.json (bench/wasm-node.mjs, run before and after the Java part); a part that failed leaves
<part>.error instead, and the report says so.
"""

import argparse
import json
import math
import os


def load(results, name):
  path = os.path.join(results, name)
  if os.path.exists(path):
    with open(path) as f:
      return json.load(f)
  return None


def error(results, name):
  path = os.path.join(results, name + ".error")
  if os.path.exists(path):
    with open(path) as f:
      return f.read().strip() or "failed"
  return None


def pct(values, p):
  """Nearest-rank percentile."""
  s = sorted(values)
  return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def median(values):
  s = sorted(values)
  n = len(s)
  return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def ms(v):
  if v is None:
    return "—"
  if v >= 100:
    return f"{v:.0f} ms"
  if v >= 1:
    return f"{v:.2f} ms"
  return f"{v * 1000:.0f} µs"


def ratio(a, b):
  return None if a is None or b is None or b == 0 else a / b


def fmt_ratio(r):
  return "—" if r is None else f"{r:.2f}×"


def verdict(value, goal):
  if value is None:
    return "not measured"
  return "**met**" if value <= goal else "**not met**"


def per_file_section(w, results, fx, http, pnodes):
  """End to end over HTTP with controllers/per-file against Node's WASI without HTTP."""
  pf = fx.get("per_file", {})
  w("## End to end over HTTP: one file per resource (`controllers/per-file/per-file.wasm`)")
  w("")
  for part in ("http", "http-before", "node-per-file-1", "node-per-file-2"):
    e = error(results, part)
    if e:
      w(f"**{part} failed**: {e}")
      w("")
  w(f"`cup serve` against `git daemon` serving `per-file.git` (commit {pf.get('commit', '?')[:12]}, "
    f"{pf.get('files', '?')} files): `default/widget/` holds {pf.get('widgets', '?')} Widgets, "
    f"one JSON file each, in one directory ({pf.get('widget_bytes', '?')} bytes in all); "
    f"`big/widget/` {pf.get('big_widgets', '?')} Widgets of {pf.get('big_widget_bytes', '?')} "
    f"bytes each; `tpl/` 1,000 Items of the template controller; `deep/` "
    f"{pf.get('deep_files', '?')} unrelated files eight directories deep. Median wall time per "
    "request, sequential GETs on one keep-alive connection per server (python http.client), from "
    "sending the request to the last byte of the body, default configuration (logs on). Node: "
    "the same `per-file.wasm` under `node:wasi` over the same files as plain files, a fresh "
    "instance per call, **no HTTP**. `before` is the baseline jar (the code before this change), "
    "`after` the jar under test; both servers ran in this run, taking turns block by block.")
  w("")
  samples = dict(http["samples_ms"]) if http else {}
  node = {}
  for n in pnodes:
    for op, v in n["samples_ms"].items():
      node.setdefault(op, []).extend(v)
  servers = list(http["servers"]) if http else []

  def m(values):
    return median(values) if values else None

  engines = {name: load(results, f"engine-per-file-{name}.json") for name in ("before", "after")}
  engines = {k: v for k, v in engines.items() if v}
  for name in ("before", "after"):
    e = error(results, f"engine-per-file-{name}")
    if e:
      w(f"**engine-per-file-{name} failed**: {e}")
      w("")
  if engines:
    w("**Per call, engine level** (what the goal is judged on: the same calls as Node's, no server "
      "and no HTTP on either side): `bench/java/WasmBench.java --mode per-file` — per call a view "
      "of the commit made as the server's clone makes it (shared object cache) + `WasmRunner.run` "
      "(fresh instance, Cup's WASI, default limits); `get-own-cache` is the same get over a view "
      "with its own cache (`GitRevisionView.of`: trees parsed afresh per call). Node: new `WASI` + "
      "new `Instance` + `start`, module compiled once. Medians.")
    w("")
    names = [n for n in ("before", "after") if n in engines]
    head = ("| call | " + " | ".join(f"Cup {n}" for n in names) + " | node WASI | "
            + " | ".join(f"{n} / node" for n in names) + " | goal ≤ 2× node |")
    w(head)
    w("|" + " --- |" * (head.count("|") - 1))
    labels = [("get", "get", f"`get Widget default {pf.get('get', '?')}`"),
              ("get-own-cache", "get", "the same get, view with its own cache"),
              ("list", "list", f"`list Widget default` ({pf.get('widgets', '?')} files)"),
              ("big", "big", f"`list Widget big` ({pf.get('big_widgets', '?')} big files)")]
    for op, node_op, label in labels:
      vals = [m(engines[n]["samples_ms"].get(op)) for n in names]
      if all(v is None for v in vals):
        continue
      nm = m(node.get(node_op))
      ratios = [ratio(v, nm) for v in vals]
      goal = verdict(ratios[-1], 2.0) if op in ("get", "list") else "context"
      w(f"| {label} | " + " | ".join(ms(v) for v in vals) + f" | {ms(nm)} | "
        + " | ".join(fmt_ratio(r) for r in ratios) + f" | {goal} |")
    w("")
    w("Engine level, milliseconds per call, nearest-rank percentiles:")
    w("")
    w("| jar and call | n | p10 | p50 | p90 | min | max |")
    w("| --- | --- | --- | --- | --- | --- | --- |")
    for n in names:
      for op, v in engines[n]["samples_ms"].items():
        w(f"| {n} {op} | {len(v)} | {pct(v, 10):.3f} | {median(v):.3f} | {pct(v, 90):.3f} | "
          f"{min(v):.3f} | {max(v):.3f} |")
    w("")
    w("**End to end over HTTP** (context: the request path around the same call, against Node's "
      "figure without HTTP):")
    w("")

  rows = [("list", f"`GET …/default/widgets` (list of {pf.get('widgets', '?')})"),
          ("get", f"`GET …/default/widgets/{pf.get('get', '?')}?revision=<commit>` (one)"),
          ("big", f"`GET …/big/widgets` (list of {pf.get('big_widgets', '?')} big files)")]
  head = "| request | " + " | ".join(servers) + " | node WASI (no HTTP) | " + " | ".join(
    f"{s} / node" for s in servers) + " | goal ≤ 2× node |"
  w(head)
  w("|" + " --- |" * (head.count("|") - 1))
  for op, label in rows:
    nm = m(node.get(op))
    cells = [ms(m(samples.get(f"{s} {op}"))) for s in servers]
    ratios = [ratio(m(samples.get(f"{s} {op}")), nm) for s in servers]
    goal = verdict(ratios[-1], 2.0) if ratios and op != "big" else ("context" if op == "big" else "—")
    w(f"| {label} | " + " | ".join(cells) + f" | {ms(nm)} | " + " | ".join(
      fmt_ratio(r) for r in ratios) + f" | {goal} |")
  w("")
  if samples:
    w("The template controller over the same server (the figure already met: list of 1,000 ≤ 20 "
      "ms p50):")
    w("")
    w("| request | " + " | ".join(servers) + " | goal ≤ 20 ms |")
    w("|" + " --- |" * (len(servers) + 2))
    last = m(samples.get(f"{servers[-1]} template"))
    w("| `GET …/tpl/items` (list of 1,000, template controller) | " + " | ".join(
      ms(m(samples.get(f"{s} template"))) for s in servers) + f" | {verdict(last, 20.0)} |")
    w("")
    w("Milliseconds per request, nearest-rank percentiles:")
    w("")
    w("| server and request | n | p10 | p50 | p90 | min | max |")
    w("| --- | --- | --- | --- | --- | --- | --- |")
    for key, v in samples.items():
      w(f"| {key} | {len(v)} | {pct(v, 10):.2f} | {median(v):.2f} | {pct(v, 90):.2f} | "
        f"{min(v):.2f} | {max(v):.2f} |")
    for op, v in node.items():
      w(f"| node {op} | {len(v)} | {pct(v, 10):.2f} | {median(v):.2f} | {pct(v, 90):.2f} | "
        f"{min(v):.2f} | {max(v):.2f} |")
    w("")
    if http.get("server_errors"):
      w(f"Server errors (5xx, not timed, left out of the figures): {http['server_errors']}")
      w("")
    w(f"Node ran twice, before and after the HTTP part; its figures pool both (medians per run: "
      + "; ".join(f"{op} " + " / ".join(f"{median(n['samples_ms'][op]):.2f} ms" for n in pnodes)
                  for op in node) + f"). Body bytes: {http.get('body_bytes')}.")
    w("")


def main():
  p = argparse.ArgumentParser()
  p.add_argument("--results", required=True)
  p.add_argument("--out", required=True)
  a = p.parse_args()
  env = load(a.results, "env.json") or {}
  fx = load(a.results, "fixtures.json") or {}
  java = load(a.results, "java.json")
  nodes = [load(a.results, f"node-{i}.json") for i in (1, 2)]
  nodes = [n for n in nodes if n]

  samples = {}
  if java:
    samples.update(java["samples_ms"])
  node_halves = {}
  for n in nodes:
    for op, v in n["samples_ms"].items():
      samples.setdefault(f"node {op}", []).extend(v)
      node_halves.setdefault(op, []).append(median(v))

  def med(name):
    v = samples.get(name)
    return median(v) if v else None

  lines = []
  w = lines.append
  w("# Cup WASM benchmark results")
  w("")
  w(f"- Date: {env.get('date', '?')}")
  w(f"- Machine: {env.get('nproc', '?')} cores, {env.get('mem', '?')} memory; "
    f"{env.get('java', '?')}; node {env.get('node', '?')}")
  w(f"- Cup: `{env.get('jar', '?')}` ({env.get('jar_note', '?')}); "
    f"source tree at {env.get('revision', '?')}")
  if java:
    w(f"- JVM of the Chicory part: {java['java']}, max heap {java['max_heap_mib']} MiB, "
      f"options `{env.get('java_opts') or '(none)'}`")
  w(f"- Load average (1/5/15 min) at start: {env.get('load_start', '?')}, "
    f"at end: {env.get('load_end', '?')}")
  w(f"- Run: `{env.get('invocation', 'bash bench/wasm')}`, {env.get('total_seconds', '?')} s "
    "in all, on one machine shared by everything it runs, so figures are noisy: medians and "
    "ratios only, every ratio between figures of this same run")
  w(f"- Module: `controllers/flipt/flipt.wasm` ({env.get('wasm_bytes', '?')} bytes, sha256 "
    f"{env.get('wasm_sha', '?')}), the example Flipt controller built from C with wasi-libc")
  w(f"- Fixture (bench/gen-wasm-fixtures.py): `{fx.get('features', '?')}` with "
    f"{fx.get('flags', '?')} flags ({fx.get('features_bytes', '?')} bytes); repositories of "
    f"{fx.get('small_files', '?')} and {fx.get('large_files', '?')} files; work directory on "
    f"{env.get('work_fs', '?')}")
  w("")

  failures = [(n, error(a.results, n)) for n in ("fixtures", "java", "node-1", "node-2")]
  failures = [(n, e) for n, e in failures if e]
  if failures:
    w("**Failed parts** (no figures from them):")
    w("")
    for n, e in failures:
      w(f"- {n}: {e}")
    w("")

  w("## Summary")
  w("")
  w("Median wall time per call, each call on a fresh instance of the module (as the server runs "
    "a controller). Chicory: `GitRevisionView.of` + `WasmRunner.run` on the small repository; "
    "Node: `new WASI` + `new WebAssembly.Instance` + `wasi.start` over a preopened directory of "
    "the same files (see Method).")
  w("")
  w("| call | Chicory compiled | Chicory interpreter | Node WASI (baseline) | compiled / node | "
    "interpreter / node | goal compiled ≤ 2× node |")
  w("| --- | --- | --- | --- | --- | --- | --- |")
  for op, label in (("list", f"`list Flag {fx.get('namespace', '?')}` ({fx.get('flags', '?')} "
                     "flags)"),
                    ("put", f"`put Flag {fx.get('namespace', '?')} {fx.get('put_flag', '?')}` "
                     "(one flag changed)")):
    c, i, n = med(f"compiled {op}"), med(f"interpreted {op}"), med(f"node {op}")
    rc, ri = ratio(c, n), ratio(i, n)
    w(f"| {label} | {ms(c)} | {ms(i)} | {ms(n)} | {fmt_ratio(rc)} | {fmt_ratio(ri)} | "
      f"{verdict(rc, 2.0)} |")
  w("")
  w("Per-call instantiation: a trivial call, median.")
  w("")
  w("| call | Chicory compiled | Chicory interpreter | Node WASI (for comparison) | "
    "goal ≤ 1 ms |")
  w("| --- | --- | --- | --- | --- |")
  tc, ti, tn = med("compiled trivial"), med("interpreted trivial"), med("node trivial")
  w(f"| flipt.wasm `list Flag nowhere` (a namespace without `features.yml`: instantiate, start, "
    f"one failed `path_open`, exit 0) | {ms(tc)} | {ms(ti)} | {ms(tn)} | compiled "
    f"{verdict(tc, 1.0)}, interpreter {verdict(ti, 1.0)} |")
  mc, mi = med("compiled minimal"), med("interpreted minimal")
  w(f"| minimal module (one page of memory, empty `_start`) | {ms(mc)} | {ms(mi)} | — | "
    f"compiled {verdict(mc, 1.0)}, interpreter {verdict(mi, 1.0)} |")
  w("")
  ps, pl = med("compiled put"), med("compiled put large")
  rl = ratio(pl, ps)
  w("Repository size: the same put (Chicory compiled) over a `GitRevisionView` of each "
    "repository; the namespace and its `features.yml` are identical, only the rest of the tree "
    "differs.")
  w("")
  w(f"| put, {fx.get('small_files', '?')} files | put, {fx.get('large_files', '?')} files | "
    "ratio large / small | goal ≤ 2× |")
  w("| --- | --- | --- | --- |")
  w(f"| {ms(ps)} | {ms(pl)} | {fmt_ratio(rl)} | {verdict(rl, 2.0)} |")
  w("")

  http = load(a.results, "http.json")
  pnodes = [n for n in (load(a.results, f"node-per-file-{i}.json") for i in (1, 2)) if n]
  if http or pnodes or error(a.results, "http"):
    per_file_section(w, a.results, fx, http, pnodes)

  w("## All figures")
  w("")
  w("Milliseconds per call, nearest-rank percentiles over the measured calls (warm-up calls "
    "excluded).")
  w("")
  w("| call | n | p10 | p50 | p90 | min | max |")
  w("| --- | --- | --- | --- | --- | --- | --- |")
  order = ["compiled list", "interpreted list", "node list", "compiled put", "interpreted put",
           "node put", "compiled put large", "compiled trivial", "interpreted trivial",
           "node trivial", "compiled minimal", "interpreted minimal"]
  for name in order + sorted(set(samples) - set(order)):
    v = samples.get(name)
    if not v:
      continue
    w(f"| {name} | {len(v)} | {pct(v, 10):.3f} | {median(v):.3f} | {pct(v, 90):.3f} | "
      f"{min(v):.3f} | {max(v):.3f} |")
  w("")
  if node_halves:
    w("Node ran twice, before and after the Chicory part; its figures above pool both runs. "
      "Medians of each run: " + "; ".join(
        f"{op} " + " / ".join(f"{x:.3f} ms" for x in v) for op, v in node_halves.items()) + ".")
    w("")
  if java:
    lm = java["load_ms"]
    w(f"Loading `flipt.wasm` once (parse, validate; compile to JVM bytecode): compiled "
      f"{lm['compiled']:.0f} ms, interpreter {lm['interpreted']:.0f} ms (the first load in a "
      "cold JVM; it also loads Chicory's classes). Node's `new WebAssembly.Module`: "
      + ", ".join(f"{n['compile_ms']:.1f} ms" for n in nodes) + ".")
    w("")
    w("Warm-up (s, per call kind): " + ", ".join(
      f"{k} {v:.1f}" for k, v in java["warmup_seconds"].items()) + "; node " + ", ".join(
        f"{n['warmup_seconds']:.1f}" for n in nodes) + ".")
    w("")

  w("## Method")
  w("")
  if java:
    w(f"- Chicory: `bench/java/WasmBench.java`, a single-file Java program run against the jar "
      f"(`java -cp cup.jar bench/java/WasmBench.java …`). It loads `flipt.wasm` with "
      "`WasmModule.load(name, path, COMPILED)` and `(…, INTERPRETED)` and runs calls with "
      "`WasmRunner.run(view, call)` under the default memory and output limits (64 MiB, 16 MiB) and a wall-time limit of 60 s (the interpreter's first calls in a cold JVM can take over 5 s) — the "
      "engine's own WASI, copy-on-write overlay and change capture. Timed per call: "
      "`GitRevisionView.of(repository, commit)` (as for a request) + `run`; the two trivial "
      "calls use one view made beforehand. The repositories are bare, opened once with JGit.")
    w(f"- Warm-up, then measurement: {java['warmup']} warm-up calls of each kind, then "
      f"{java['count']} measured; the interpreter's list and put (seconds per call) "
      f"{java['slow_warmup']} warm-up calls and {java['slow_count']} measured. Measured calls "
      f"run in blocks of {java['block']}, the kinds taking turns, so that a slow spell of the "
      "machine hits all kinds alike.")
  w("- Node: `bench/wasm-node.mjs` under `node --no-turbo-fast-api-calls` (see README: without "
    "it Node 20's WASI crashes with a segmentation fault after some dozens of instances). The "
    "module is compiled once (`new WebAssembly.Module`); each call makes a new `WASI` "
    "(preview1, `returnOnExit`, env empty, `/` preopened), a new `WebAssembly.Instance` and runs "
    "`wasi.start`. stdin/stdout/stderr are files on the work directory's file system, opened "
    "before and read after the timed part. The list runs over `tree/` (the small repository's "
    "files as plain files); the puts run over a copy of it, alternating the changed flag and "
    "the original so that every put writes.")
  w("- Every answer is checked, untimed, and a wrong one stops the run without figures: a list "
    "must print exactly the fixture's flags, each parsed, in order; a put must change exactly "
    "`default/features.yml` into exactly the expected text (one line differs) — Chicory: the "
    "captured change set; Node: the file on disk; the trivial calls must exit 0 with no output.")
  w("- The three ways run the same `.wasm` bytes. Chicory reads the file from the Git object "
    "database through the lazy view (zlib-inflated blob per call, JGit's caches warm); Node "
    "reads a plain file from the work directory's file system.")
  w("")
  with open(a.out, "w") as f:
    f.write("\n".join(lines))


if __name__ == "__main__":
  main()
