#!/usr/bin/env python3
"""Measuring clients and the report writer for bench/cluster/run (python3 standard library only).

Subcommands (each measuring one writes one JSON result file with --out; see bench/README.md):
  wait-members  poll /readyz and /metrics of each node until ready with cup_cluster_members = N
  puts          N concurrent clients, each PUTting its own Item again and again (new spec values)
                for a fixed time, spread round-robin over the nodes' APIs: accepted writes/s
  latency       sequential PUT + merge through one node, a watch on another (or the same) node:
                merge answer → MODIFIED event on the watcher, per merge
  report        bench/results-cluster.md from the result files of one run
"""

import argparse
import http.client
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from bench import item_body, percentile, resource_path, summarize_ms, write_json, fail  # noqa: E402

PROPOSALS = "/apis/cup.flipt.io/v1alpha1/proposals"
# No Accept header: with `Accept: application/json` Cup answers a write as Kubernetes does (200 and
# the object); without one, as the original did (202 and the proposal's id).
JSON_HEADERS = {"Content-Type": "application/json"}


def connect(base, timeout=60):
  url = urllib.parse.urlsplit(base)
  return http.client.HTTPConnection(url.hostname, url.port or 80, timeout=timeout)


def call(conn, method, path, body=None, headers=None):
  conn.request(method, path, body=body, headers=headers or {})
  resp = conn.getresponse()
  return resp.status, resp.read()


def cpu_seconds(pids):
  """User + system CPU seconds of these processes (from /proc/PID/stat)."""
  total = 0.0
  for pid in pids:
    with open(f"/proc/{pid}/stat") as f:
      fields = f.read().rsplit(")", 1)[1].split()
    total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
  return total


def proposal_branches(repo):
  out = subprocess.run(["git", "-C", repo, "for-each-ref", "--format=%(refname)",
                        "refs/heads/cup/proposal/"], capture_output=True, text=True, check=True)
  return len(out.stdout.split())


# ---------------------------------------------------------------------------------------------


def cmd_wait_members(args):
  deadline = time.monotonic() + args.timeout
  started = time.monotonic()
  pending = list(args.base)
  last = ""
  while pending and time.monotonic() < deadline:
    for pid in args.pid or []:
      if not os.path.exists(f"/proc/{pid}"):
        fail(args.out, {}, f"node process {pid} exited before ready")
    base = pending[0]
    try:
      conn = connect(base, 5)
      status, _ = call(conn, "GET", "/readyz")
      members = None
      if args.members:
        _, metrics = call(conn, "GET", "/metrics")
        for line in metrics.decode().splitlines():
          if line.startswith("cup_cluster_members "):
            members = float(line.split()[1])
      conn.close()
      if status == 200 and (not args.members or members == args.members):
        pending.pop(0)
        continue
      last = f"{base}: /readyz {status}, cup_cluster_members {members}"
    except OSError as e:
      last = f"{base}: {e}"
    time.sleep(0.2)
  if pending:
    fail(args.out, {}, f"not ready after {args.timeout}s ({last})")
  seconds = round(time.monotonic() - started, 2)
  if args.out:
    write_json(args.out, {"ok": True, "seconds": seconds})
  print(seconds)


# ---------------------------------------------------------------------------------------------


