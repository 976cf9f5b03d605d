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
  watchers    N idle watch streams + one pushed commit per interval: push → event delays,
              exactly-once/in-order check, the server's RSS and threads (bench/watch)
  report      bench/results.md from the result files of one run
  watch-report  bench/results-watch.md from the result files of bench/watch
  jfr-top     the hottest frames of a JFR recording (jdk.ExecutionSample), for bench/auth
  auth-report bench/results-auth.md from the result files of bench/auth
"""

import argparse
import asyncio
import bisect
import datetime
import glob
import http.client
import json
import os
import re
import resource
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


WRITE_RESULT = "application/json;as=WriteResult;g=cup.flipt.io;v=v1alpha1"


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
    time.sleep(args.poll)
  fail(args.out, {"seconds": None}, f"not ready after {args.timeout}s ({last})")


def free_port():
  import socket
  with socket.socket() as sock:
    sock.bind(("127.0.0.1", 0))
    return sock.getsockname()[1]


def cmd_ready(args):
  """Start-up to /readyz = 200 of `java -jar JAR serve --demo`, on a new and then an existing
  data directory, for each jar, the jars taking turns start by start."""
  import signal
  import threading
  jars = [j.split("=", 1) for j in args.jar]
  doc = {"command": "java [opts] -jar JAR serve --demo --data-dir DIR --api-address 127.0.0.1:PORT",
         "java_opts": args.java_opts, "output": "stdout and stderr to a pipe that the benchmark "
         "reads to its end, as a terminal or a log collector would",
         "poll_ms": 20, "starts": args.starts, "jars": {}}

  def one(label, jar, data):
    port = free_port()
    cmd = ["java", *args.java_opts.split(), "-jar", jar, "serve", "--demo", "--data-dir", data,
           "--api-address", f"127.0.0.1:{port}"]
    log = open(os.path.join(args.work, f"ready-{label}.log"), "ab")
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    reader = threading.Thread(target=lambda: shutil.copyfileobj(proc.stdout, log), daemon=True)
    reader.start()
    seconds, cpu, last = None, None, "no answer"
    try:
      while time.monotonic() - started < args.timeout and proc.poll() is None:
        try:
          conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
          conn.request("GET", "/readyz")
          resp = conn.getresponse()
          resp.read()
          conn.close()
          if resp.status == 200:
            seconds = round(time.monotonic() - started, 3)
            cpu = process_cpu_seconds(proc.pid)
            break
          last = f"/readyz answered {resp.status}"
        except OSError as e:
          last = str(e)
        time.sleep(0.02)
    finally:
      proc.send_signal(signal.SIGTERM)
      try:
        proc.wait(60)
      except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
      reader.join(10)
      log.close()
    if seconds is None:
      raise RuntimeError(f"{label}: not ready ({last}; exit {proc.returncode})")
    return seconds, cpu

  try:
    for label, jar in jars:
      data = os.path.join(args.work, f"ready-data-{label}")
      shutil.rmtree(data, ignore_errors=True)
      seconds, cpu = one(label, jar, data)
      doc["jars"][label] = {"jar": jar, "new_data_dir_s": seconds, "new_data_dir_cpu_s": cpu,
                            "existing_s": [], "existing_cpu_s": []}
    for _ in range(args.starts):
      for label, jar in jars:
        data = os.path.join(args.work, f"ready-data-{label}")
        seconds, cpu = one(label, jar, data)
        doc["jars"][label]["existing_s"].append(seconds)
        doc["jars"][label]["existing_cpu_s"].append(cpu)
  except RuntimeError as e:
    fail(args.out, doc, str(e))
  for label, d in doc["jars"].items():
    d["median_existing_s"] = round(statistics.median(d["existing_s"]), 3)
    cpus = [c for c in d["existing_cpu_s"] if c is not None]
    d["median_existing_cpu_s"] = round(statistics.median(cpus), 2) if cpus else None
    print(f"ready {label}: new data dir {d['new_data_dir_s']} s, existing "
          f"{d['existing_s']} → median {d['median_existing_s']} s "
          f"(process CPU at ready: median {d['median_existing_cpu_s']} s)")
  doc["ok"] = True
  write_json(args.out, doc)


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
                                       # the original's write answer (202 + id): a plain
                                       # application/json now gets Kubernetes' (200 + object)
                                       "Accept": WRITE_RESULT})
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


def process_cpu_seconds(pid):
  """utime + stime of a process, from /proc/PID/stat, in seconds (None if it is gone)."""
  try:
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
      fields = f.read().rsplit(")", 1)[1].split()
  except OSError:
    return None
  return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cmd_wrk(args):
  headers = [x for h in args.header or [] for x in ("-H", h)]
  cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
         *headers, "-s", args.script, args.url]
  # the command as recorded: header values (bearer tokens) are not written to result files
  shown = [re.sub(r"^(\w[\w-]*): .*", r"\1: …", x) if x in (args.header or []) else x for x in cmd]
  doc = {"label": args.label, "command": " ".join(shown)}
  cpu0 = process_cpu_seconds(args.pid) if args.pid else None
  proc = subprocess.run(cmd, capture_output=True, text=True)
  cpu1 = process_cpu_seconds(args.pid) if args.pid else None
  line = next((l for l in proc.stdout.splitlines() if l.startswith("WRK_JSON ")), None)
  if proc.returncode != 0 or line is None:
    fail(args.out, doc, f"wrk failed ({proc.returncode}): {proc.stdout[-500:]} {proc.stderr[-500:]}")
  doc.update(json.loads(line[len("WRK_JSON "):]))
  if cpu0 is not None and cpu1 is not None and doc["requests"]:
    # the server's own CPU (user + system, all threads) per answered request: unlike requests/s,
    # it does not depend on how much of the machine the server got while other jobs ran
    doc["server_cpu_s"] = round(cpu1 - cpu0, 3)
    doc["server_cpu_us_per_request"] = round(1e6 * (cpu1 - cpu0) / doc["requests"], 2)
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
        if key in ("VmHWM", "VmRSS", "Threads"):
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
# watchers (bench/watch)


def process_cpu_seconds(pid):
  """User + system CPU time a process has used so far (/proc/PID/stat), or None."""
  try:
    with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
      fields = f.read().rsplit(")", 1)[1].split()
  except OSError:
    return None
  return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu():
  """(busy, total) jiffies of all cores from /proc/stat: how busy the whole machine is."""
  with open("/proc/stat", encoding="utf-8") as f:
    values = [int(v) for v in f.readline().split()[1:]]
  idle = values[3] + values[4]
  return sum(values) - idle, sum(values)


def process_sample(pid):
  """VmRSS, VmHWM (MiB), Threads and CPU seconds of a process, with the time it was read."""
  fields = read_status(pid)
  if fields is None:
    return None
  return {"t": time.monotonic(), "vmrss_mib": round(fields["VmRSS"] / 1024, 1),
          "vmhwm_mib": round(fields["VmHWM"] / 1024, 1), "threads": fields.get("Threads"),
          "cpu_s": process_cpu_seconds(pid)}


def live_heap_mib(pid):
  """Java heap in use right after a full GC (`jcmd PID GC.run`, then `GC.heap_info`), or None."""
  if not shutil.which("jcmd"):
    return None
  try:
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, text=True, timeout=60,
                   check=True)
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True,
                         timeout=60, check=True).stdout
  except (OSError, subprocess.SubprocessError):
    return None
  match = re.search(r"total \d+K, used (\d+)K", out)
  return round(int(match.group(1)) / 1024, 1) if match else None


def snapshot(pid, heap):
  """The process figures at a quiet point. With `heap`: RSS as found, then a full GC (jcmd), then
  RSS, threads and the live heap after it; quiet points are then compared after a full GC each,
  not at whatever garbage the last phase left (G1 also gives memory back in a full GC)."""
  found = process_sample(pid)
  if found is None:
    return {"error": f"process {pid} is gone"}
  if not heap:
    return found
  live = live_heap_mib(pid)
  doc = process_sample(pid) or found
  doc["vmrss_before_gc_mib"] = found["vmrss_mib"]
  doc["live_heap_mib"] = live
  return doc


class WatchStream(asyncio.Protocol):
  """One watch: an HTTP/1.1 GET on its own connection; keeps the raw body with arrival times.

  data_received only stamps and stores the bytes (and counts MODIFIED events so the run knows
  when everyone has everything): the chunked framing and the JSON are decoded after the run, so
  the client's own work adds as little as possible to the delays it measures.
  """

  TOKEN = b'"type":"MODIFIED"'

  def __init__(self, request):
    self.request = request
    self.transport = None
    self.head = b""
    self.status = None
    self.headers = {}
    self.headers_done = asyncio.get_running_loop().create_future()
    self.pieces = []  # (arrival time, raw body bytes)
    self.tail = b""
    self.modified = 0
    self.lost = None  # (time, reason) when the connection ended

  def connection_made(self, transport):
    self.transport = transport
    transport.write(self.request)

  def data_received(self, data):
    t = time.monotonic()
    if self.status is None:
      self.head += data
      end = self.head.find(b"\r\n\r\n")
      if end < 0:
        return
      lines = self.head[:end].decode("latin-1").split("\r\n")
      data = self.head[end + 4:]
      self.head = b""
      try:
        self.status = int(lines[0].split()[1])
      except (IndexError, ValueError):
        self.status = -1
      for line in lines[1:]:
        key, _, value = line.partition(":")
        self.headers[key.strip().lower()] = value.strip()
      if not self.headers_done.done():
        self.headers_done.set_result(t)
      if not data:
        return
    self.pieces.append((t, data))
    window = self.tail + data
    self.modified += window.count(self.TOKEN)
    self.tail = window[-(len(self.TOKEN) - 1):]

  def connection_lost(self, exc):
    self.lost = (time.monotonic(), str(exc) if exc else "closed by the server")
    if not self.headers_done.done():
      self.headers_done.set_exception(ConnectionError(self.lost[1]))


def body_lines(pieces, chunked):
  """(time, line) for each complete line of a body given as (arrival time, bytes) pieces; the
  time is the arrival of the piece holding the line's last byte. Decodes chunked framing."""
  raw = b"".join(p for _, p in pieces)
  ends = []
  total = 0
  for _, p in pieces:
    total += len(p)
    ends.append(total)
  times = [t for t, _ in pieces]
  spans = []  # (raw offset, payload bytes)
  if chunked:
    pos = 0
    while True:
      crlf = raw.find(b"\r\n", pos)
      if crlf < 0:
        break
      try:
        size = int(raw[pos:crlf].split(b";")[0], 16)
      except ValueError:
        raise ValueError(f"bad chunk header at byte {pos}: {raw[pos:pos + 20]!r}")
      if size == 0 or crlf + 2 + size > len(raw):
        if size:
          spans.append((crlf + 2, raw[crlf + 2:]))
        break
      spans.append((crlf + 2, raw[crlf + 2:crlf + 2 + size]))
      pos = crlf + 2 + size + 2
  else:
    spans.append((0, raw))
  lines = []
  current = []
  for offset, payload in spans:
    start = 0
    while True:
      nl = payload.find(b"\n", start)
      if nl < 0:
        current.append(payload[start:])
        break
      current.append(payload[start:nl])
      t = times[bisect.bisect_right(ends, offset + nl)]
      line = b"".join(current)
      current = []
      if line.strip():
        lines.append((t, line))
      start = nl + 1
  return lines


