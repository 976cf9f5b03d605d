#!/usr/bin/env python3
"""Measuring clients and the report writer for bench/run (python3 standard library only).

Subcommands (each writes one JSON result file with --out; see bench/README.md):
  wait-ready  poll GET /readyz until 200 (or the server process dies, or the timeout passes)
  seq-get     sequential GETs on one keep-alive connection, per-request wall time
  put         sequential PUTs, each to a different resource with distinct spec values
  baseline    git worktree add + edit one file + commit + push a new branch, timed
  wrk         one wrk run, parsed from the JSON line printed by bench/wrk-report.lua
  check       GET, list (NDJSON and JSON) and PUT answered correctly (used under load)
  rss         VmHWM and VmRSS of a process from /proc/PID/status
  report      bench/results.md from the result files of one run
"""

import argparse
import datetime
import glob
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse

GROUP = "bench.cup.io"
VERSION = "v1alpha1"
PLURAL = "items"


# ---------------------------------------------------------------------------------------------
# helpers


def percentile(samples, p):
  """Nearest-rank percentile of a non-empty list."""
  ordered = sorted(samples)
  rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100)
  return ordered[int(rank) - 1]


def summarize_ms(samples_s):
  ms = [s * 1000.0 for s in samples_s]
  return {
    "n": len(ms),
    "p50_ms": round(percentile(ms, 50), 3),
    "p90_ms": round(percentile(ms, 90), 3),
    "p99_ms": round(percentile(ms, 99), 3),
    "median_ms": round(statistics.median(ms), 3),
    "min_ms": round(min(ms), 3),
    "max_ms": round(max(ms), 3),
  }


def write_json(path, doc):
  os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
  with open(path, "w", encoding="utf-8") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")


def fail(out, doc, message):
  doc["ok"] = False
  doc["error"] = message
  if out:
    write_json(out, doc)
  print(f"bench: {message}", file=sys.stderr)
  sys.exit(1)


def connect(base):
  url = urllib.parse.urlsplit(base)
  return http.client.HTTPConnection(url.hostname, url.port or 80, timeout=120)


def resource_path(namespace, name=None):
  path = f"/apis/{GROUP}/{VERSION}/namespaces/{namespace}/{PLURAL}"
  return path + "/" + name if name else path


def request(conn, method, path, body=None, headers=None):
  conn.request(method, path, body=body, headers=headers or {})
  resp = conn.getresponse()
  data = resp.read()
  return resp.status, dict(resp.getheaders()), data


def count_ndjson(body):
  return sum(1 for line in body.split(b"\n") if line.strip())


def check_list_body(body, accept, expect):
  """None when the list body holds `expect` resources, otherwise what is wrong."""
  try:
    if accept == "application/json":
      doc = json.loads(body)
      got = len(doc.get("items", []))
    else:
      got = count_ndjson(body)
      for line in body.split(b"\n")[:3]:
        if line.strip():
          json.loads(line)
  except ValueError as e:
    return f"list body is not valid ({accept or 'NDJSON'}): {e}"
  if got != expect:
    return f"list returned {got} resources, expected {expect}"
  return None


def item_body(namespace, name, value, note):
  index = int(name.rsplit("-", 1)[1])
  return {
    "apiVersion": f"{GROUP}/{VERSION}",
    "kind": "Item",
    "metadata": {
      "namespace": namespace,
      "name": name,
      "labels": {"app": "bench", "shard": f"shard-{index % 10}", "changed": "true"},
    },
    "spec": {
      "value": value,
      "enabled": True,
      "description": note,
      "tags": ["bench-put"],
      "weight": 0.5,
    },
  }


# ---------------------------------------------------------------------------------------------
# subcommands


def cmd_wait_ready(args):
  started = time.monotonic()
  deadline = started + args.timeout
  last = "no answer yet"
  while time.monotonic() < deadline:
    if args.pid and not os.path.exists(f"/proc/{args.pid}"):
      fail(args.out, {"seconds": None}, f"server process {args.pid} exited before ready")
    try:
      conn = connect(args.base)
      status, _, body = request(conn, "GET", "/readyz")
      conn.close()
      if status == 200:
        seconds = round(time.monotonic() - started + args.already, 2)
        if args.out:
          write_json(args.out, {"ok": True, "seconds": seconds})
        print(seconds)
        return
      last = f"/readyz answered {status}: {body[:200]!r}"
    except OSError as e:
      last = f"/readyz: {e}"
    time.sleep(0.2)
  fail(args.out, {"seconds": None}, f"not ready after {args.timeout}s ({last})")