def cmd_puts(args):
  bases = args.base
  doc = {"label": args.label, "nodes": len(bases), "clients": args.clients,
         "duration_s": args.duration,
         "client": "python threads, one keep-alive http.client connection per client; client i "
                   "writes item-<first+i> through node i mod nodes, sequentially, new spec.value "
                   "each time"}
  before = proposal_branches(args.repo) if args.repo else None
  start = threading.Barrier(args.clients + 1)
  results = [None] * args.clients
  t0_box = []

  def client(i):
    base = bases[i % len(bases)]
    name = f"item-{args.first + i:05d}"
    path = resource_path("default", name)
    conn = connect(base)
    times, errors, k = [], [], 0
    start.wait()
    t0 = t0_box[0]
    end = t0 + args.duration
    while time.monotonic() < end:
      body = json.dumps(item_body("default", name, args.value_base + i * 100000 + k,
                                  f"cluster bench {args.label} #{k}")).encode()
      k += 1
      s = time.monotonic()
      try:
        status, data = call(conn, "PUT", path, body, JSON_HEADERS)
      except (OSError, http.client.HTTPException) as e:
        errors.append(f"{type(e).__name__}: {e}")
        conn.close()
        conn = connect(base)
        continue
      done = time.monotonic()
      if status != 202:
        errors.append(f"{status}: {data[:200]!r}")
      elif done <= end:
        times.append(done - s)
      # a 202 that arrives after the end is not counted (its time is outside the window)
    conn.close()
    results[i] = (times, errors)

  threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.clients)]
  for t in threads:
    t.start()
  cpu0 = cpu_seconds(args.pid or [])
  t0_box.append(time.monotonic() + 0.05)
  start.wait()
  for t in threads:
    t.join(args.duration + 120)
  cpu = cpu_seconds(args.pid or []) - cpu0
  if any(r is None for r in results):
    fail(args.out, doc, "a client did not finish")
  times = [x for r in results for x in r[0]]
  errors = [x for r in results for x in r[1]]
  doc["accepted"] = len(times)
  doc["errors"] = len(errors)
  doc["error_examples"] = errors[:5]
  doc["writes_per_s"] = round(len(times) / args.duration, 1)
  doc["per_node_accepted"] = [sum(len(results[i][0]) for i in range(args.clients)
                                  if i % len(bases) == n) for n in range(len(bases))]
  if times:
    doc["latency"] = summarize_ms(times)
  if args.pid:
    doc["nodes_cpu_s"] = round(cpu, 2)
    if times:
      doc["nodes_cpu_ms_per_write"] = round(cpu * 1000 / len(times), 2)
  if args.repo:
    after = proposal_branches(args.repo)
    doc["proposal_branches_added"] = after - before
  doc["ok"] = not errors and bool(times)
  if errors:
    doc["error"] = f"{len(errors)} PUTs not accepted, e.g. {errors[0]}"
  write_json(args.out, doc)
  print(f"{args.label}: {doc['writes_per_s']} writes/s ({len(times)} in {args.duration}s, "
        f"{len(errors)} errors)")


# ---------------------------------------------------------------------------------------------


class Watcher(threading.Thread):
  """One watch stream of the Items in `default` from the current head; every MODIFIED event's
  arrival time, keyed by (name, spec.value)."""

  def __init__(self, base):
    super().__init__(daemon=True)
    self.base = base
    self.events = {}
    self.cond = threading.Condition()
    self.error = None
    conn = connect(base)
    status, body = call(conn, "GET", resource_path("default"), headers={"Accept": "application/json"})
    if status != 200:
      raise RuntimeError(f"list on {base} answered {status}")
    self.start_rv = json.loads(body)["metadata"]["resourceVersion"]
    conn.request("GET", resource_path("default") + f"?watch=true&resourceVersion={self.start_rv}",
                 headers={"Accept": "application/x-ndjson"})
    self.resp = conn.getresponse()
    if self.resp.status != 200:
      raise RuntimeError(f"watch on {base} answered {self.resp.status}")
    self.conn = conn

  def run(self):
    try:
      while True:
        line = self.resp.readline()
        t = time.monotonic()
        if not line:
          self.error = "watch stream ended"
          break
        if not line.strip():
          continue
        ev = json.loads(line)
        obj = ev.get("object", {})
        key = (obj.get("metadata", {}).get("name"), obj.get("spec", {}).get("value"))
        with self.cond:
          self.events.setdefault(key, (t, ev.get("type")))
          self.cond.notify_all()
    except (OSError, ValueError, http.client.HTTPException) as e:
      self.error = f"{type(e).__name__}: {e}"
    with self.cond:
      self.cond.notify_all()

  def wait_for(self, key, timeout):
    deadline = time.monotonic() + timeout
    with self.cond:
      while key not in self.events and self.error is None:
        left = deadline - time.monotonic()
        if left <= 0:
          return None
        self.cond.wait(left)
      return self.events.get(key)