def build_updates(remote, work, count, first, value_base, run_id, items, namespace="default"):
  """A bare clone of `remote` and a chain of `count` commits on top of its main, each changing
  one Item (item-<first+k>, spec.value = value_base + k). Built with plumbing, untimed."""
  if os.path.exists(work):
    shutil.rmtree(work)
  clone = os.path.join(work, "clone.git")
  subprocess.run(["git", "clone", "-q", "--bare", remote, clone], check=True)

  def git(*argv, stdin=None):
    return subprocess.run(["git", "-C", clone, *argv], input=stdin, capture_output=True,
                          text=True, check=True).stdout

  parent = git("rev-parse", "main").strip()
  root = git("rev-parse", "main^{tree}").strip()
  root_entries = [l for l in git("ls-tree", root).splitlines()
                  if not l.endswith("\t" + namespace)]
  ns_entries = git("ls-tree", git("rev-parse", f"{root}:{namespace}").strip()).splitlines()
  updates = []
  for k in range(count):
    name = f"item-{(first + k) % items:05d}"  # an existing Item: the event is MODIFIED
    file = f"{GROUP}-{VERSION}-Item-{name}.json"
    content = json.dumps(item_body(namespace, name, value_base + k,
                                   f"watch bench {run_id} #{k}"), indent=2) + "\n"
    blob = git("hash-object", "-w", "--stdin", stdin=content).strip()
    ns_entries = [l for l in ns_entries if not l.endswith("\t" + file)]
    ns_entries.append(f"100644 blob {blob}\t{file}")
    new_ns = git("mktree", stdin="\n".join(ns_entries) + "\n").strip()
    new_root = git("mktree", stdin="\n".join(
      root_entries + [f"040000 tree {new_ns}\t{namespace}"]) + "\n").strip()
    parent = git("-c", "user.name=Cup Bench", "-c", "user.email=bench@cup.invalid",
                 "commit-tree", new_root, "-p", parent, "-m", f"watch bench {k}").strip()
    updates.append({"commit": parent, "name": name})
  return clone, updates


def check_stream(lines, start_rv, updates):
  """What one watcher received against what was pushed: delays by update index, problems."""
  index = {u["commit"]: k for k, u in enumerate(updates)}
  got = {}
  problems = {"missing": 0, "duplicate": 0, "out_of_order": 0, "unexpected": 0,
              "bad_bookmark": 0, "bad_line": 0, "coalesced": 0}
  examples = []
  bookmarks = 0
  last_rv = start_rv
  last_k = -1
  for t, line in lines:
    try:
      event = json.loads(line)
      kind = event["type"]
      obj = event["object"]
      rv = obj["metadata"]["resourceVersion"]
    except (ValueError, KeyError, TypeError):
      problems["bad_line"] += 1
      examples.append(f"not a watch event: {line[:200]!r}")
      continue
    if kind == "BOOKMARK":
      bookmarks += 1
      if rv != last_rv:
        problems["bad_bookmark"] += 1
        examples.append(f"BOOKMARK at {rv}, the last event was at {last_rv}")
      continue
    k = index.get(rv)
    name = obj["metadata"].get("name")
    if kind == "MODIFIED" and k is not None and name != updates[k]["name"]:
      # One fetch can bring several pushes: a move of several commits has one event per changed
      # resource, all at the move's last commit (Kubernetes semantics), so an earlier update
      # arrives with a later resourceVersion. It counts as that update, received now.
      earlier = [i for i in range(last_k + 1, k) if updates[i]["name"] == name and i not in got]
      if earlier:
        problems["coalesced"] += 1
        got[earlier[0]] = t
        continue
    if kind != "MODIFIED" or k is None or name != updates[k]["name"]:
      problems["unexpected"] += 1
      examples.append(f"unexpected {kind} {obj['metadata'].get('name')} at {rv}")
      continue
    if k in got:
      problems["duplicate"] += 1
      examples.append(f"update {k} ({rv[:12]}) received twice")
      continue
    if k < last_k:
      problems["out_of_order"] += 1
      examples.append(f"update {k} after update {last_k}")
    got[k] = t
    last_k = max(last_k, k)
    last_rv = rv
  problems["missing"] = len(updates) - len(got)
  return got, problems, bookmarks, examples[:5]


