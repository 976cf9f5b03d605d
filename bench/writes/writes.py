#!/usr/bin/env python3
"""Clients and report of bench/writes/run (python3 standard library only; see bench/README.md).

  burst   N clients, each on its own keep-alive connection, all released at once, each writing
          its own Item once (PUT, new spec.value): accepted writes per second over the burst (from
          the release to the last 202), per-write latency; checks every 202, and that the remote
          got exactly one proposal branch and one record per 202 and no half proposal
  report  bench/results-writes.md from the result files of one run
"""

import argparse
import glob
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench import WRITE_RESULT, connect, fail, item_body, resource_path, summarize_ms, write_json  # noqa: E402
from cluster.cluster import cpu_seconds  # noqa: E402

HEADERS = {"Content-Type": "application/json", "Accept": WRITE_RESULT}


def remote_refs(repo):
  """(proposal branch ids, record ids) on the bare repository `repo`."""
  out = subprocess.run(["git", "-C", repo, "for-each-ref", "--format=%(refname)",
                        "refs/heads/cup/proposal/", "refs/cup/proposals/"],
                       capture_output=True, text=True, check=True).stdout.split()
  branches = {r.rsplit("/", 1)[1] for r in out if r.startswith("refs/heads/cup/proposal/")}
  records = {r.rsplit("/", 1)[1] for r in out if r.startswith("refs/cup/proposals/")}
  return branches, records


def cmd_burst(args):
  doc = {"label": args.label, "clients": args.clients,
         "client": "python threads, one keep-alive http.client connection per client, released "
                   "together by a barrier; client i PUTs item-<first+i> once with a new spec.value"}
  branches0, records0 = remote_refs(args.repo)
  gate = threading.Barrier(args.clients + 1)
  results = [None] * args.clients

  def client(i):
    name = f"item-{args.first + i:05d}"
    body = json.dumps(item_body("default", name, args.value_base + i,
                                f"write burst {args.label} #{i}")).encode()
    conn = connect(args.base)
    conn.connect()
    gate.wait()
    s = time.monotonic()
    try:
      conn.request("PUT", resource_path("default", name), body=body, headers=HEADERS)
      resp = conn.getresponse()
      status, data = resp.status, resp.read()
    except (OSError, http.client.HTTPException) as e:
      status, data = None, f"{type(e).__name__}: {e}".encode()
    results[i] = (s, time.monotonic(), status, data)
    conn.close()

  threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.clients)]
  for t in threads:
    t.start()
  cpu0 = cpu_seconds(args.pid or [])
  gate.wait()
  t0 = time.monotonic()
  for t in threads:
    t.join(args.timeout)
  cpu = cpu_seconds(args.pid or []) - cpu0
  if any(r is None for r in results):
    fail(args.out, doc, f"a client had no answer within {args.timeout} s")
  accepted = [r for r in results if r[2] == 202]
  errors = [f"{r[2]}: {r[3][:200]!r}" for r in results if r[2] != 202]
  ids = []
  for r in accepted:
    answer = json.loads(r[3])
    if not answer.get("id") or answer.get("empty") is not False:
      errors.append(f"202 without id or with empty != false: {r[3][:200]!r}")
    else:
      ids.append(answer["id"])
  wall = max(r[1] for r in results) - t0
  doc.update({
    "accepted": len(accepted), "errors": len(errors), "error_examples": errors[:5],
    "wall_s": round(wall, 3),
    "writes_per_s": round(len(accepted) / wall, 1) if wall > 0 else None,
    "latency": summarize_ms([r[1] - r[0] for r in accepted]) if accepted else None,
  })
  if args.pid:
    doc["server_cpu_s"] = round(cpu, 2)
    if accepted:
      doc["server_cpu_ms_per_write"] = round(cpu * 1000 / len(accepted), 2)
  branches1, records1 = remote_refs(args.repo)
  new_branches, new_records = branches1 - branches0, records1 - records0
  doc["remote"] = {"new_branches": len(new_branches), "new_records": len(new_records),
                   "half_proposals": sorted(new_branches ^ new_records)[:5]}
  problems = []
  if len(set(ids)) != len(ids):
    problems.append("two 202s named the same proposal")
  if not set(ids) <= (new_branches & new_records):
    problems.append(f"{len(set(ids) - (new_branches & new_records))} accepted proposals are not "
                    "on the remote with both branch and record")
  if new_branches ^ new_records:
    problems.append(f"half proposals on the remote: {sorted(new_branches ^ new_records)[:3]}")
  if len(new_branches) != len(ids):
    problems.append(f"{len(ids)} writes accepted, {len(new_branches)} proposal branches added")
  if errors:
    problems.append(f"{len(errors)} writes not accepted, e.g. {errors[0]}")
  doc["ok"] = not problems
  if problems:
    doc["error"] = "; ".join(problems)
  write_json(args.out, doc)
  print(f"{args.label}: {doc['writes_per_s']} writes/s ({len(accepted)} in {doc['wall_s']} s), "
        f"p99 {doc['latency']['p99_ms'] if doc['latency'] else '-'} ms, "
        f"{'ok' if doc['ok'] else doc['error']}")


# ---------------------------------------------------------------------------------------------