def cmd_latency(args):
  doc = {"label": args.label, "writer": args.writer, "watcher": args.watcher, "merges": args.count,
         "method": "PUT item through the writer node (202), POST …/proposals/{id}/merge through "
                   "it (200); latency = arrival of the watcher's MODIFIED event of that item "
                   "with that spec.value − the merge answer, both read with time.monotonic() in "
                   "the same process; sequential, the next write after the event arrived"}
  try:
    watcher = Watcher(args.watcher)
  except (OSError, RuntimeError, http.client.HTTPException) as e:
    fail(args.out, doc, f"watch: {e}")
  watcher.start()
  # With --also-watcher (the writer node), the same event's arrival there: C − A is the time the
  # move took to reach the other node, independent of when the merge's answer was read.
  also = None
  if args.also_watcher:
    try:
      also = Watcher(args.also_watcher)
    except (OSError, RuntimeError, http.client.HTTPException) as e:
      fail(args.out, doc, f"second watch: {e}")
    also.start()
  conn = connect(args.writer)
  samples, merge_ms, put_ms, problems, spread, also_samples = [], [], [], [], [], []
  for k in range(args.warmup + args.count):
    name = f"item-{args.first + k % args.items:05d}"
    value = args.value_base + k
    body = json.dumps(item_body("default", name, value, f"cluster latency {args.label} #{k}"))
    t = time.monotonic()
    status, data = call(conn, "PUT", resource_path("default", name), body.encode(), JSON_HEADERS)
    if status != 202:
      fail(args.out, doc, f"PUT {name} answered {status}: {data[:300]!r}")
    pid = json.loads(data)["id"]
    t_put = time.monotonic()
    status, data = call(conn, "POST", f"{PROPOSALS}/{pid}/merge", b"")
    t_merge = time.monotonic()
    if status != 200:
      fail(args.out, doc, f"merge of {pid} answered {status}: {data[:300]!r}")
    got = watcher.wait_for((name, value), args.timeout)
    if got is None:
      problems.append(f"#{k} {name}={value}: no event within {args.timeout}s"
                      + (f" ({watcher.error})" if watcher.error else ""))
      if watcher.error:
        break
      continue
    if got[1] != "MODIFIED":
      problems.append(f"#{k} {name}: event type {got[1]}")
    got_also = also.wait_for((name, value), args.timeout) if also else None
    if also and got_also is None:
      problems.append(f"#{k} {name}={value}: no event on {args.also_watcher}")
    if k >= args.warmup:
      samples.append(got[0] - t_merge)
      if got_also:
        spread.append(got[0] - got_also[0])
        also_samples.append(got_also[0] - t_merge)
      put_ms.append(t_put - t)
      merge_ms.append(t_merge - t_put)
  conn.close()
  if not samples:
    fail(args.out, doc, "; ".join(problems[:3]) or "no samples")
  doc["event_after_merge"] = summarize_ms(samples)
  doc["event_after_merge"]["mean_ms"] = round(statistics.mean(samples) * 1000, 3)
  doc["samples_ms"] = [round(s * 1000, 2) for s in samples]
  if spread:
    doc["also_watcher"] = args.also_watcher
    doc["event_here_after_event_there"] = summarize_ms(spread)
    doc["event_here_after_event_there"]["samples_ms"] = [round(x * 1000, 2) for x in spread]
    doc["writer_event_after_merge"] = summarize_ms(also_samples)
  doc["put"] = summarize_ms(put_ms)
  doc["merge"] = summarize_ms(merge_ms)
  doc["problems"] = problems
  doc["ok"] = not problems
  if problems:
    doc["error"] = f"{len(problems)} merges without a right event, e.g. {problems[0]}"
  write_json(args.out, doc)
  e = doc["event_after_merge"]
  print(f"{args.label}: merge → event p50 {e['p50_ms']} ms, p99 {e['p99_ms']} ms, max "
        f"{e['max_ms']} ms ({e['n']} merges, {len(problems)} problems)")


# ---------------------------------------------------------------------------------------------


def load(results, name):
  path = os.path.join(results, name + ".json")
  if not os.path.exists(path):
    return None
  with open(path) as f:
    return json.load(f)