async def run_watchers(args, doc):
  loop = asyncio.get_running_loop()
  url = urllib.parse.urlsplit(args.base)
  host, port = url.hostname, url.port or 80
  # The current head: every watcher starts from it, so its stream holds only what is pushed.
  conn = connect(args.base)
  status, _, body = request(conn, "GET", args.path + "?limit=1",
                            headers={"Accept": "application/json"})
  conn.close()
  if status != 200:
    raise RuntimeError(f"GET {args.path}?limit=1 answered {status}: {body[:300]!r}")
  start_rv = json.loads(body)["metadata"]["resourceVersion"]
  doc["start_resource_version"] = start_rv

  clone, updates = build_updates(args.remote, args.work, args.updates, args.first,
                                 args.value_base, args.run_id, args.items)
  doc["updates"] = len(updates)
  doc["memory"] = {"before": snapshot(args.pid, args.heap)}

  query = f"{args.path}?watch=true&resourceVersion={start_rv}"
  req = (f"GET {query} HTTP/1.1\r\nHost: {host}:{port}\r\n"
         f"Accept: application/x-ndjson\r\nUser-Agent: cup-bench-watchers\r\n\r\n").encode()
  streams = []
  connect_s = []
  gate = asyncio.Semaphore(args.connect_concurrency)

  async def open_one():
    async with gate:
      t0 = time.monotonic()
      _, stream = await loop.create_connection(lambda: WatchStream(req), host, port)
      streams.append(stream)
      t1 = await asyncio.wait_for(stream.headers_done, args.connect_timeout)
      connect_s.append(t1 - t0)
      if stream.status != 200:
        raise RuntimeError(f"watch answered HTTP {stream.status}")

  t0 = time.monotonic()
  results = await asyncio.gather(*(open_one() for _ in range(args.watchers)),
                                 return_exceptions=True)
  errors = [str(r) or type(r).__name__ for r in results if isinstance(r, BaseException)]
  doc["connect"] = {"seconds_all": round(time.monotonic() - t0, 2), "errors": len(errors),
                    "error_examples": sorted(set(errors))[:5],
                    "concurrency": args.connect_concurrency}
  if connect_s:
    doc["connect"].update({"per_watch_" + k: v for k, v in summarize_ms(connect_s).items()
                           if k in ("p50_ms", "p99_ms", "max_ms")})
  if errors:
    raise RuntimeError(f"{len(errors)} of {args.watchers} watches did not start: "
                       f"{sorted(set(errors))[:3]}")
  chunked = all(s.headers.get("transfer-encoding", "").lower() == "chunked" for s in streams)
  doc["content_type"] = streams[0].headers.get("content-type")

  await asyncio.sleep(args.idle)
  doc["memory"]["idle"] = snapshot(args.pid, args.heap)
  doc["memory"]["idle"]["watchers_open"] = sum(1 for s in streams if s.lost is None)

  samples = []

  async def sampler():
    while True:
      s = process_sample(args.pid)
      if s:
        samples.append(s)
      await asyncio.sleep(0.5)

  def push(k):
    started = time.monotonic()
    proc = subprocess.run(["git", "-C", clone, "push", "-q", args.remote,
                           f"{updates[k]['commit']}:refs/heads/main"],
                          capture_output=True, text=True)
    done = time.monotonic()
    return started, done, proc.returncode, proc.stderr.strip()

  sampling = asyncio.ensure_future(sampler())
  machine0 = machine_cpu()
  client0 = resource.getrusage(resource.RUSAGE_SELF)
  load0 = open("/proc/loadavg").read().split()[0]
  pushes = []
  first_at = time.monotonic() + 0.2
  for k in range(len(updates)):
    await asyncio.sleep(max(0.0, first_at + k * args.interval - time.monotonic()))
    started, done, rc, err = await loop.run_in_executor(None, push, k)
    if rc != 0:
      sampling.cancel()
      raise RuntimeError(f"git push of update {k} failed ({rc}): {err}")
    pushes.append((started, done))
  # Everyone has everything (or stopped), or the settle time is over.
  deadline = time.monotonic() + args.settle
  while time.monotonic() < deadline:
    if all(s.modified >= len(updates) or s.lost for s in streams):
      break
    await asyncio.sleep(0.05)
  doc["settle_seconds"] = round(time.monotonic() - pushes[-1][1], 2)
  sampling.cancel()
  machine1 = machine_cpu()
  client1 = resource.getrusage(resource.RUSAGE_SELF)
  wall = time.monotonic() - pushes[0][0]
  server_cpu = (samples[-1]["cpu_s"] - samples[0]["cpu_s"]
                if len(samples) > 1 and samples[0]["cpu_s"] is not None else None)
  doc["cpu_during_updates"] = {
    "seconds": round(wall, 1),
    "server_cpu_s": round(server_cpu, 2) if server_cpu is not None else None,
    "server_cores": round(server_cpu / (samples[-1]["t"] - samples[0]["t"]), 3)
                    if server_cpu is not None else None,
    "client_cpu_s": round(client1.ru_utime + client1.ru_stime - client0.ru_utime
                          - client0.ru_stime, 2),
    "machine_busy": round((machine1[0] - machine0[0]) / max(1, machine1[1] - machine0[1]), 3),
    "load_start": load0,
    "load_end": open("/proc/loadavg").read().split()[0],
  }
  doc["memory"]["during_updates"] = {
    "samples": len(samples),
    "vmrss_median_mib": round(statistics.median(s["vmrss_mib"] for s in samples), 1),
    "vmrss_max_mib": max(s["vmrss_mib"] for s in samples),
    "threads_max": max(s["threads"] for s in samples),
  } if samples else None
  doc["memory"]["after_updates"] = process_sample(args.pid)
  lost_during = [s.lost[1] for s in streams if s.lost]
  for s in streams:
    s.transport.close()
  await asyncio.sleep(args.after_close)
  doc["memory"]["closed"] = snapshot(args.pid, args.heap)
  return streams, start_rv, updates, pushes, chunked, lost_during