def cmd_seq_get(args):
  headers = {"Accept": args.accept} if args.accept else {}
  doc = {"url": args.base + args.path, "accept": args.accept or "(none: NDJSON)",
         "warmup": args.warmup, "client": "python http.client, one keep-alive connection"}
  conn = connect(args.base)
  times = []
  size = None
  for i in range(args.warmup + args.count):
    t0 = time.perf_counter()
    status, _, body = request(conn, "GET", args.path, headers=headers)
    elapsed = time.perf_counter() - t0
    if status != 200:
      fail(args.out, doc, f"GET {args.path} answered {status}: {body[:300]!r}")
    if i == 0 or i == args.warmup:
      if args.expect is not None:
        problem = check_list_body(body, args.accept, args.expect)
        if problem:
          fail(args.out, doc, problem)
      size = len(body)
    if i >= args.warmup:
      times.append(elapsed)
  conn.close()
  doc.update(summarize_ms(times))
  doc.update({"ok": True, "body_bytes": size, "samples_ms": [round(t * 1000, 3) for t in times]})
  write_json(args.out, doc)
  print(f"{args.label}: p50 {doc['p50_ms']} ms, p90 {doc['p90_ms']} ms, p99 {doc['p99_ms']} ms"
        f" ({doc['n']} requests, {size} bytes)")


def proposal_branches(repo):
  if not repo:
    return None
  out = subprocess.run(["git", "-C", repo, "for-each-ref", "--format=%(refname)",
                        "refs/heads/cup/proposal/"], capture_output=True, text=True, check=True)
  return len([line for line in out.stdout.splitlines() if line])


def cmd_put(args):
  doc = {"base": args.base, "namespace": args.namespace, "first": args.first,
         "client": "python http.client, one keep-alive connection, sequential"}
  before = proposal_branches(args.repo)
  conn = connect(args.base)
  times = []
  ids = []
  for k in range(args.count):
    name = f"item-{args.first + k:05d}"
    value = args.value_base + k
    body = json.dumps(item_body(args.namespace, name, value,
                                f"bench put {args.run_id} #{k}")).encode()
    path = resource_path(args.namespace, name)
    t0 = time.perf_counter()
    status, _, data = request(conn, "PUT", path, body=body,
                              headers={"Content-Type": "application/json",
                                       "Accept": "application/json"})
    elapsed = time.perf_counter() - t0
    if status != 202:
      fail(args.out, doc, f"PUT {path} answered {status} (expected 202): {data[:300]!r}")
    try:
      answer = json.loads(data)
    except ValueError:
      fail(args.out, doc, f"PUT {path} answered 202 with a body that is not JSON: {data[:300]!r}")
    if not answer.get("id") or answer.get("empty") is not False:
      fail(args.out, doc, f"PUT {path} answer lacks id or empty=false: {data[:300]!r}")
    ids.append(answer["id"])
    times.append(elapsed)
  conn.close()
  after = proposal_branches(args.repo)
  doc.update(summarize_ms(times))
  doc.update({"ok": True, "ids": ids, "samples_ms": [round(t * 1000, 3) for t in times]})
  if args.repo:
    doc["proposal_branches_added"] = after - before
    if after - before != args.count:
      fail(args.out, doc, f"{args.count} PUTs answered 202 but the remote got "
                          f"{after - before} new cup/proposal/* branches")
  if len(set(ids)) != len(ids):
    fail(args.out, doc, "two PUTs answered with the same proposal id")
  write_json(args.out, doc)
  print(f"{args.label}: median {doc['median_ms']} ms, p90 {doc['p90_ms']} ms ({doc['n']} PUTs)")


