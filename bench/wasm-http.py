#!/usr/bin/env python3
"""The end-to-end HTTP part of bench/wasm: sequential keep-alive GETs against running Cup servers.

  python3 bench/wasm-http.py --server NAME=URL [--server NAME=URL ...] \\
    --op LABEL=PATH=CHECK [--op ...] --warmup 50 --count 100 --block 10 --out FILE

Every server gets one keep-alive connection (python http.client). CHECK is `list:N` (200, an
NDJSON body of exactly N JSON objects, every one parsed, names in order) or `get:NAME` (200, one
JSON object named NAME). Each (server, op) is warmed up `--warmup` times, then measured `--count`
times in blocks of `--block`, every (server, op) taking turns block by block, so that a slow spell
of the machine hits them all alike. Timed: from sending the request to the last byte of the body.
The checks run on every answer, untimed; a wrong answer exits 1 without results.
"""

import argparse
import http.client
import json
import sys
import time
import urllib.parse


def check(body, spec):
  kind, _, expected = spec.partition(":")
  if kind == "list":
    text = body.decode("utf-8")
    objects = [json.loads(line) for line in text.split("\n") if line.strip()]
    if len(objects) != int(expected):
      return f"listed {len(objects)} resources, expected {expected}"
    names = [o["metadata"]["name"] for o in objects]
    if names != sorted(names):
      return "names are not in order"
    return None
  if kind == "get":
    o = json.loads(body)
    if o.get("metadata", {}).get("name") != expected:
      return f"got {o.get('metadata', {}).get('name')!r}, expected {expected!r}"
    return None
  return f"unknown check {spec}"


def main():
  p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
  p.add_argument("--server", action="append", required=True)
  p.add_argument("--op", action="append", required=True)
  p.add_argument("--warmup", type=int, default=50)
  p.add_argument("--count", type=int, default=100)
  p.add_argument("--block", type=int, default=10)
  p.add_argument("--out", required=True)
  args = p.parse_args()
  servers = dict(s.split("=", 1) for s in args.server)
  ops = []
  for spec in args.op:
    label, rest = spec.split("=", 1)
    path, expect = rest.rsplit("=", 1)
    ops.append((label, path, expect))
  conns = {}
  for name, base in servers.items():
    url = urllib.parse.urlsplit(base)
    conns[name] = http.client.HTTPConnection(url.hostname, url.port, timeout=120)

  def call(name, path, expect):
    conn = conns[name]
    t0 = time.perf_counter()
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read()
    elapsed = time.perf_counter() - t0
    if resp.status >= 500 and resp.status != 501:
      # a server error (a controller over its time limit under load): counted, not timed
      failures.setdefault(f"{name} {path}", []).append(resp.status)
      if sum(len(v) for v in failures.values()) > 20:
        sys.exit(f"wasm-http: more than 20 server errors, the last: {name} GET {path} answered "
                 f"{resp.status}: {body[:300]!r}")
      return None, len(body)
    if resp.status != 200:
      sys.exit(f"wasm-http: {name} GET {path} answered {resp.status}: {body[:300]!r}")
    problem = check(body, expect)
    if problem:
      sys.exit(f"wasm-http: {name} GET {path}: wrong answer: {problem}")
    return elapsed * 1000, len(body)

  failures = {}
  samples = {f"{name} {label}": [] for name in servers for label, _, _ in ops}
  sizes = {}
  started = time.monotonic()
  for name in servers:
    for label, path, expect in ops:
      for _ in range(args.warmup):
        _, sizes[label] = call(name, path, expect)
  warmup_seconds = time.monotonic() - started
  for done in range(0, args.count, args.block):
    for name in servers:
      for label, path, expect in ops:
        for _ in range(min(args.block, args.count - done)):
          elapsed = call(name, path, expect)[0]
          if elapsed is not None:
            samples[f"{name} {label}"].append(elapsed)
  for conn in conns.values():
    conn.close()
  with open(args.out, "w") as f:
    json.dump({"servers": servers, "ops": [{"label": l, "path": pa, "check": c} for l, pa, c in ops],
               "warmup": args.warmup, "count": args.count, "block": args.block,
               "warmup_seconds": round(warmup_seconds, 1), "body_bytes": sizes,
               "server_errors": failures,
               "client": "python http.client, one keep-alive connection per server, sequential",
               "samples_ms": {k: [round(v, 3) for v in vs] for k, vs in samples.items()}}, f)
  for key, vs in samples.items():
    s = sorted(vs)
    print(f"{key}: p50 {s[len(s) // 2]:.2f} ms (n={len(s)})")


if __name__ == "__main__":
  main()