def cmd_watchers(args):
  doc = {"label": args.label, "watchers": args.watchers, "interval_s": args.interval,
         "path": args.path, "remote": args.remote,
         "client": "python asyncio, one TCP connection per watcher, HTTP/1.1 GET, "
                   "Accept: application/x-ndjson; all watchers in one process",
         "push": "git push -q REMOTE <commit>:refs/heads/main from a local bare clone; the "
                 "commits (one Item changed each) are built before the run with git plumbing"}
  soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
  want = args.watchers + 256
  if soft < want:
    if hard != resource.RLIM_INFINITY and hard < want:
      fail(args.out, doc, f"open-file limit {hard} is below {want}; raise `ulimit -n`")
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
  try:
    streams, start_rv, updates, pushes, chunked, lost = asyncio.run(run_watchers(args, doc))
  except (RuntimeError, OSError, subprocess.CalledProcessError, asyncio.TimeoutError) as e:
    fail(args.out, doc, f"{type(e).__name__}: {e}")
  n = len(updates)
  push_end = [done for _, done in pushes]
  doc["push_ms"] = summarize_ms([done - started for started, done in pushes])
  slip = [pushes[k][0] - (pushes[0][0] + k * args.interval) for k in range(n)]
  doc["schedule_slip_max_ms"] = round(max(slip) * 1000, 1)
  per_update = [[] for _ in range(n)]
  totals = {"missing": 0, "duplicate": 0, "out_of_order": 0, "unexpected": 0,
            "bad_bookmark": 0, "bad_line": 0, "coalesced": 0}
  examples = []
  bookmarks = []
  watchers_with_problems = 0
  for i, s in enumerate(streams):
    try:
      lines = body_lines(s.pieces, chunked)
    except ValueError as e:
      fail(args.out, doc, f"watcher {i}: {e}")
    got, problems, marks, ex = check_stream(lines, start_rv, updates)
    bookmarks.append(marks)
    for k, t in got.items():
      per_update[k].append(t - push_end[k])
    for key, v in problems.items():
      totals[key] += v
    if any(v for key, v in problems.items() if key != "coalesced"):
      watchers_with_problems += 1
      examples.extend(f"watcher {i}: {e}" for e in ex)
  complete = [k for k in range(n) if len(per_update[k]) == len(streams)]
  all_received = [max(per_update[k]) for k in complete]
  first_received = [min(per_update[k]) for k in complete]
  fan_out = [max(per_update[k]) - min(per_update[k]) for k in complete]
  every = [d for ds in per_update for d in ds]
  doc["delays"] = {
    "all_received": summarize_ms(all_received) if all_received else None,
    "first_received": summarize_ms(first_received) if first_received else None,
    "per_watcher": summarize_ms(every) if every else None,
    "fan_out": summarize_ms(fan_out) if fan_out else None,
    "updates_complete": len(complete),
    "all_received_samples_ms": [round(d * 1000, 1) for d in all_received],
    "per_update_median_ms": [round(statistics.median(ds) * 1000, 1) if ds else None
                             for ds in per_update],
  }
  doc["correctness"] = {
    "expected_events": n * len(streams),
    "received_events": len(every),
    **totals,
    "watchers_with_problems": watchers_with_problems,
    "connections_lost_before_the_end": len(lost),
    "lost_examples": sorted(set(lost))[:3],
    "examples": examples[:10],
    "bookmarks_per_watcher_min": min(bookmarks) if bookmarks else None,
    "bookmarks_per_watcher_max": max(bookmarks) if bookmarks else None,
  }
  doc["exactly_once_in_order"] = (not any(v for key, v in totals.items() if key != "coalesced")
                                  and not lost
                                  and len(every) == n * len(streams))
  doc["ok"] = bool(all_received) and doc["exactly_once_in_order"]
  if not doc["ok"]:
    doc["error"] = (f"{n * len(streams) - len(every)} events missing, {totals}, "
                    f"{len(lost)} connections lost")
  write_json(args.out, doc)
  d = doc["delays"]
  print(f"{args.label}: {len(streams)} watchers, {n} updates; push → all received "
        f"p50 {fmt(d['all_received'] and d['all_received']['p50_ms'], ' ms')}, "
        f"p99 {fmt(d['all_received'] and d['all_received']['p99_ms'], ' ms')}; "
        f"exactly once in order: {doc['exactly_once_in_order']}; "
        f"RSS idle {doc['memory']['idle'].get('vmrss_mib')} MiB")
  if not doc["ok"]:
    sys.exit(1)


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
  get_before = load(r, "get-cup-before")
  ratio_get = ratio_before = ratio_after_before = cpu_ratio = None
  if get_cup and get_nginx and get_cup.get("ok") and get_nginx.get("ok"):
    ratio_get = round(get_cup["median_rps"] / get_nginx["median_rps"], 3)
  if get_before and get_nginx and get_before.get("ok") and get_nginx.get("ok"):
    ratio_before = round(get_before["median_rps"] / get_nginx["median_rps"], 3)
  if get_before and get_cup and get_before.get("ok") and get_cup.get("ok"):
    ratio_after_before = round(get_cup["median_rps"] / get_before["median_rps"], 3)
    if get_before.get("median_cpu_us_per_request") and get_cup.get("median_cpu_us_per_request"):
      cpu_ratio = round(get_before["median_cpu_us_per_request"]
                        / get_cup["median_cpu_us_per_request"], 3)
  ready = load(r, "ready")
  ready_cup = ((ready or {}).get("jars") or {}).get("cup") if ready and ready.get("ok") else None
  ready_before = ((ready or {}).get("jars") or {}).get("before") if ready and ready.get("ok") else None
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
  ratio_push = (round(put_large["median_ms"] / floor_large["median_ms"], 3)
                if ok(put_large) and ok(floor_large) else None)
  xmx = load(r, "xmx")

  w("## Summary")
  w("")
  w("| benchmark | measure | value | goal | result |")
  w("| --- | --- | --- | --- | --- |")
  w(f"| (a) GET one resource, access log on | Cup / nginx requests/s (medians) | {fmt(ratio_get)} | "
    f"≥ 0.8 | {goal(ratio_get, 0.8, True)} |")
  if ratio_before is not None:
    w(f"| (a) before: {env.get('before_note', '?')} | before / nginx requests/s (medians) | "
      f"{fmt(ratio_before)} | — | baseline |")
    w(f"| (a) after / before | requests/s (medians); server CPU per request before / after | "
      f"{fmt(ratio_after_before)}; {fmt(cpu_ratio)} | — | — |")
  for key, label in (("list-small-ndjson", "NDJSON"), ("list-small-json", "application/json")):
    d = lists[key]
    p50 = d["p50_ms"] if ok(d) else None
    w(f"| (b) list 1,000 resources, {label} | p50 | {fmt(p50, ' ms')} | ≤ 20 ms | "
      f"{goal(p50, 20, False)} |")
  w(f"| (c) PUT → 202 | large / small (medians) | {fmt(ratio_ls)} | ≤ 1.5 | "
    f"{goal(ratio_ls, 1.5, False)} |")
  w(f"| (c) PUT → 202 | Cup large / git worktree baseline (medians) | {fmt(ratio_lb)} | ≤ 0.25 | "
    f"{goal(ratio_lb, 0.25, False)} |")
  w(f"| (c) PUT → 202 at 100,000 files | Cup large / plain `git push` of a one-file commit, large "
    f"(medians) | {fmt(ratio_push)} | ≤ 1.2 | {goal(ratio_push, 1.2, False)} |")
  xmx_result = "not run" if xmx is None else ("**pass**" if xmx.get("ok") else "**fail**")
  xmx_value = (f"peak RSS {xmx['vmhwm_mib']} MiB" if xmx and xmx.get("vmhwm_mib") is not None
               else "—")
  w(f"| (d) large repo, `-Xmx256m`, under load | starts, GET/list/PUT correct | {xmx_value} | "
    f"correct answers | {xmx_result} |")
  ready_value = ready_cup["median_existing_s"] if ready_cup else None
  w(f"| (e) `serve --demo` ready, existing data directory | median start to `/readyz` = 200 | "
    f"{fmt(ready_value, ' s')} | ≤ 2 s | {goal(ready_value, 2, False)} |")
  if ready_before and ready_value is not None:
    w(f"| (e) before | median start to `/readyz` = 200 | "
      f"{fmt(ready_before['median_existing_s'], ' s')} | — | baseline "
      f"(after / before {fmt(round(ready_value / ready_before['median_existing_s'], 3))}) |")
  w("")

  failures = []

  w("## (a) GET one resource: requests/s")
  w("")
  if get_cup or get_nginx:
    w(f"wrk `{env.get('wrk_args', '?')}` with `bench/wrk-report.lua` (same method, path and "
      f"`Accept` header for both), {env.get('wrk_rounds', '?')} rounds after a "
      f"{env.get('wrk_warmup', '?')} s warm-up of each server; each round starts with the next server in turn. "
      f"Path: `{env.get('get_path', '?')}`.")
    w("")
    w("| server | median req/s | rounds (req/s) | median p50 latency | median p99 latency | "
      "errors |")
    w("| --- | --- | --- | --- | --- | --- |")
    named = [("nginx", get_nginx), ("Cup", get_cup)]
    if get_before:
      named.append(("Cup before", get_before))
    for name, d in named:
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
    cpu_rows = [(n, d.get("median_cpu_us_per_request")) for n, d in named[1:]
                if d and d.get("median_cpu_us_per_request")]
    if cpu_rows:
      w("")
      w("Server CPU time (user + system, all threads, from `/proc/PID/stat`) per answered request, "
        "median over the rounds — it does not depend on how much of the machine the server got: "
        + "; ".join(f"{n} {v} µs" for n, v in cpu_rows) + ".")
    w("")
    w("Both Cup servers run as a user runs them: default configuration, access log on (one INFO "
      "line per request), standard output and error to a pipe that `cat` empties into a log file. "
      + (f"Before: {env.get('before_note')}; it serves the same repository from a data directory "
         "of its own, idle while the others are measured. " if get_before else "")
      )
    body = load(r, "get-bytes")
    if body:
      w("")
      w(f"Response bodies: Cup {body.get('cup_bytes')} bytes, nginx {body.get('nginx_bytes')} "
        f"bytes, identical: {body.get('identical')} ({body.get('note', '')}).")
  else:
    w("Not run.")
  w("")

  w("## (e) ready on an existing data directory")
  w("")
  if ready and ready.get("ok"):
    w(f"`{ready.get('command')}` ({ready.get('output')}); the time from starting `java` to the "
      f"first `GET /readyz` answering 200 (polled every {ready.get('poll_ms')} ms), then SIGTERM. "
      "Each jar starts once on a new data directory (it creates the demo repository and clones "
      f"it), then {ready.get('starts')} times on that existing one, the jars taking turns. The "
      "process's CPU time at that moment is given too: unlike the wall time, it hardly depends on "
      "what else the machine runs.")
    w("")
    w("| jar | new data directory | existing data directory: starts | median | process CPU at ready "
      "(median) |")
    w("| --- | --- | --- | --- | --- |")
    for label, d in (ready.get("jars") or {}).items():
      w(f"| {label} | {d['new_data_dir_s']} s | {', '.join(str(x) for x in d['existing_s'])} | "
        f"**{d['median_existing_s']} s** | {d.get('median_existing_cpu_s')} s |")
  else:
    w("Not run." if ready is None else f"FAILED: {ready.get('error', '?')}")
    if ready is not None:
      failures.append(failure(ready, "(e) ready"))
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
  w("The floor: `git push` alone of a one-file commit (built untimed with "
    "`hash-object`/`mktree`/`commit-tree` in a bare clone) to the same daemon, on each "
    "repository — the part of a PUT that the remote's `receive-pack` (unpack, connectivity "
    "check against the repository's refs) decides. Cup large / that push on the large "
    f"repository = {fmt(ratio_push)} (goal ≤ 1.2: {goal(ratio_push, 1.2, False)}); large / small "
    f"for that push alone = {fmt(ratio_floor)}.")
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