def cmd_baseline(args):
  doc = {"remote": args.remote, "steps": "git worktree add (new branch off origin/main) + "
         "edit one file + git commit -a + git push of the new branch"}
  if os.path.exists(args.work):
    shutil.rmtree(args.work)
  os.makedirs(args.work)
  clone = os.path.join(args.work, "clone")
  t0 = time.perf_counter()
  subprocess.run(["git", "clone", "-q", "--no-checkout", args.remote, clone], check=True)
  doc["clone_seconds"] = round(time.perf_counter() - t0, 2)
  git_id = ["-c", "user.name=Cup Bench", "-c", "user.email=bench@cup.invalid"]
  times = []
  for k in range(args.count):
    branch = f"bench/baseline-{args.run_id}-{k}"
    tree = os.path.join(args.work, f"wt-{k}")
    name = f"item-{args.first + k:05d}"
    rel = f"{args.namespace}/{GROUP}-{VERSION}-Item-{name}.json"
    t0 = time.perf_counter()
    subprocess.run(["git", "-C", clone, "worktree", "add", "-q", "-b", branch, tree, "origin/main"],
                   check=True)
    with open(os.path.join(tree, rel), "w", encoding="utf-8") as f:
      f.write(json.dumps(item_body(args.namespace, name, args.value_base + k,
                                   f"baseline {args.run_id} #{k}"), indent=2) + "\n")
    subprocess.run(["git", "-C", tree, *git_id, "commit", "-q", "-a", "-m", f"baseline {k}"],
                   check=True)
    subprocess.run(["git", "-C", tree, "push", "-q", "origin", branch], check=True)
    times.append(time.perf_counter() - t0)
    subprocess.run(["git", "-C", clone, "worktree", "remove", "--force", tree], check=True)
  shutil.rmtree(args.work)
  doc.update(summarize_ms(times))
  doc.update({"ok": True, "samples_ms": [round(t * 1000, 3) for t in times]})
  write_json(args.out, doc)
  print(f"{args.label}: median {doc['median_ms']} ms ({doc['n']} runs)")


def cmd_push_floor(args):
  """Times `git push` alone of a one-file commit built with plumbing (no work tree at all)."""
  doc = {"remote": args.remote, "steps": "git push of a new branch whose commit changes one file "
         "(commit built untimed with hash-object, mktree, commit-tree in a bare clone)"}
  if os.path.exists(args.work):
    shutil.rmtree(args.work)
  clone = os.path.join(args.work, "clone.git")
  subprocess.run(["git", "clone", "-q", "--bare", args.remote, clone], check=True)

  def git(*argv, stdin=None):
    return subprocess.run(["git", "-C", clone, *argv], input=stdin, capture_output=True,
                          text=True, check=True).stdout

  base = git("rev-parse", "main").strip()
  root = git("rev-parse", "main^{tree}").strip()
  root_entries = [l for l in git("ls-tree", root).splitlines()
                  if not l.endswith("\t" + args.namespace)]
  ns_tree = git("rev-parse", f"{root}:{args.namespace}").strip()
  ns_entries = git("ls-tree", ns_tree).splitlines()
  times = []
  for k in range(args.count):
    name = f"item-{args.first + k:05d}"
    file = f"{GROUP}-{VERSION}-Item-{name}.json"
    content = json.dumps(item_body(args.namespace, name, args.value_base + k,
                                   f"push floor {args.run_id} #{k}"), indent=2) + "\n"
    blob = git("hash-object", "-w", "--stdin", stdin=content).strip()
    entries = [l for l in ns_entries if not l.endswith("\t" + file)]
    entries.append(f"100644 blob {blob}\t{file}")
    new_ns = git("mktree", stdin="\n".join(entries) + "\n").strip()
    new_root = git("mktree", stdin="\n".join(
      root_entries + [f"040000 tree {new_ns}\t{args.namespace}"]) + "\n").strip()
    commit = git("-c", "user.name=Cup Bench", "-c", "user.email=bench@cup.invalid",
                 "commit-tree", new_root, "-p", base, "-m", f"push floor {k}").strip()
    branch = f"refs/heads/bench/push-floor-{args.run_id}-{k}"
    t0 = time.perf_counter()
    subprocess.run(["git", "-C", clone, "push", "-q", args.remote, f"{commit}:{branch}"],
                   check=True)
    times.append(time.perf_counter() - t0)
  shutil.rmtree(args.work)
  doc.update(summarize_ms(times))
  doc.update({"ok": True, "samples_ms": [round(t * 1000, 3) for t in times]})
  write_json(args.out, doc)
  print(f"{args.label}: median {doc['median_ms']} ms ({doc['n']} pushes)")