def cmd_report(args):
  r = args.results
  env = load(r, "env") or {}
  rounds = env.get("rounds", 0)
  out = []
  w = out.append
  w("# Cup benchmark results: several nodes (issue 16)\n")
  w(f"Date: {env.get('date')}. Revision: `{env.get('revision')}`. Machine: {env.get('nproc')} "
    f"cores, {env.get('mem')} RAM (load average {env.get('load_start')} "
    f"at the start, {env.get('load_end')} at the end); {env.get('java')}; {env.get('git')}. "
    f"Everything on 127.0.0.1: one `git daemon`, the nodes, and the load generator (python3) on "
    f"the same 2 cores. Work directory on {env.get('work_fs')}. Total time {env.get('total_seconds')} s.")
  if env.get("quick"):
    w("\n**Quick mode** (`BENCH_QUICK=1`): short runs, figures only show that it works.")
  w("\nProduced by:\n\n```\n" + env.get("invocation", "bash bench/cluster/run") + "\n```\n")
  w("Jar: " + env.get("jar_note", "") + ".\n")

  # throughput
  w("## PUT → 202 throughput, 1 node and 3 nodes\n")
  w(f"{env.get('clients')} concurrent clients (python threads, one keep-alive connection each, "
    f"each writing its own Item again and again with new values), {env.get('put_seconds')} s per "
    f"run, round-robin over the nodes' APIs; a write counts when its `202` arrives within the "
    f"window. {rounds} rounds after a {env.get('put_warmup')} s warm-up of each set-up; the 1-node "
    f"and 3-node runs alternate (the order switching each round) so a slow spell hits both.\n")
  w("| round | 1 node writes/s | 3 nodes writes/s (per node) | ratio 3/1 | 1 node p50 / p99 ms | 3 nodes p50 / p99 ms | nodes' CPU ms per write (1 / 3) | errors (1 / 3) |")
  w("| --- | --- | --- | --- | --- | --- | --- | --- |")
  cpu1, cpu3 = [], []
  one_rates, three_rates, ratios = [], [], []
  for k in range(1, rounds + 1):
    a, b = load(r, f"puts-1-round-{k}"), load(r, f"puts-3-round-{k}")
    if not a or not b or "writes_per_s" not in a or "writes_per_s" not in b:
      w(f"| {k} | {(a or {}).get('error', 'missing')} | {(b or {}).get('error', 'missing')} | | | | | |")
      continue
    one_rates.append(a["writes_per_s"])
    three_rates.append(b["writes_per_s"])
    ratio = b["writes_per_s"] / a["writes_per_s"] if a["writes_per_s"] else float("nan")
    if a["writes_per_s"]:
      ratios.append(ratio)
    la, lb = a.get("latency", {}), b.get("latency", {})
    w(f"| {k} | {a['writes_per_s']} | {b['writes_per_s']} ({'/'.join(map(str, b['per_node_accepted']))}) "
      f"| {ratio:.2f} | {la.get('p50_ms')} / {la.get('p99_ms')} | {lb.get('p50_ms')} / {lb.get('p99_ms')} "
      f"| {a.get('nodes_cpu_ms_per_write')} / {b.get('nodes_cpu_ms_per_write')} "
      f"| {a['errors']} / {b['errors']} |")
    if a.get("nodes_cpu_ms_per_write") and b.get("nodes_cpu_ms_per_write"):
      cpu1.append(a["nodes_cpu_ms_per_write"])
      cpu3.append(b["nodes_cpu_ms_per_write"])
  summary = {}
  if ratios and min(one_rates) > 0:
    m1, m3 = statistics.median(one_rates), statistics.median(three_rates)
    summary["put"] = (m1, m3, m3 / m1, statistics.median(ratios))
    w(f"\nMedians: 1 node **{m1:.1f}** writes/s, 3 nodes **{m3:.1f}** writes/s; ratio of the "
      f"medians **{m3 / m1:.2f}**, median of the per-round ratios **{statistics.median(ratios):.2f}** "
      f"(goal ≥ 1.0: **{'met' if min(m3 / m1, statistics.median(ratios)) >= 1.0 else 'not met'}**). "
      f"The 3-node figure in brackets is the writes accepted by each node.")
  if cpu1:
    summary["cpu_per_write"] = (statistics.median(cpu1), statistics.median(cpu3))
    w(f"\nCPU time of the Cup JVMs per accepted write (user + system from `/proc`, all nodes "
      f"together; the git daemon's `receive-pack` processes not included): median "
      f"**{statistics.median(cpu1):.1f} ms** on 1 node, **{statistics.median(cpu3):.1f} ms** on "
      f"3 nodes.")
  cpu = load(r, "cpu")
  if cpu:
    w(f"\nCPU time (user + system, from `/proc`) over all rounds: " + ", ".join(
      f"{k} {v:.1f} s" for k, v in cpu.items()) + ".")
  w("")

  # latency
  w("## Write → event latency\n")
  w(f"Sequential: PUT an Item through the writer node, `POST …/proposals/{{id}}/merge` through the "
    f"same node, and time from the merge's `200` to the watcher's `MODIFIED` event of that Item "
    f"with that value (a `GET …/items?watch=true&resourceVersion=<head>` stream, NDJSON, opened "
    f"before the first write). {env.get('latency_warmup')} warm-up merges, then "
    f"{env.get('latency_count')} measured; the next write starts once the event arrived. Both "
    f"times are read in the same process (`time.monotonic()`); a negative figure means the event "
    f"arrived before the merge's answer was read.\n")
  pooled = {}
  w("| writer → watcher | merges | p50 ms | p99 ms | max ms | mean ms | PUT p50 ms | merge p50 ms | problems |")
  w("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
  for name, title in [("latency-cross", "3 nodes: A → C (another node)"),
                      ("latency-same3", "3 nodes: A → A (same node)"),
                      ("latency-single", "1 node: A → A")]:
    for k in range(1, (env.get("latency_rounds") or 1) + 1):
      d = load(r, f"{name}-round-{k}")
      if d is None:
        continue
      if "event_after_merge" not in d:
        w(f"| {title}, round {k} | FAILED: {d.get('error')} | | | | | | | |")
        continue
      e = d["event_after_merge"]
      w(f"| {title}, round {k} | {e['n']} | {e['p50_ms']} | {e['p99_ms']} | {e['max_ms']} | "
        f"{e['mean_ms']} | {d['put']['p50_ms']} | {d['merge']['p50_ms']} | {len(d['problems'])} |")
      summary.setdefault(name, []).append((e["p50_ms"], e["p99_ms"]))
      pooled.setdefault(name, []).extend(d["samples_ms"])
  for name, title in [("latency-cross", "another node"), ("latency-same3", "the same node (3 nodes)"),
                      ("latency-single", "one node")]:
    if name in summary:
      p50 = statistics.median(x[0] for x in summary[name])
      p99 = statistics.median(x[1] for x in summary[name])
      all_ms = pooled[name]
      pp50, pp99 = percentile(all_ms, 50), percentile(all_ms, 99)
      goal = (f" Goal p99 ≤ 250 ms: **{'met' if max(p99, pp99) <= 250 else 'not met'}**."
              if name == "latency-cross" else "")
      w(f"- {title}: median of the rounds' p50 **{p50:.1f} ms**, of their p99 **{p99:.1f} ms**; "
        f"all {len(all_ms)} merges pooled: p50 {pp50:.1f} ms, p99 {pp99:.1f} ms, max "
        f"{max(all_ms):.1f} ms.{goal}")
      summary[name + "-median"] = (p50, p99, pp50, pp99)
  w("")
  spreads = []
  for k in range(1, (env.get("latency_rounds") or 1) + 1):
    d = load(r, f"latency-cross-round-{k}")
    if d and "event_here_after_event_there" in d:
      spreads.extend(d["event_here_after_event_there"]["samples_ms"])
      e, a = d["event_here_after_event_there"], d["writer_event_after_merge"]
      w(f"- round {k}, the same merges seen by a second watcher on A: A's event − merge answer "
        f"p50 {a['p50_ms']} ms; C's event − A's event p50 {e['p50_ms']} ms, p99 {e['p99_ms']} ms, "
        f"max {e['max_ms']} ms.")
  if spreads:
    w(f"- C's event − A's event, all {len(spreads)} merges: p50 **{percentile(spreads, 50):.1f} ms**, "
      f"p99 **{percentile(spreads, 99):.1f} ms**.")
    summary["cross_minus_writer"] = (percentile(spreads, 50), percentile(spreads, 99))
  w("")
  metrics = []
  for name in ["one", "a", "b", "c"]:
    path = os.path.join(r, f"metrics-{name}.txt")
    if not os.path.exists(path):
      continue
    vals = {}
    for line in open(path):
      if line.startswith("#") or not line.strip():
        continue
      key, _, val = line.rpartition(" ")
      try:
        vals[key] = vals.get(key, 0.0) + float(val)
      except ValueError:
        pass
    fetches = sum(v for k, v in vals.items() if k.startswith("cup_fetch_total"))
    fsum = sum(v for k, v in vals.items() if k.startswith("cup_fetch_duration_seconds_sum"))
    fcount = sum(v for k, v in vals.items() if k.startswith("cup_fetch_duration_seconds_count"))
    metrics.append(f"{name}: {fetches:.0f} fetches"
                   + (f" taking {fsum:.1f} s in all (mean {fsum * 1000 / fcount:.0f} ms)" if fcount else ""))
  if metrics:
    w("Each node's `/metrics` at the end of the run: " + "; ".join(metrics) + ".\n")
  repacks = []
  for name in ["one", "a", "b", "c"]:
    path = os.path.join(r, f"repacks-{name}.txt")
    if os.path.exists(path):
      ms = [int(x) for x in re.findall(r" in (\d+) ms", open(path).read())]
      repacks.append(f"{name}: {len(ms)}" + (f" (longest {max(ms) / 1000:.1f} s, all "
                                             f"{sum(ms) / 1000:.1f} s)" if ms else ""))
  if repacks:
    w("Repacks of each node's clone (Cup's `Repacking`, after a fetch, outside the clone's fetch "
      "lock; CPU the node spends beside its writes): " + "; ".join(repacks) + ".\n")
  kinds = {}
  for name in ["one", "a", "b", "c"]:
    path = os.path.join(r, f"log-warnings-{name}.txt")
    if os.path.exists(path):
      for line in open(path):
        parts = line.split(None, 3)
        if len(parts) == 4:
          text = re.sub(r"\[[^\]]*\]", "…", parts[3].lstrip("- "))
          text = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "…", text)
          kind = f"{parts[1]} {parts[2]}: " + text[:100].strip()
          kinds.setdefault(kind, {}).setdefault(name, 0)
          kinds[kind][name] += 1
  if kinds:
    w("Warnings and errors in the nodes' logs, by kind (node: lines):\n")
    for kind, per in sorted(kinds.items(), key=lambda kv: -sum(kv[1].values())):
      w(f"- `{kind}` — " + ", ".join(f"{n}: {c}" for n, c in per.items()))
    w("")
  problems_file = os.path.join(r, "log-problems.txt")
  if os.path.exists(problems_file):
    counts = [l.rsplit("/", 1)[-1] for l in open(problems_file).read().split()]
    w("Lines with ` WARN ` or ` ERROR ` in the nodes' logs: " + ", ".join(counts) + ".\n")
  w("## Set-up\n")
  w("Commands (in order):\n\n```\n" + open(os.path.join(r, "commands.txt")).read().strip() + "\n```\n")
  for name in ["startup-1", "startup-3"]:
    d = load(r, name)
    if d:
      w(f"- {name}: " + (f"ready after {d.get('seconds')} s" if d.get("ok") else f"FAILED: {d.get('error')}"))
  w("")
  text = "\n".join(out) + "\n"
  with open(args.out, "w") as f:
    f.write(text)
  write_json(os.path.join(r, "summary.json"), {k: v for k, v in summary.items()})