def cmd_watch_report(args):
  r = args.results
  env = load(r, "env") or {}
  fx = load(r, "fixtures") or {}
  base = load(r, "watch-baseline")
  many = load(r, "watch-many")
  start = load(r, "startup-many")
  rss_start = load(r, "rss-start-many")
  rss_end = load(r, "rss-end-many")
  lines = []
  w = lines.append
  n_many = env.get("watchers", "?")
  w("# Cup watch benchmark results")
  w("")
  if env.get("quick"):
    w("**Quick smoke run (BENCH_QUICK=1): fewer watchers and updates; figures are not "
      "comparable with a full run.**")
    w("")
  w(f"- Date: {env.get('date', '?')}")
  w(f"- Machine: {env.get('nproc', '?')} cores, {env.get('mem', '?')} memory; "
    f"{env.get('java', '?')}; {env.get('python', '?')}; {env.get('git', '?')}")
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
      "absolute figures are pessimistic.**")
  w(f"- Run: `{env.get('invocation', 'bash bench/watch')}`, {env.get('total_seconds', '?')} s "
    "in all; everything on 127.0.0.1 (one 2-core machine runs the server, all the watchers, "
    "the pushing git client and the git daemon, so figures are noisy: medians and ratios only)")
  w(f"- Fixture: bench/gen-fixtures.py `--skip-large`: bare repository of "
    f"{(fx.get('small') or {}).get('files', '?')} Items in `default`, served by "
    f"`git daemon --enable=receive-pack`; work directory on {env.get('work_fs', '?')}")
  w(f"- Server: `--api-git-poll-interval {env.get('poll_interval', '?')}` "
    f"`--api-watch-bookmark-interval {env.get('bookmark_interval', '?')}`"
    f"{', JVM options `' + env['java_opts'] + '`' if env.get('java_opts') else ', default JVM options'}"
    f"; ready after {start['seconds'] if start and start.get('ok') else '?'} s")
  w("")

  ok = lambda d: d is not None and d.get("ok")
  has = lambda d: d is not None and d.get("delays") is not None

  def stat(d, key, p):
    if not has(d) or not d["delays"].get(key):
      return None
    return d["delays"][key][p]

  def ratio(a, b):
    return round(a / b, 2) if a is not None and b else None

  def mem(d, point, key):
    m = (d or {}).get("memory", {}).get(point) or {}
    return m.get(key)

  w("## Summary")
  w("")
  w(f"Push → event: from the end of `git push` of a commit to the tracked branch (on the git "
    f"daemon) until the watcher has read the MODIFIED event whose `metadata.resourceVersion` is "
    f"that commit. One update every {env.get('interval', '?')} s, {env.get('updates', '?')} "
    f"updates in each part; the baseline is 1 watcher with the same schedule. Each part runs "
    f"on its own fresh server (new process, empty data directory).")
  w("")
  w(f"| measure | baseline: 1 watcher | {n_many} idle watchers | ratio {n_many} / 1 |")
  w("| --- | --- | --- | --- |")
  for key, label in (("all_received", "push → **every** watcher has the event"),
                     ("per_watcher", "push → one watcher has the event (all watcher × update pairs)"),
                     ("first_received", "push → the first watcher has the event")):
    for p, pl in (("p50_ms", "median"), ("p99_ms", "p99")):
      a, b = stat(base, key, p), stat(many, key, p)
      w(f"| {label}, {pl} | {fmt(a, ' ms')} | {fmt(b, ' ms')} | {fmt(ratio(b, a))} |")
  for p, pl in (("p50_ms", "median"), ("p99_ms", "p99")):
    w(f"| fan-out: first → last watcher of one update, {pl} | — | "
      f"{fmt(stat(many, 'fan_out', p), ' ms')} | — |")
  for name, d in (("baseline", base), (f"{n_many} watchers", many)):
    if d is None:
      continue
    c = d.get("correctness") or {}
    verdict = ("**yes**" if d.get("exactly_once_in_order") else "**NO**") if c else "not measured"
    w(f"| every update to every watcher exactly once, in order ({name}) | "
      f"{c.get('received_events', '—')} of {c.get('expected_events', '—')} events | "
      f"missing {c.get('missing', '—')}, duplicate {c.get('duplicate', '—')}, out of order "
      f"{c.get('out_of_order', '—')}, unexpected {c.get('unexpected', '—')}, connections "
      f"lost {c.get('connections_lost_before_the_end', '—')} | {verdict} |")
  w("")
  w(f"Server resources: 0 watchers = the {n_many}-watcher part's server before they connect; "
    "at rest = after a forced full GC (see Method).")
  w("")
  w(f"| measure | 0 watchers | {n_many} watchers | ratio {n_many} / 0 |")
  w("| --- | --- | --- | --- |")
  before_rss = mem(many, "before", "vmrss_mib")
  idle_rss = mem(many, "idle", "vmrss_mib")
  w(f"| RSS (VmRSS) at rest, watchers connected and idle | {fmt(before_rss, ' MiB')} | "
    f"{fmt(idle_rss, ' MiB')} | **{fmt(ratio(idle_rss, before_rss))}** |")
  during_base = ((base or {}).get("memory", {}).get("during_updates") or {})
  during = (many or {}).get("memory", {}).get("during_updates") or {}
  w(f"| RSS during the updates, max of samples every 0.5 s (0 watchers: the 1-watcher part) | "
    f"{fmt(during_base.get('vmrss_max_mib'), ' MiB')} | {fmt(during.get('vmrss_max_mib'), ' MiB')} "
    f"| {fmt(ratio(during.get('vmrss_max_mib'), during_base.get('vmrss_max_mib')))} |")
  heap_before = mem(many, "before", "live_heap_mib")
  heap_idle = mem(many, "idle", "live_heap_mib")
  per_watch = (round((heap_idle - heap_before) * 1024 / int(n_many), 1)
               if heap_before is not None and heap_idle is not None and str(n_many).isdigit()
               else None)
  w(f"| live Java heap after a full GC | {fmt(heap_before, ' MiB')} | {fmt(heap_idle, ' MiB')} | "
    f"{fmt(ratio(heap_idle, heap_before))} ({fmt(per_watch, ' KiB')} per watcher) |")
  cpu0 = (base or {}).get("cpu_during_updates") or {}
  cpu1 = (many or {}).get("cpu_during_updates") or {}
  w(f"| server CPU during the updates, in cores (0 watchers: the 1-watcher part) | "
    f"{fmt(cpu0.get('server_cores'))} | {fmt(cpu1.get('server_cores'))} | "
    f"{fmt(ratio(cpu1.get('server_cores'), cpu0.get('server_cores')))} |")
  w(f"| whole machine busy during the updates (all processes, 2 cores = 1.0) | "
    f"{fmt(cpu0.get('machine_busy'))} | {fmt(cpu1.get('machine_busy'))} | — |")
  t0, t1 = mem(many, "before", "threads"), mem(many, "idle", "threads")
  w(f"| server threads (`Threads` in /proc/PID/status) | {fmt(t0)} | {fmt(t1)} | "
    f"{fmt(None if t0 is None or t1 is None else t1 - t0, ' more')} (max during the updates: "
    f"{fmt(during.get('threads_max'))}) |")
  peak = (rss_end or {}).get("vmhwm_mib")
  w("")
  w(f"Peak RSS of the server over the whole run (VmHWM at the end): {fmt(peak, ' MiB')}; "
    f"RSS right after start-up: {fmt((rss_start or {}).get('vmrss_mib'), ' MiB')}.")
  w("")

  w("## Method")
  w("")
  w(f"- `bash bench/watch` starts a fresh Cup server for each part (`java -jar cup.jar serve "
    f"--api-source git`, "
    f"the fixture's repository from the git daemon, "
    f"`--api-git-poll-interval {env.get('poll_interval', '?')}`). Cup learns about a push only by "
    "fetching the remote every poll interval (there are no webhooks yet), so the push → event "
    "delay is dominated by polling: on average half an interval of waiting plus one fetch, "
    "then the diff of the move and the fan-out. The 1-watcher baseline shows that part; the "
    "ratio shows what the number of watchers adds to it.")
  w("- Updates: before each part, bench/bench.py builds a chain of commits on top of the "
    "remote's `main` in a local bare clone with git plumbing (`hash-object`, `mktree`, "
    "`commit-tree`; untimed), each changing `spec.value` of a different Item. At 0 s, 1 s, 2 s, … "
    "it runs `git push -q git://127.0.0.1:PORT/small.git <commit>:refs/heads/main` (a "
    "fast-forward of the tracked branch on the daemon); the clock starts when that `git push` "
    "exits, i.e. when the daemon's `receive-pack` has updated the branch.")
  w(f"- Watchers: bench/bench.py `watchers`, python asyncio in one process, one TCP connection "
    f"per watcher with an HTTP/1.1 `GET /apis/bench.cup.io/v1alpha1/namespaces/default/items"
    f"?watch=true&resourceVersion=<head>` and "
    "`Accept: application/x-ndjson`. Starting from the head's resourceVersion (read with a "
    "`?limit=1` list first) keeps the streams idle: no initial ADDED events, only what is pushed "
    f"(and a BOOKMARK every {env.get('bookmark_interval', '?')}). The client stamps each read "
    "from a socket with the monotonic clock and stores the bytes; chunked framing and JSON are "
    "decoded after the run, so the client adds little, but it is one Python thread reading "
    "every socket, on the same 2 cores as the server: the fan-out includes its read loop.")
  w("- Delays: for each update, \"every watcher has it\" = the maximum over watchers; "
    "\"one watcher\" = every (watcher, update) pair. Medians and p99 (nearest rank) over the "
    "updates of a part, so with 60 updates the p99 is the second-worst update.")
  w("- Correctness: each watcher's events must be exactly the pushed commits, each once, as "
    "MODIFIED of the Item that commit changed, in push order; a BOOKMARK must carry the "
    "resourceVersion of the last event before it. Lost connections count as failures.")
  w("- Memory: VmRSS, VmHWM and Threads from /proc/PID/status of the server. At the quiet points "
    "(before the watchers connect, after they have been connected and idle for "
    f"{env.get('idle', '?')} s, a few seconds after they closed) the run first forces a full GC "
    "(`jcmd PID GC.run`), then reads RSS and the live heap (`jcmd PID GC.heap_info`), so the "
    "points compare memory in use and not the garbage of the previous phase; during the updates "
    "RSS is sampled every 0.5 s as it is.")
  w("")

  failures = []
  for name, d in (("baseline (1 watcher)", base), (f"{n_many} watchers", many)):
    w(f"## {name[0].upper() + name[1:]}")
    w("")
    if d is None:
      w("Not run.")
      w("")
      failures.append(failure(d, name))
      continue
    if not d.get("ok"):
      failures.append(failure(d, name))
    c = d.get("connect") or {}
    if c:
      w(f"- connect: {d.get('watchers')} watch(es) opened {c.get('concurrency')} at a time in "
        f"{c.get('seconds_all')} s (per watch, request to response headers: p50 "
        f"{c.get('per_watch_p50_ms')} ms, p99 {c.get('per_watch_p99_ms')} ms); errors "
        f"{c.get('errors')}{' ' + str(c.get('error_examples')) if c.get('errors') else ''}; "
        f"Content-Type `{d.get('content_type')}`")
    if d.get("push_ms"):
      pm = d["push_ms"]
      w(f"- `git push`: median {pm['median_ms']} ms, max {pm['max_ms']} ms; schedule slip "
        f"at most {d.get('schedule_slip_max_ms')} ms; after the last push every event was in "
        f"within {d.get('settle_seconds')} s")
    if has(d):
      dl = d["delays"]
      keys = (("all_received", "push → every watcher"), ("per_watcher", "push → one watcher"),
              ("first_received", "push → first watcher"), ("fan_out", "first → last watcher"))
      for key, label in keys if d.get("watchers", 1) > 1 else keys[:1]:
        s = dl.get(key)
        if s:
          w(f"- {label}: median {s['median_ms']} ms, p90 {s['p90_ms']} ms, p99 {s['p99_ms']} ms, "
            f"min {s['min_ms']} ms, max {s['max_ms']} ms (n = {s['n']})")
      samples = dl.get("all_received_samples_ms", [])
      w(f"- push → every watcher, per update (ms): {', '.join(str(x) for x in samples)}")
      if len(samples) >= 20:
        blocks = [round(statistics.median(samples[i:i + 10])) for i in range(0, len(samples), 10)]
        w(f"- the same, median of each block of 10 updates in push order (ms): "
          f"{', '.join(str(b) for b in blocks)}")
        if blocks[-1] > 1.5 * blocks[0]:
          w(f"- **the delay grew during this part: last block / first block = "
            f"{round(blocks[-1] / blocks[0], 2)}** (compare the server CPU and RSS below)")
    cu = d.get("cpu_during_updates")
    if cu:
      w(f"- CPU over the {cu['seconds']} s of updates: server {cu['server_cpu_s']} s "
        f"({cu['server_cores']} cores), the watcher client {cu['client_cpu_s']} s, whole "
        f"machine {round(cu['machine_busy'] * 100)} % busy; load average {cu['load_start']} → "
        f"{cu['load_end']}")
    cr = d.get("correctness")
    if cr:
      w(f"- events: {cr['received_events']} of {cr['expected_events']} expected; missing "
        f"{cr['missing']}, duplicate {cr['duplicate']}, out of order {cr['out_of_order']}, "
        f"unexpected {cr['unexpected']}, bookmarks with a wrong resourceVersion "
        f"{cr['bad_bookmark']}, lines that are no watch event {cr['bad_line']}; updates that came "
        f"in one move with the next push {cr.get('coalesced', 0)}; watchers with a "
        f"problem {cr['watchers_with_problems']}; connections ended by the server "
        f"{cr['connections_lost_before_the_end']}"
        f"{' ' + str(cr['lost_examples']) if cr['lost_examples'] else ''}; BOOKMARKs per "
        f"watcher {cr['bookmarks_per_watcher_min']}–{cr['bookmarks_per_watcher_max']}")
      for e in cr.get("examples", []):
        w(f"  - {e}")
    m = d.get("memory") or {}
    if m:
      w("")
      w("| point | VmRSS | VmRSS before the forced GC | live heap after GC | VmHWM | threads |")
      w("| --- | --- | --- | --- | --- | --- |")
      for point, label in (("before", "before the watchers connect"),
                           ("idle", f"watchers connected, idle {env.get('idle', '?')} s"),
                           ("after_updates", "right after the updates"),
                           ("closed", "watchers closed")):
        p = m.get(point)
        if not p:
          continue
        w(f"| {label} | {fmt(p.get('vmrss_mib'), ' MiB')} | "
          f"{fmt(p.get('vmrss_before_gc_mib'), ' MiB')} | {fmt(p.get('live_heap_mib'), ' MiB')} | "
          f"{fmt(p.get('vmhwm_mib'), ' MiB')} | {fmt(p.get('threads'))} |")
      du = m.get("during_updates")
      if du:
        w(f"| during the updates ({du['samples']} samples) | median {du['vmrss_median_mib']} MiB, "
          f"max {du['vmrss_max_mib']} MiB | — | — | — | max {du['threads_max']} |")
    w("")

  w("## Server logs")
  w("")
  for part in ("baseline", "many"):
    server_log = load(r, f"server-log-{part}")
    w(f"Server of the {'baseline' if part == 'baseline' else str(n_many) + '-watcher'} part: "
      + ("not collected." if not server_log else ""))
    if not server_log:
      w("")
      continue
    w("")
    w(f"- {server_log['lines']} lines; {server_log['branch_moves_logged']} moves of the tracked "
      f"branch logged; {server_log['warn_error_lines']} lines with WARN, ERROR or an exception"
      f"{':' if server_log['examples'] else ''}")
    for e in server_log["examples"]:
      w(f"  - `{e}`")
    w(f"- pack files in its clone of the repository at the end: "
      f"{server_log.get('pack_files', '?')}")
    gc = server_log.get("gc")
    if gc:
      w(f"- GC (`-Xlog:gc` to logs/gc-*.log): {gc['pauses']} pauses ({gc['full_by_jcmd']} full "
        f"GCs forced by the run's `jcmd GC.run`), longest {fmt(gc['pause_ms_max'], ' ms')}; "
        f"largest committed heap {fmt(gc['heap_committed_max_mib'], ' MiB')}")
    w("")
  if start is not None and not start.get("ok"):
    failures.append(failure(start, "start"))
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