def cmd_wrk(args):
  cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
         "-s", args.script, args.url]
  doc = {"label": args.label, "command": " ".join(cmd)}
  proc = subprocess.run(cmd, capture_output=True, text=True)
  line = next((l for l in proc.stdout.splitlines() if l.startswith("WRK_JSON ")), None)
  if proc.returncode != 0 or line is None:
    fail(args.out, doc, f"wrk failed ({proc.returncode}): {proc.stdout[-500:]} {proc.stderr[-500:]}")
  doc.update(json.loads(line[len("WRK_JSON "):]))
  errors = sum(doc["errors"].values())
  doc["ok"] = errors == 0 and doc["requests"] > 0
  if not doc["ok"]:
    doc["error"] = f"wrk saw errors {doc['errors']} over {doc['requests']} requests"
  write_json(args.out, doc)
  print(f"{args.label}: {doc['rps']} req/s, p50 {doc['p50_ms']} ms, p99 {doc['p99_ms']} ms,"
        f" errors {errors}")
  if not doc["ok"]:
    sys.exit(1)


def cmd_check(args):
  """GET, list NDJSON, list JSON and PUT, each checked for the right answer."""
  checks = {}
  conn = connect(args.base)
  status, _, body = request(conn, "GET", resource_path("default", args.get_name),
                            headers={"Accept": "application/json"})
  ok = status == 200
  if ok:
    try:
      ok = json.loads(body)["metadata"]["name"] == args.get_name
    except (ValueError, KeyError):
      ok = False
  checks["get"] = {"ok": ok, "status": status}
  for accept, key in (("", "list_ndjson"), ("application/json", "list_json")):
    headers = {"Accept": accept} if accept else {}
    status, _, body = request(conn, "GET", resource_path("default"), headers=headers)
    problem = f"status {status}" if status != 200 else check_list_body(body, accept, args.expect)
    checks[key] = {"ok": problem is None, "status": status, "problem": problem}
  before = proposal_branches(args.repo)
  body = json.dumps(item_body("default", args.put_name, args.value,
                              f"check {args.put_name}")).encode()
  status, _, data = request(conn, "PUT", resource_path("default", args.put_name), body=body,
                            headers={"Content-Type": "application/json"})
  ok = status == 202
  if ok:
    try:
      ok = bool(json.loads(data).get("id"))
    except ValueError:
      ok = False
  if ok and args.repo:
    ok = proposal_branches(args.repo) == before + 1
  checks["put"] = {"ok": ok, "status": status, "body": data[:300].decode("utf-8", "replace")}
  conn.close()
  doc = {"ok": all(c["ok"] for c in checks.values()), "checks": checks}
  write_json(args.out, doc)
  print(f"{args.label}: " + ", ".join(f"{k} {'ok' if v['ok'] else 'FAILED'}"
                                       for k, v in checks.items()))
  if not doc["ok"]:
    sys.exit(1)


def read_status(pid):
  fields = {}
  try:
    with open(f"/proc/{pid}/status", encoding="utf-8") as f:
      for line in f:
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
          fields[key] = int(value.split()[0])
  except OSError:
    return None
  return fields


def cmd_rss(args):
  fields = read_status(args.pid)
  doc = {"pid": args.pid, "ok": fields is not None}
  if fields:
    doc.update({"vmhwm_mib": round(fields["VmHWM"] / 1024, 1),
                "vmrss_mib": round(fields["VmRSS"] / 1024, 1)})
  write_json(args.out, doc)
  print(f"{args.label}: {doc}")


# ---------------------------------------------------------------------------------------------
# report


def load(results, name):
  path = os.path.join(results, name + ".json")
  if not os.path.exists(path):
    return None
  with open(path, encoding="utf-8") as f:
    return json.load(f)


def goal(value, target, higher_is_better):
  if value is None:
    return "not measured"
  met = value >= target if higher_is_better else value <= target
  return "**met**" if met else "**not met**"


def fmt(value, unit=""):
  return "—" if value is None else f"{value}{unit}"


def failure(doc, what):
  if doc is None:
    return f"{what}: not run (an earlier step failed)"
  return f"{what}: FAILED — {doc.get('error', 'see logs')}"