def main():
  p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
  sub = p.add_subparsers(dest="cmd", required=True)
  s = sub.add_parser("wait-members")
  s.add_argument("--base", action="append", required=True)
  s.add_argument("--pid", action="append")
  s.add_argument("--members", type=int, default=0)
  s.add_argument("--timeout", type=float, default=180)
  s.add_argument("--out")
  s.set_defaults(fn=cmd_wait_members)
  s = sub.add_parser("puts")
  s.add_argument("--base", action="append", required=True)
  s.add_argument("--pid", action="append", help="a node's process, for its CPU time")
  s.add_argument("--clients", type=int, default=32)
  s.add_argument("--duration", type=float, default=10)
  s.add_argument("--first", type=int, default=100)
  s.add_argument("--value-base", type=int, default=10_000_000)
  s.add_argument("--repo")
  s.add_argument("--label", default="puts")
  s.add_argument("--out")
  s.set_defaults(fn=cmd_puts)
  s = sub.add_parser("latency")
  s.add_argument("--writer", required=True)
  s.add_argument("--watcher", required=True)
  s.add_argument("--also-watcher", help="a second watch, on the writer node")
  s.add_argument("--count", type=int, default=60)
  s.add_argument("--warmup", type=int, default=5)
  s.add_argument("--first", type=int, default=500)
  s.add_argument("--items", type=int, default=100)
  s.add_argument("--value-base", type=int, default=50_000_000)
  s.add_argument("--timeout", type=float, default=15)
  s.add_argument("--label", default="latency")
  s.add_argument("--out")
  s.set_defaults(fn=cmd_latency)
  s = sub.add_parser("report")
  s.add_argument("--results", required=True)
  s.add_argument("--out", required=True)
  s.set_defaults(fn=cmd_report)
  args = p.parse_args()
  args.fn(args)


if __name__ == "__main__":
  main()