def parse_jfr_samples(text):
  """(thread, [frames, top first]) per jdk.ExecutionSample of `jfr print --stack-depth N`."""
  samples = []
  thread, frames, in_stack = None, None, False
  for line in text.splitlines():
    s = line.strip()
    if s.startswith("jdk.ExecutionSample"):
      thread, frames, in_stack = None, [], False
    elif s.startswith("sampledThread = "):
      m = re.match(r'sampledThread = "(.*)" \(', s)
      thread = m.group(1) if m else s[len("sampledThread = "):]
    elif s.startswith("stackTrace = ["):
      in_stack = True
    elif in_stack and s == "]":
      in_stack = False
      samples.append((thread or "?", frames))
    elif in_stack and s and s != "...":
      frames.append(re.sub(r"\(.*", "", s))
  return samples


# Code of authentication and authorization. A sample counts as theirs when the deepest frame of
# Cup or vertx-auth on its stack is one of these: AccessControl itself does not count, since the
# rest of the request (routing, the handler) runs inside its callback, as it does with auth off.
AUTH_PACKAGES = ("io.cup.access.", "io.vertx.ext.auth.")
APP_PACKAGES = ("io.cup.", "io.vertx.ext.auth.")


def cmd_jfr_top(args):
  proc = subprocess.run(["jfr", "print", "--stack-depth", "64", "--events", "jdk.ExecutionSample",
                         args.recording], capture_output=True, text=True)
  doc = {"label": args.label, "recording": args.recording}
  if proc.returncode != 0:
    fail(args.out, doc, f"jfr print failed: {proc.stderr[-300:]}")
  samples = parse_jfr_samples(proc.stdout)
  threads, top, app, auth_top, auth_self = {}, {}, {}, {}, {}
  auth_samples = 0
  bump = lambda d, k: d.__setitem__(k, d.get(k, 0) + 1)
  for thread, frames in samples:
    bump(threads, thread)
    if frames:
      bump(top, frames[0])
    deepest = next((f for f in frames if f.startswith(APP_PACKAGES)), None)
    bump(app, deepest or "(no Cup frame: Netty, Vert.x, JVM)")
    if deepest and deepest.startswith(AUTH_PACKAGES):
      auth_samples += 1
      bump(auth_top, deepest)
      bump(auth_self, frames[0])
  ranked = lambda d: [{"frame": k, "samples": v}
                      for k, v in sorted(d.items(), key=lambda kv: -kv[1])[:args.top]]
  doc.update({"ok": True, "samples": len(samples), "threads": ranked(threads),
              "top_frames": ranked(top), "cup_frames": ranked(app),
              "auth_samples": auth_samples, "auth_frames": ranked(auth_top),
              "auth_self_frames": ranked(auth_self)})
  write_json(args.out, doc)
  print(f"{args.label}: {len(samples)} samples, {auth_samples} in io.cup.access or vertx-auth")
  for row in doc["top_frames"][:10]:
    print(f"  {row['samples']:6d}  {row['frame']}")