def cmd_report(args):
  env = json.load(open(os.path.join(args.results, "env.json")))
  rounds = {}
  for path in sorted(glob.glob(os.path.join(args.results, "burst-*.json"))):
    doc = json.load(open(path))
    server = os.path.basename(path).split("-")[1]  # burst-<server>-round-<n>.json
    rounds.setdefault(server, []).append(doc)
  lines = ["# Write throughput: a burst of concurrent writers (issue 17, item 4)", ""]
  lines += [f"- Date: {env['date']}; machine: {env['nproc']} cores, {env['mem']} memory; "
            f"{env['java']}; {env['git']}",
            f"- Cup (after): `{env['jar_note']}`; source tree at {env['revision']}"]
  if env.get("before_note"):
    lines.append(f"- Cup (before): `{env['before_note']}`")
  lines += [f"- Run: `{env['invocation']}`, {env['total_seconds']} s in all; load average at "
            f"start {env['load_start']}, at end {env['load_end']}; work directory on "
            f"{env['work_fs']}",
            "- Each server: `java -jar cup.jar serve` on its own copy of the small fixture (1,000 "
            "Items) served by one `git daemon --enable=receive-pack` on 127.0.0.1, its own empty "
            "data directory, default configuration (INFO logs, access log on). Rounds alternate "
            "the servers.",
            f"- A round: {env['clients']} clients (python threads, one keep-alive connection "
            "each), released together, each PUTs a different Item once (Items are never reused "
            "across rounds). Writes/s = 202s / time from the release to the last 202. Checked: "
            "every answer 202 with an id; the remote got exactly one `cup/proposal/<id>` branch "
            "and one `refs/cup/proposals/<id>` record per 202, and no branch without its record "
            "or record without its branch.", ""]
  lines += ["## Summary", "", "| server | rounds | median writes/s | median p50 | median p99 | "
            "median server CPU per write | all checks |", "| --- | --- | --- | --- | --- | --- | --- |"]
  medians = {}
  for server in ("before", "after"):
    docs = rounds.get(server)
    if not docs:
      continue
    ok = all(d.get("ok") for d in docs)
    rate = statistics.median(d.get("writes_per_s") or 0 for d in docs)
    medians[server] = rate
    p50 = statistics.median(d["latency"]["p50_ms"] for d in docs if d.get("latency"))
    p99 = statistics.median(d["latency"]["p99_ms"] for d in docs if d.get("latency"))
    cpu = statistics.median(d.get("server_cpu_ms_per_write", 0) for d in docs)
    lines.append(f"| {server} | {len(docs)} | {rate} | {p50:.0f} ms | {p99:.0f} ms | "
                 f"{cpu:.1f} ms | {'yes' if ok else '**no**'} |")
  lines.append("")
  if "after" in medians:
    met = medians["after"] >= 100 and all(d.get("ok") for d in rounds["after"])
    lines.append(f"Goal: ≥ 100 accepted writes/s with {env['clients']} concurrent clients: "
                 f"{medians['after']} writes/s, **{'met' if met else 'not met'}**.")
  if "before" in medians and medians["before"]:
    lines.append(f"After / before (medians of the same run): "
                 f"{medians['after'] / medians['before']:.2f}×.")
  lines += ["", "## Rounds", "", "| server | round | writes/s | accepted | errors | wall | p50 | "
            "p99 | max | new branches / records | checks |", "| --- | --- | --- | --- | --- | --- "
            "| --- | --- | --- | --- | --- |"]
  for server in ("before", "after"):
    for i, d in enumerate(rounds.get(server, []), 1):
      lat = d.get("latency") or {}
      rem = d.get("remote", {})
      lines.append(f"| {server} | {i} | {d.get('writes_per_s')} | {d.get('accepted')} | "
                   f"{d.get('errors')} | {d.get('wall_s')} s | {lat.get('p50_ms', '-')} ms | "
                   f"{lat.get('p99_ms', '-')} ms | {lat.get('max_ms', '-')} ms | "
                   f"{rem.get('new_branches')} / {rem.get('new_records')} | "
                   f"{'ok' if d.get('ok') else d.get('error')} |")
  lines += ["", "Commands of this run:", "", "```"]
  lines += open(os.path.join(args.results, "commands.txt")).read().splitlines()
  lines += ["```", ""]
  with open(args.out, "w", encoding="utf-8") as f:
    f.write("\n".join(lines))
  print(f"wrote {args.out}")


def main():
  p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
  sub = p.add_subparsers(dest="cmd", required=True)
  s = sub.add_parser("burst")
  s.add_argument("--base", required=True)
  s.add_argument("--repo", required=True, help="the bare repository the server pushes to")
  s.add_argument("--pid", type=int, action="append", help="the server's process id (CPU)")
  s.add_argument("--clients", type=int, default=200)
  s.add_argument("--first", type=int, required=True, help="index of the first Item written")
  s.add_argument("--value-base", type=int, required=True)
  s.add_argument("--timeout", type=float, default=300.0)
  s.add_argument("--label", default="burst")
  s.add_argument("--out", required=True)
  s.set_defaults(fn=cmd_burst)
  s = sub.add_parser("report")
  s.add_argument("--results", required=True)
  s.add_argument("--out", required=True)
  s.set_defaults(fn=cmd_report)
  args = p.parse_args()
  args.fn(args)


if __name__ == "__main__":
  main()