def cmd_report(args):
  r = args.results
  env = load(r, "env") or {}
  fx = load(r, "fixtures") or {}
  lines = []
  w = lines.append
  w("# Cup benchmark results")
  w("")
  if env.get("quick"):
    w("**Quick smoke run (BENCH_QUICK=1): smaller fixtures and shorter runs; "
      "figures are not comparable with a full run.**")
    w("")
  w(f"- Date: {env.get('date', '?')}")
  w(f"- Machine: {env.get('nproc', '?')} cores, {env.get('mem', '?')} memory; "
    f"{env.get('java', '?')}")
  w(f"- Tools: {env.get('git', '?')}; {env.get('wrk', '?')}; {env.get('nginx', '?')}")
  w(f"- Cup: `{env.get('jar', '?')}` ({env.get('jar_note', '')}); source tree at "
    f"{env.get('revision', '?')}")
  w(f"- Load average (1/5/15 min) at start: {env.get('load_start', '?')}, at end: "
    f"{env.get('load_end', '?')}")
  try:
    busy = float(env.get("load_start", "0").split()[0]) > float(env.get("nproc", "2"))
  except ValueError:
    busy = False
  if busy:
    w("- **The machine was busy with other work during this run (load above the core count): "
      "absolute figures are pessimistic, ratios between runs made at the same time less so.**")
  w(f"- Run: `{env.get('invocation', 'bash bench/run')}`, {env.get('total_seconds', '?')} s "
    "in all; everything on 127.0.0.1 (one 2-core machine runs server, load generator and git "
    "daemon, so figures are noisy: medians and ratios only)")
  w(f"- Work directory (fixtures, git daemon repositories, Cup data directories, baseline "
    f"worktrees): `{env.get('work', '?')}` on {env.get('work_fs', '?')}")
  small = fx.get("small", {})
  large = fx.get("large", {})
  w(f"- Fixtures (bench/gen-fixtures.py, git fast-import): small = {small.get('files', '?')} "
    f"Items in `default`; large = {large.get('files', '?')} files "
    f"({fx.get('items', '?')} Items in `default`, the rest Items in `ns-0000…` and unrelated "
    f"files under `misc/`), served by `git daemon --enable=receive-pack`; built in "
    f"{fx.get('seconds', '?')} s")
  w("")

  # Summary table
  get_cup = load(r, "get-cup")
  get_nginx = load(r, "get-nginx")
  ratio_get = None
  if get_cup and get_nginx and get_cup.get("ok") and get_nginx.get("ok"):
    ratio_get = round(get_cup["median_rps"] / get_nginx["median_rps"], 3)
  lists = {k: load(r, k) for k in ("list-small-ndjson", "list-small-json",
                                   "list-large-ndjson", "list-large-json")}
  put_small = load(r, "put-small")
  put_large = load(r, "put-large")
  baseline = load(r, "baseline")
  ok = lambda d: d is not None and d.get("ok")
  ratio_ls = (round(put_large["median_ms"] / put_small["median_ms"], 3)
              if ok(put_small) and ok(put_large) else None)
  ratio_lb = (round(put_large["median_ms"] / baseline["median_ms"], 3)
              if ok(put_large) and ok(baseline) else None)
  floor_small = load(r, "push-floor-small")
  floor_large = load(r, "push-floor-large")
  ratio_floor = (round(floor_large["median_ms"] / floor_small["median_ms"], 3)
                 if ok(floor_small) and ok(floor_large) else None)
  xmx = load(r, "xmx")

  w("## Summary")
  w("")
  w("| benchmark | measure | value | goal | result |")
  w("| --- | --- | --- | --- | --- |")
  w(f"| (a) GET one resource | Cup / nginx requests/s (medians) | {fmt(ratio_get)} | ≥ 0.7 | "
    f"{goal(ratio_get, 0.7, True)} |")
  for key, label in (("list-small-ndjson", "NDJSON"), ("list-small-json", "application/json")):
    d = lists[key]
    p50 = d["p50_ms"] if ok(d) else None
    w(f"| (b) list 1,000 resources, {label} | p50 | {fmt(p50, ' ms')} | ≤ 20 ms | "
      f"{goal(p50, 20, False)} |")
  w(f"| (c) PUT → 202 | large / small (medians) | {fmt(ratio_ls)} | ≤ 1.5 | "
    f"{goal(ratio_ls, 1.5, False)} |")
  w(f"| (c) PUT → 202 | Cup large / git worktree baseline (medians) | {fmt(ratio_lb)} | ≤ 0.25 | "
    f"{goal(ratio_lb, 0.25, False)} |")
  xmx_result = "not run" if xmx is None else ("**pass**" if xmx.get("ok") else "**fail**")
  xmx_value = (f"peak RSS {xmx['vmhwm_mib']} MiB" if xmx and xmx.get("vmhwm_mib") is not None
               else "—")
  w(f"| (d) large repo, `-Xmx256m`, under load | starts, GET/list/PUT correct | {xmx_value} | "
    f"correct answers | {xmx_result} |")
  w("")

  failures = []

  w("## (a) GET one resource: requests/s")
  w("")
  if get_cup or get_nginx:
    w(f"wrk `{env.get('wrk_args', '?')}` with `bench/wrk-report.lua` (same method, path and "
      f"`Accept` header for both), {env.get('wrk_rounds', '?')} rounds after a "
      f"{env.get('wrk_warmup', '?')} s warm-up of each server, alternating nginx and Cup. "
      f"Path: `{env.get('get_path', '?')}`.")
    w("")
    w("| server | median req/s | rounds (req/s) | median p50 latency | median p99 latency | "
      "errors |")
    w("| --- | --- | --- | --- | --- | --- |")
    for name, d in (("nginx", get_nginx), ("Cup", get_cup)):
      if d is None or not d.get("rounds"):
        w(f"| {name} | — | — | — | — | FAILED (see Failures) |")
        failures.append(failure(d, f"(a) {name}"))
        continue
      rounds = d["rounds"]
      w(f"| {name} | {d.get('median_rps', '—')} | "
        f"{', '.join(str(x['rps']) for x in rounds)} | "
        f"{statistics.median(x['p50_ms'] for x in rounds):.3f} ms | "
        f"{statistics.median(x['p99_ms'] for x in rounds):.3f} ms | "
        f"{sum(sum(x['errors'].values()) for x in rounds)} |")
      if not d.get("ok"):
        failures.append(failure(d, f"(a) {name}"))
    body = load(r, "get-bytes")
    if body:
      w("")
      w(f"Response bodies: Cup {body.get('cup_bytes')} bytes, nginx {body.get('nginx_bytes')} "
        f"bytes, identical: {body.get('identical')} ({body.get('note', '')}).")
  else:
    w("Not run.")
  w("")

  w("## (b) list of 1,000 resources: latency")
  w("")
  w("Sequential GETs of `/apis/bench.cup.io/v1alpha1/namespaces/default/items` with "
    "bench/bench.py `seq-get` (python http.client, one keep-alive connection, wall time from "
    "sending the request to the last body byte), after a warm-up; each answer checked to hold "
    "1,000 resources.")
  w("")
  w("| repository | format | requests | p50 | p90 | p99 | body bytes |")
  w("| --- | --- | --- | --- | --- | --- | --- |")
  for key, d in lists.items():
    repo, fmt_name = key.split("-")[1], ("NDJSON" if key.endswith("ndjson") else "application/json")
    if ok(d):
      w(f"| {repo} | {fmt_name} | {d['n']} (+{d['warmup']} warm-up) | {d['p50_ms']} ms | "
        f"{d['p90_ms']} ms | {d['p99_ms']} ms | {d['body_bytes']} |")
    else:
      w(f"| {repo} | {fmt_name} | — | — | — | — | FAILED (see Failures) |")
      failures.append(failure(d, f"(b) {key}"))
  w("")

  w("## (c) PUT → 202 latency")
  w("")
  w("Sequential PUTs (bench/bench.py `put`), each to a different Item with distinct spec values; "
    "time from sending the request to the 202 answer, which Cup sends after the proposal branch "
    "is pushed to the git daemon. The run checks each answer (`id`, `empty: false`) and that the "
    "remote got one new `cup/proposal/*` branch per PUT. Baseline: on the same large repository, "
    "`git worktree add -b <new branch> <dir> origin/main` from a local clone, edit one file, "
    "`git commit -a`, `git push origin <branch>` to the same daemon, timed the same number of "
    "times.")
  w("")
  w("| what | runs | median | p90 | min | max |")
  w("| --- | --- | --- | --- | --- | --- |")
  for label, d, key in (("Cup, small repository", put_small, "put-small"),
                        ("Cup, large repository", put_large, "put-large"),
                        ("baseline: git worktree + commit + push, large", baseline, "baseline"),
                        ("context: `git push` alone, small", floor_small, "push-floor-small"),
                        ("context: `git push` alone, large", floor_large, "push-floor-large")):
    if ok(d):
      w(f"| {label} | {d['n']} | {d['median_ms']} ms | {d['p90_ms']} ms | {d['min_ms']} ms | "
        f"{d['max_ms']} ms |")
    else:
      w(f"| {label} | — | — | — | — | FAILED (see Failures) |")
      failures.append(failure(d, f"(c) {key}"))
  w("")
  w(f"Ratios: large / small = {fmt(ratio_ls)} (goal ≤ 1.5: {goal(ratio_ls, 1.5, False)}); "
    f"Cup large / baseline = {fmt(ratio_lb)} (goal ≤ 0.25: {goal(ratio_lb, 0.25, False)}).")
  w("")
  w("Context, not a goal: `git push` alone of a one-file commit (built untimed with "
    "`hash-object`/`mktree`/`commit-tree` in a bare clone) to the same daemon, on each "
    "repository — the part of a PUT that the remote's `receive-pack` (unpack, connectivity "
    "check against the repository's refs) decides. large / small for that push alone = "
    f"{fmt(ratio_floor)}.")
  w("")

  w("## Server start-up and memory (default heap)")
  w("")
  w("| server | ready after | peak RSS (VmHWM) at the end of its runs |")
  w("| --- | --- | --- |")
  for name in ("small", "large", "xmx"):
    start = load(r, f"startup-{name}")
    rss = load(r, f"rss-{name}")
    label = {"small": "small repository", "large": "large repository",
             "xmx": "large repository, -Xmx256m"}[name]
    if start is None:
      continue
    ready = f"{start['seconds']} s" if start.get("ok") else "FAILED (see Failures)"
    peak = f"{rss['vmhwm_mib']} MiB" if rss and rss.get("ok") else "—"
    w(f"| {label} | {ready} | {peak} |")
    if not start.get("ok"):
      failures.append(failure(start, f"start {name}"))
  w("")
  w("Ready = from starting `java -jar` to `GET /readyz` answering 200 (includes the clone of "
    "the repository from the git daemon into an empty data directory).")
  w("")

  w("## (d) large repository with `java -Xmx256m`")
  w("")
  if xmx is None:
    w("Not run.")
  else:
    w(f"Started with `-Xmx256m` on the large repository; while wrk ran the load of (a) for "
      f"{env.get('xmx_load_seconds', '?')} s, GET, list (NDJSON and JSON) and PUT were sent and "
      "checked.")
    w("")
    w(f"- started and ready: {xmx.get('started')}")
    for key, c in (xmx.get("checks") or {}).items():
      w(f"- {key}: {'ok' if c.get('ok') else 'FAILED'} (HTTP {c.get('status')}"
        f"{', ' + c['problem'] if c.get('problem') else ''})")
    load_doc = xmx.get("load")
    if load_doc:
      w(f"- load: {load_doc.get('rps')} req/s, errors {load_doc.get('errors')}")
    w(f"- peak RSS (VmHWM): {fmt(xmx.get('vmhwm_mib'), ' MiB')}")
    w(f"- alive after the load: {xmx.get('alive_after')}")
    w(f"- result: {'pass' if xmx.get('ok') else 'fail'}"
      f"{' — ' + xmx['error'] if xmx.get('error') else ''}")
  w("")

  if failures:
    w("## Failures")
    w("")
    for f in failures:
      w(f"- {f}")
    w("")

  w("## Commands")
  w("")
  w("```")
  commands = os.path.join(r, "commands.txt")
  if os.path.exists(commands):
    with open(commands, encoding="utf-8") as f:
      w(f.read().rstrip())
  w("```")
  w("")
  with open(args.out, "w", encoding="utf-8") as f:
    f.write("\n".join(lines))
  print(f"wrote {args.out}")