AUTH_CONFIGS = (("off", "authentication off (baseline)"),
                ("token", "static token (`--api-token-auth-file`)"),
                ("jwt", "OIDC JWT (`--api-oidc-issuer-url`)"))


def cmd_auth_report(args):
  r = args.results
  env = load(r, "env") or {}
  lines = []
  w = lines.append
  goal_ratio = float(env.get("goal", 0.85))
  w("# Cup authentication benchmark results")
  w("")
  if env.get("quick"):
    w("**Quick smoke run (BENCH_QUICK=1): figures are not meaningful.**")
    w("")
  w("GET of one resource with a static bearer token and with an OIDC JWT, in requests/s as a "
    "ratio to the same GET with authentication off, measured in one run (issue: goal ≥ "
    f"{goal_ratio}×). Produced by `bash bench/auth` (see bench/README.md, \"Authentication "
    "benchmark\").")
  w("")
  w("## Environment")
  w("")
  w(f"- Date: {env.get('date', '?')}")
  w(f"- Machine: {env.get('nproc', '?')} cores, {env.get('mem', '?')} memory; "
    f"{env.get('java', '?')}; {env.get('wrk', '?')}; {env.get('openssl', '?')}")
  w(f"- Cup: `{env.get('jar', '?')}` ({env.get('jar_note', '')}); source tree at "
    f"{env.get('revision', '?')}")
  w(f"- Load average (1/5/15 min) at start: {env.get('load_start', '?')}, at end: "
    f"{env.get('load_end', '?')}")
  try:
    busy = max(float(env.get(k, "0").split()[0]) for k in ("load_start", "load_end")) \
      > float(env.get("nproc", "2"))
  except ValueError:
    busy = False
  if busy:
    w("- **The machine was busy with other work during this run (load above the core count): "
      "absolute requests/s are pessimistic; the three configurations took turns, so the ratios "
      "are less affected, but noisier.**")
  w(f"- Run: `{env.get('invocation', 'bash bench/auth')}`, {env.get('total_seconds', '?')} s in "
    "all; everything on 127.0.0.1, one machine runs the servers, wrk, the issuer and git daemon")
  w(f"- Work directory: `{env.get('work', '?')}` on {env.get('work_fs', '?')}")
  w("")

  w("## Summary")
  w("")
  w(f"wrk `{env.get('wrk_args', '?')}` with `bench/wrk-report.lua`, GET "
    f"`{env.get('get_path', '?')}`; median of {env.get('wrk_rounds', '?')} rounds per "
    "configuration (p50/p99: median over the rounds of each round's wrk percentile).")
  w("")
  n_rounds = int(env.get("wrk_rounds", 0))
  per_round = {n: {c: load(r, f"get-{c}-round-{n}") or {} for c, _ in AUTH_CONFIGS}
               for n in range(1, n_rounds + 1)}

  def paired(c, key):
    """Median over the rounds of (c / off) of the same round."""
    v = [row[c][key] / row["off"][key] for row in per_round.values()
         if row[c].get(key) and row["off"].get(key)]
    return round(statistics.median(v), 3) if v else None

  def cpu_median(c):
    v = [row[c]["server_cpu_us_per_request"] for row in per_round.values()
         if row[c].get("server_cpu_us_per_request")]
    return statistics.median(v) if v else None

  w("| configuration | requests/s (median) | ratio of medians | median of per-round ratios | "
    "p50 ms | p99 ms | server CPU µs / request (median) | CPU ratio off / this | goal |")
  w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
  merged = {c: load(r, f"get-{c}") for c, _ in AUTH_CONFIGS}
  base = (merged["off"] or {}).get("median_rps")
  base_cpu = cpu_median("off")
  ratios = {}
  for c, title in AUTH_CONFIGS:
    m = merged[c]
    if not m or "median_rps" not in m:
      w(f"| {title} | FAILED: {(m or {}).get('error', 'not measured')} | | | | | | | |")
      continue
    good = [x for x in m["rounds"] if x.get("ok")]
    p50 = statistics.median(x["p50_ms"] for x in good)
    p99 = statistics.median(x["p99_ms"] for x in good)
    ratio = round(m["median_rps"] / base, 3) if base else None
    pr = paired(c, "rps")
    cpu = cpu_median(c)
    cpu_ratio = round(base_cpu / cpu, 3) if cpu and base_cpu else None
    ratios[c] = (ratio, pr, cpu_ratio)
    if c == "off":
      w(f"| {title} | {m['median_rps']:.0f} | 1 (baseline) | 1 | {p50:.2f} | {p99:.2f} | "
        f"{cpu if cpu is None else f'{cpu:.0f}'} | 1 | |")
    else:
      verdict = goal(min(x for x in (ratio, pr) if x is not None), goal_ratio, True) \
        if ratio is not None or pr is not None else "not measured"
      w(f"| {title} | {m['median_rps']:.0f} | {ratio} | {pr} | {p50:.2f} | {p99:.2f} | "
        f"{cpu if cpu is None else f'{cpu:.0f}'} | {cpu_ratio} | {verdict} |")
  w("")
  w(f"Goal: ≥ {goal_ratio}× the requests/s of auth off; \"met\" only when both the ratio of the "
    "medians and the median of the per-round ratios reach it. The CPU column is the Cup "
    "process's user + system time (all threads, /proc/PID/stat) during each wrk run divided by "
    "the requests answered: it does not depend on how much of the shared machine the server got, "
    "and off / this estimates the throughput ratio of a CPU-bound server.")
  w("")
  w("Per round (the three configurations take turns within a round, so a slow spell of the "
    "machine hits each alike; the ratio is to the baseline of the same round):")
  w("")
  w("| round | order | off req/s | token req/s (ratio) | JWT req/s (ratio) | "
    "server CPU µs/request off / token / JWT |")
  w("| --- | --- | ---: | ---: | ---: | ---: |")
  for n, row in per_round.items():
    off = row["off"].get("rps")
    cells = []
    for c in ("token", "jwt"):
      v = row[c].get("rps")
      cells.append(f"{v:.0f} ({v / off:.3f})" if v and off else "—")
    cpu = " / ".join(f"{row[c]['server_cpu_us_per_request']:.0f}"
                     if row[c].get("server_cpu_us_per_request") else "—" for c, _ in AUTH_CONFIGS)
    order = (env.get("orders") or {}).get(str(n), "?")
    w(f"| {n} | {order} | {off if off is None else f'{off:.0f}'} | {cells[0]} | {cells[1]} | "
      f"{cpu} |")
  w("")
  errs = {c: sum(sum(x.get("errors", {}).values()) for x in (merged[c] or {}).get("rounds", []))
          for c, _ in AUTH_CONFIGS}
  w(f"wrk errors (connect/read/write/non-2xx/timeout, all rounds): "
    + ", ".join(f"{c} {n}" for c, n in errs.items()) + ".")
  w("")

  w("## Checks before measuring")
  w("")
  w("Each must answer as expected, or the run stops before wrk: the measured requests do go "
    "through authentication and RBAC.")
  w("")
  w("| server | request | expected | got | |")
  w("| --- | --- | ---: | ---: | --- |")
  checks_path = os.path.join(r, "checks.tsv")
  if os.path.exists(checks_path):
    with open(checks_path, encoding="utf-8") as f:
      for line in f:
        server, what, want, got = line.rstrip("\n").split("\t")
        w(f"| {server} | {what} | {want} | {got} | {'ok' if want == got else '**FAILED**'} |")
  w("")
  issuer = load(r, "issuer") or {}
  if issuer:
    w(f"Requests the OIDC issuer served during the whole run: "
      f"{issuer.get('discovery', '?')} discovery, {issuer.get('jwks', '?')} JWKS (Cup's JWT "
      f"server made {issuer.get('jwt_requests', '?')} authenticated requests in all). Keys are "
      "fetched at start, never per request.")
    w("")

  w("## Servers")
  w("")
  w("Three Cup servers from the same jar, started as a user starts them (default JVM options, "
    "access log on, no log level changes), each with its own empty data directory, all on plain "
    "HTTP (no TLS on Cup for any of them: same transport for baseline and measured), same "
    "resource configuration directory (the bench fixture's plus one RBAC file):")
  w("")
  w("| server | authentication | authorization | ready after | peak RSS | log lines / WARN+ERROR |")
  w("| --- | --- | --- | ---: | ---: | ---: |")
  for c, title in AUTH_CONFIGS:
    st = load(r, f"startup-{c}") or {}
    rss = load(r, f"rss-{c}") or {}
    lg = load(r, f"server-log-{c}") or {}
    authz = "AlwaysAllow (default without an authenticator)" if c == "off" else "RBAC (default with an authenticator)"
    w(f"| {c} | {title} | {authz} | {st.get('seconds', 'FAILED')} s | "
      f"{rss.get('vmhwm_mib', '?')} MiB | {lg.get('lines', '?')} / {lg.get('warn_error_lines', '?')} |")
  w("")

  profiles = [(c, load(r, f"profile-{c}")) for c, _ in AUTH_CONFIGS]
  profiles = [(c, p) for c, p in profiles if p]
  if profiles:
    w("## Profile (JFR, jdk.ExecutionSample)")
    w("")
    w(f"Taken because {env.get('profile_reason', '?')}: `jcmd PID JFR.start settings=profile` "
      f"during one more wrk run of {env.get('profile_seconds', '?')} s on each server (same load "
      "as the rounds), then `jfr print --stack-depth 64 --events jdk.ExecutionSample` "
      "(`bench.py jfr-top`). A sample is an *auth sample* when the deepest frame of Cup "
      "(`io.cup.*`) or vertx-auth on its stack is in `io.cup.access` or `io.vertx.ext.auth` "
      "(`AccessControl` does not count: routing and the resource handler run inside its "
      "callback, with auth off too). The sample counts are small (2 cores shared with wrk and "
      "other jobs): read shares, not exact figures.")
    w("")
    for c, p in profiles:
      if not p.get("ok"):
        w(f"- {c}: FAILED: {p.get('error')}")
        continue
      share = 100.0 * p["auth_samples"] / p["samples"] if p["samples"] else 0
      w(f"### {c}: {p['samples']} samples, {p['auth_samples']} auth samples ({share:.1f} %); "
        f"wrk {p.get('rps', '?')} req/s during the recording")
      w("")
      w("| samples | top frame (self) | | samples | deepest Cup frame |")
      w("| ---: | --- | --- | ---: | --- |")
      tops, cups = p["top_frames"][:12], p["cup_frames"][:12]
      for i in range(max(len(tops), len(cups))):
        a = tops[i] if i < len(tops) else None
        b = cups[i] if i < len(cups) else None
        w(f"| {a['samples'] if a else ''} | {'`' + a['frame'] + '`' if a else ''} | | "
          f"{b['samples'] if b else ''} | {'`' + b['frame'] + '`' if b else ''} |")
      w("")
      if p["auth_frames"]:
        w("Auth samples by their deepest Cup or vertx-auth frame, and by their top frame:")
        w("")
        w("| samples | auth frame | | samples | top frame |")
        w("| ---: | --- | --- | ---: | --- |")
        af, asf = p["auth_frames"][:10], p["auth_self_frames"][:10]
        for i in range(max(len(af), len(asf))):
          a = af[i] if i < len(af) else None
          b = asf[i] if i < len(asf) else None
          w(f"| {a['samples'] if a else ''} | {'`' + a['frame'] + '`' if a else ''} | | "
            f"{b['samples'] if b else ''} | {'`' + b['frame'] + '`' if b else ''} |")
        w("")
  notes = os.path.join(r, "notes.md")
  if os.path.exists(notes):
    with open(notes, encoding="utf-8") as f:
      w(f.read().rstrip())
    w("")

  w("## Method")
  w("")
  w("- Fixture: `bench/gen-fixtures.py --skip-large` (1,000 `Item` resources in `default`, one "
    "commit), served by `git daemon` on 127.0.0.1; resource configuration copied from it, plus "
    "`rbac-readers.yaml`: a ClusterRole `bench-item-reader` (get, list, watch on "
    "`bench.cup.io` `items`) bound by a ClusterRoleBinding to the Group `readers`.")
  w("- Static tokens (`tokens.csv`, kube-apiserver format): `bench-reader` in group `readers`, "
    "`bench-nobody` in no group. 40 random hex characters each.")
  w("- OIDC issuer: `bench/oidc-issuer.py serve`, python `http.server` + `ssl` on 127.0.0.1, "
    "outside the Cup JVM, serving `/.well-known/openid-configuration` and `/jwks`; a CA, the "
    "issuer's certificate (subjectAltName IP:127.0.0.1) and the RS256 signing key made with the "
    "`openssl` CLI; Cup trusts the CA with `--api-oidc-ca-file`. The JWT: header alg RS256, typ "
    "JWT, kid; claims iss, aud (the client id), sub, groups [readers], iat, nbf, exp (now + 1 h); "
    "signed with `openssl dgst -sha256 -sign`, base64url in the script.")
  w("- Refusals checked: no token and a wrong token (401) on both, a JWT signed by another key "
    "with the same kid (401), the static token sent to the OIDC server (401), and users outside "
    "`readers` (403), so RBAC is really evaluated.")
  w(f"- Load: a warm-up of {env.get('wrk_warmup', '?')} s per server, then "
    f"{env.get('wrk_rounds', '?')} rounds; in each round each configuration runs once "
    f"(`{env.get('wrk_args', '?')}`), the order rotating between rounds. `-H 'Authorization: "
    "Bearer …'` for the token and JWT servers; the same `Accept: application/json` (from "
    "`bench/wrk-report.lua`) for all. Every answer must be 2xx (wrk counts others as errors).")
  w("")
  w("## Commands")
  w("")
  w("Bearer tokens are elided as `…`.")
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
  for c in ("token", "jwt"):
    if c in ratios:
      print(f"{c} / off: ratio of medians {ratios[c][0]}, median of per-round ratios "
            f"{ratios[c][1]}, CPU per request off / {c} {ratios[c][2]}")


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
    cpu = [x["server_cpu_us_per_request"] for x in good if "server_cpu_us_per_request" in x]
    if cpu:
      doc["median_cpu_us_per_request"] = round(statistics.median(cpu), 2)
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
  s.add_argument("--poll", type=float, default=0.2, help="seconds between two /readyz requests")
  s.add_argument("--out")
  s.set_defaults(fn=cmd_wait_ready)

  s = sub.add_parser("ready")
  s.add_argument("--jar", action="append", required=True, help="LABEL=PATH, once per jar")
  s.add_argument("--work", required=True, help="a directory for the data directories")
  s.add_argument("--starts", type=int, default=5, help="starts on the existing data directory")
  s.add_argument("--timeout", type=float, default=120)
  s.add_argument("--java-opts", default="")
  s.add_argument("--out", required=True)
  s.set_defaults(fn=cmd_ready)

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
  s.add_argument("--header", action="append", help="an extra request header (wrk -H), repeatable")
  s.add_argument("--pid", type=int, help="the server's process: its CPU time per request is recorded")
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

  s = sub.add_parser("watchers")
  s.add_argument("--base", required=True)
  s.add_argument("--path", required=True, help="the list path to watch")
  s.add_argument("--remote", required=True, help="git URL the server tracks (pushed to)")
  s.add_argument("--work", required=True, help="scratch directory for the pushing clone")
  s.add_argument("--pid", type=int, required=True, help="the server's process id")
  s.add_argument("--watchers", type=int, default=1000)
  s.add_argument("--updates", type=int, default=60)
  s.add_argument("--interval", type=float, default=1.0, help="seconds between pushes")
  s.add_argument("--first", type=int, required=True, help="index of the first Item to change")
  s.add_argument("--items", type=int, default=1000, help="Items in the fixture's namespace")
  s.add_argument("--value-base", type=int, required=True)
  s.add_argument("--run-id", required=True)
  s.add_argument("--idle", type=float, default=10.0, help="seconds idle before the updates")
  s.add_argument("--settle", type=float, default=30.0,
                 help="seconds to wait after the last push for every event")
  s.add_argument("--after-close", type=float, default=3.0,
                 help="seconds after closing the watches before the last memory figure")
  s.add_argument("--connect-concurrency", type=int, default=50)
  s.add_argument("--connect-timeout", type=float, default=60.0)
  s.add_argument("--heap", action="store_true",
                 help="also live heap after a full GC (jcmd) before, idle and after closing")
  s.add_argument("--label", default="watchers")
  s.add_argument("--out", required=True)
  s.set_defaults(fn=cmd_watchers)

  s = sub.add_parser("watch-report")
  s.add_argument("--results", required=True)
  s.add_argument("--out", required=True)
  s.set_defaults(fn=cmd_watch_report)

  s = sub.add_parser("merge-rounds")
  s.add_argument("--results", required=True)
  s.add_argument("--prefix", required=True)
  s.set_defaults(fn=cmd_merge_rounds)

  s = sub.add_parser("jfr-top")
  s.add_argument("--recording", required=True, help="a .jfr file")
  s.add_argument("--top", type=int, default=25)
  s.add_argument("--label", default="profile")
  s.add_argument("--out", required=True)
  s.set_defaults(fn=cmd_jfr_top)

  s = sub.add_parser("auth-report")
  s.add_argument("--results", required=True)
  s.add_argument("--out", required=True)
  s.set_defaults(fn=cmd_auth_report)

  s = sub.add_parser("report")
  s.add_argument("--results", required=True)
  s.add_argument("--out", required=True)
  s.set_defaults(fn=cmd_report)

  args = p.parse_args()
  args.fn(args)


if __name__ == "__main__":
  main()