def cmd_merge_rounds(args):
  """Collects the per-round wrk files of one server into one result with the median."""
  rounds = []
  for path in sorted(glob.glob(os.path.join(args.results, f"{args.prefix}-round-*.json"))):
    with open(path, encoding="utf-8") as f:
      rounds.append(json.load(f))
  good = [x for x in rounds if x.get("ok")]
  doc = {"rounds": [x for x in rounds if "rps" in x], "ok": bool(rounds) and len(good) == len(rounds)}
  if good:
    doc["median_rps"] = round(statistics.median(x["rps"] for x in good), 1)
  if not doc["ok"]:
    bad = [x.get("error", "?") for x in rounds if not x.get("ok")]
    doc["error"] = "; ".join(bad) if bad else "no wrk round ran"
  write_json(os.path.join(args.results, args.prefix + ".json"), doc)


def main():
  p = argparse.ArgumentParser(description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
  sub = p.add_subparsers(dest="cmd", required=True)

  s = sub.add_parser("wait-ready")
  s.add_argument("--base", required=True)
  s.add_argument("--timeout", type=float, default=300)
  s.add_argument("--pid", type=int)
  s.add_argument("--already", type=float, default=0.0, help="seconds already spent starting")
  s.add_argument("--out")
  s.set_defaults(fn=cmd_wait_ready)

  s = sub.add_parser("seq-get")
  s.add_argument("--base", required=True)
  s.add_argument("--path", required=True)
  s.add_argument("--accept", default="")
  s.add_argument("--count", type=int, default=50)
  s.add_argument("--warmup", type=int, default=10)
  s.add_argument("--expect", type=int, help="resources each answer must hold")
  s.add_argument("--label", default="seq-get")
  s.add_argument("--out", required=True)
  s.set_defaults(fn=cmd_seq_get)

  s = sub.add_parser("put")
  s.add_argument("--base", required=True)
  s.add_argument("--namespace", default="default")
  s.add_argument("--first", type=int, required=True, help="index of the first Item to change")
  s.add_argument("--count", type=int, default=30)
  s.add_argument("--value-base", type=int, required=True)
  s.add_argument("--run-id", required=True)
  s.add_argument("--repo", help="bare repository the daemon serves, to count proposal branches")
  s.add_argument("--label", default="put")
  s.add_argument("--out", required=True)
  s.set_defaults(fn=cmd_put)

  s = sub.add_parser("baseline")
  s.add_argument("--remote", required=True)
  s.add_argument("--work", required=True)
  s.add_argument("--namespace", default="default")
  s.add_argument("--first", type=int, required=True)
  s.add_argument("--count", type=int, default=30)
  s.add_argument("--value-base", type=int, required=True)
  s.add_argument("--run-id", required=True)
  s.add_argument("--label", default="baseline")
  s.add_argument("--out", required=True)
  s.set_defaults(fn=cmd_baseline)

  s = sub.add_parser("push-floor")
  s.add_argument("--remote", required=True)
  s.add_argument("--work", required=True)
  s.add_argument("--namespace", default="default")
  s.add_argument("--first", type=int, required=True)
  s.add_argument("--count", type=int, default=30)
  s.add_argument("--value-base", type=int, required=True)
  s.add_argument("--run-id", required=True)
  s.add_argument("--label", default="push floor")
  s.add_argument("--out", required=True)
  s.set_defaults(fn=cmd_push_floor)

  s = sub.add_parser("wrk")
  s.add_argument("--url", required=True)
  s.add_argument("--threads", type=int, default=2)
  s.add_argument("--connections", type=int, default=32)
  s.add_argument("--duration", type=int, default=15)
  s.add_argument("--script", required=True)
  s.add_argument("--label", default="wrk")
  s.add_argument("--out", required=True)
  s.set_defaults(fn=cmd_wrk)

  s = sub.add_parser("check")
  s.add_argument("--base", required=True)
  s.add_argument("--get-name", required=True)
  s.add_argument("--put-name", required=True)
  s.add_argument("--value", type=int, required=True)
  s.add_argument("--expect", type=int, required=True)
  s.add_argument("--repo")
  s.add_argument("--label", default="check")
  s.add_argument("--out", required=True)
  s.set_defaults(fn=cmd_check)

  s = sub.add_parser("rss")
  s.add_argument("--pid", type=int, required=True)
  s.add_argument("--label", default="rss")
  s.add_argument("--out", required=True)
  s.set_defaults(fn=cmd_rss)

  s = sub.add_parser("merge-rounds")
  s.add_argument("--results", required=True)
  s.add_argument("--prefix", required=True)
  s.set_defaults(fn=cmd_merge_rounds)

  s = sub.add_parser("report")
  s.add_argument("--results", required=True)
  s.add_argument("--out", required=True)
  s.set_defaults(fn=cmd_report)

  args = p.parse_args()
  args.fn(args)


if __name__ == "__main__":
  main()
