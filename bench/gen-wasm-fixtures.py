#!/usr/bin/env python3
"""Builds the fixtures of the WASM benchmark (bench/wasm): python3 standard library + the git CLI.

Writes under --out:
  tree/                  the small repository's files as plain files (Node's WASI preopens this)
  repos/small.git        bare repository, one commit on `main`: `default/features.yml` holding
                         --flags Flipt flags, plus unrelated files up to --small-files files
  repos/large.git        the same `default/features.yml`, unrelated files up to --large-files
  put-flag.json          the Flag `default/<flag>` with `spec.enabled` flipped (a put that changes
                         exactly one line of features.yml)
  put-flag-back.json     the same Flag as stored (what `get` answers; a put of it restores the file)
  features.yml           the stored `default/features.yml`
  expected-put.yml       `default/features.yml` after the put of put-flag.json
  fixtures.json          what was generated (counts, commits, sizes)
  per-file/              the per-file controller's inputs (controllers/per-file, one JSON file per
                         resource, /<namespace>/widget/<name>.json), for the end-to-end HTTP part:
    repos/per-file.git   one commit on `main`: `default/widget/` 1,000 Widgets in one directory
                         (--widgets), `big/widget/` --big-widgets Widgets of about --big-kib KiB
                         each, `tpl/` 1,000 Items laid out for the template controller (the
                         figure the template controller already meets), and --deep-files unrelated
                         files eight directories deep under `deep/`
    tree/                the same files as plain files (Node's WASI preopens this)
    config/              Cup resource configuration: Widget (bench.cup.io/v1, per-file.wasm) and
                         Item (bench.cup.io/v1, the template controller); the .wasm is copied in
                         by bench/wasm

The unrelated files sit under `misc/area-NNN/dir-NN/`, 100 per directory, so the root tree of
both repositories has two entries and only the size of the object database differs. Each
repository is written with one `git fast-import` stream; the content is deterministic.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

AUTHOR = "Cup Bench <bench@cup.invalid> 1700000000 +0000"
NAMESPACE = "default"
FEATURES = f"{NAMESPACE}/features.yml"
TEAMS = ["web", "mobile", "payments", "search", "platform"]


def flag_key(index):
  return f"flag-{index:05d}"


def flag_entry(index):
  """One flag of features.yml, in Flipt's declarative format (block style, as Flipt writes it)."""
  return [
    f"- key: {flag_key(index)}",
    f"  name: Flag {index}",
    "  type: BOOLEAN_FLAG_TYPE",
    f"  description: Benchmark flag number {index}",
    f"  enabled: {'true' if index % 2 == 0 else 'false'}",
    "  labels:",
    f"    team: {TEAMS[index % len(TEAMS)]}",
    f'    shard: "{index % 10}"',
  ]


def features(flags):
  lines = [f"namespace: {NAMESPACE}", "flags:"]
  for i in range(flags):
    lines.extend(flag_entry(i))
  return ("\n".join(lines) + "\n").encode("utf-8")


def flag_resource(index, enabled):
  """The Flag as the example controller's `get` answers it."""
  return {
    "apiVersion": "flipt.io/v1alpha1",
    "kind": "Flag",
    "metadata": {
      "namespace": NAMESPACE,
      "name": flag_key(index),
      "labels": {"team": TEAMS[index % len(TEAMS)], "shard": str(index % 10)},
    },
    "spec": {
      "key": flag_key(index),
      "name": f"Flag {index}",
      "type": "BOOLEAN_FLAG_TYPE",
      "description": f"Benchmark flag number {index}",
      "enabled": enabled,
    },
  }


def filler_path(index):
  return f"misc/area-{index // 1000:03d}/dir-{index // 100 % 10:02d}/file-{index:06d}.txt"


def filler_bytes(index):
  return (f"unrelated file {index}: not a flag, here to make the tree large.\n" * 3).encode()


def fast_import(repo, files):
  """One commit on main holding `files` (path → bytes), via `git fast-import`."""
  subprocess.run(["git", "init", "-q", "--bare", "-b", "main", repo], check=True)
  proc = subprocess.Popen(
    ["git", "-C", repo, "fast-import", "--quiet", "--done"], stdin=subprocess.PIPE
  )
  out = proc.stdin
  mark = 0
  marks = []
  for path, data in files:
    mark += 1
    out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)))
    out.write(data)
    out.write(b"\n")
    marks.append((mark, path))
  message = b"WASM benchmark fixture\n"
  out.write(b"commit refs/heads/main\n")
  out.write(b"author %s\ncommitter %s\n" % (AUTHOR.encode(), AUTHOR.encode()))
  out.write(b"data %d\n%s" % (len(message), message))
  for m, path in marks:
    out.write(b"M 100644 :%d %s\n" % (m, path.encode()))
  out.write(b"\ndone\n")
  out.close()
  if proc.wait() != 0:
    sys.exit(f"git fast-import failed for {repo}")
  return subprocess.run(
    ["git", "-C", repo, "rev-parse", "main"], check=True, capture_output=True, text=True
  ).stdout.strip()


def repo_files(total, yml):
  yield FEATURES, yml
  for i in range(total - 1):
    yield filler_path(i), filler_bytes(i)


GROUP = "bench.cup.io"


def widget_name(index):
  return f"widget-{index:05d}"


def widget_bytes(namespace, index, pad=0):
  """A Widget as controllers/per-file writes it: JSON, two-space indent, final newline."""
  resource = {
    "apiVersion": f"{GROUP}/v1",
    "kind": "Widget",
    "metadata": {
      "namespace": namespace,
      "name": widget_name(index),
      "labels": {"team": TEAMS[index % len(TEAMS)], "shard": str(index % 10)},
    },
    "spec": {
      "size": index,
      "enabled": index % 3 != 0,
      "description": f"Benchmark widget {index} in namespace {namespace}",
      "tags": [f"t{index % 7}", f"t{index % 11}"],
    },
  }
  if pad:
    # a big file: a long list of parts, each a small object
    resource["spec"]["parts"] = [{"part": k, "note": f"part {k} of widget {index}"}
                                 for k in range(pad)]
  return (json.dumps(resource, indent=2) + "\n").encode("utf-8")


def item_bytes(index):
  """An Item as the template controller stores it (its default path template)."""
  resource = {
    "apiVersion": f"{GROUP}/v1",
    "kind": "Item",
    "metadata": {"namespace": "tpl", "name": f"item-{index:05d}",
                 "labels": {"team": TEAMS[index % len(TEAMS)]}},
    "spec": {"value": index, "description": f"Benchmark item {index}"},
  }
  return (json.dumps(resource, indent=2) + "\n").encode("utf-8")


def per_file_files(widgets, big_widgets, big_kib, deep_files):
  for i in range(widgets):
    yield f"default/widget/{widget_name(i)}.json", widget_bytes("default", i)
  # about 80 bytes of JSON per part at this indent
  parts = max(1, big_kib * 1024 // 80)
  for i in range(big_widgets):
    yield f"big/widget/{widget_name(i)}.json", widget_bytes("big", i, pad=parts)
  for i in range(1000):
    yield f"tpl/{GROUP}-v1-Item-item-{i:05d}.json", item_bytes(i)
  for i in range(deep_files):
    d = f"deep/a{i % 4}/b{i // 4 % 4}/c{i // 16 % 4}/d{i // 64 % 4}/e{i // 256 % 4}/f{i // 1024 % 4}/g{i // 4096 % 4}"
    yield f"{d}/file-{i:06d}.txt", filler_bytes(i)


def per_file_config():
  def definition(kind, plural):
    return {
      "apiVersion": "cup.flipt.io/v1alpha1",
      "kind": "ResourceDefinition",
      "metadata": {"name": f"{plural}.{GROUP}"},
      "names": {"kind": kind, "singular": kind.lower(), "plural": plural},
      "spec": {"group": GROUP, "versions": {"v1": {"type": "object"}}},
    }

  return {
    "widgets.json": definition("Widget", "widgets"),
    "items.json": definition("Item", "items"),
    "controllers.json": None,  # YAML below: two controllers and two bindings in one file
  }


PER_FILE_CONTROLLERS = """apiVersion: cup.flipt.io/v1alpha1
kind: Controller
metadata:
  name: per-file
spec:
  type: wasm
  spec:
    path: per-file.wasm
---
apiVersion: cup.flipt.io/v1alpha1
kind: Binding
metadata:
  name: widgets
spec:
  controller: per-file
  resources:
    - bench.cup.io/v1/widgets
---
apiVersion: cup.flipt.io/v1alpha1
kind: Controller
metadata:
  name: template
spec:
  type: template
---
apiVersion: cup.flipt.io/v1alpha1
kind: Binding
metadata:
  name: items
spec:
  controller: template
  resources:
    - bench.cup.io/v1/items
"""


def write_per_file(out, args):
  base = os.path.join(out, "per-file")
  os.makedirs(os.path.join(base, "repos"))
  os.makedirs(os.path.join(base, "config"))
  for name, doc in per_file_config().items():
    if doc is not None:
      with open(os.path.join(base, "config", name), "w") as f:
        f.write(json.dumps(doc, indent=2) + "\n")
  with open(os.path.join(base, "config", "controllers.yaml"), "w") as f:
    f.write(PER_FILE_CONTROLLERS)
  files = list(per_file_files(args.widgets, args.big_widgets, args.big_kib, args.deep_files))
  for path, data in files:
    full = os.path.join(base, "tree", path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
      f.write(data)
  commit = fast_import(os.path.join(base, "repos", "per-file.git"), iter(files))
  big = [len(d) for p, d in files if p.startswith("big/")]
  return {
    "commit": commit,
    "widgets": args.widgets,
    "widget_bytes": sum(len(d) for p, d in files if p.startswith("default/")),
    "big_widgets": args.big_widgets,
    "big_widget_bytes": big[0] if big else 0,
    "deep_files": args.deep_files,
    "files": len(files),
    "get": widget_name(args.widgets // 2),
  }


def main():
  p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
  p.add_argument("--out", required=True)
  p.add_argument("--flags", type=int, default=1000)
  p.add_argument("--put-flag", type=int, default=500, help="index of the flag the puts change")
  p.add_argument("--small-files", type=int, default=1000)
  p.add_argument("--large-files", type=int, default=100000)
  p.add_argument("--widgets", type=int, default=1000, help="per-file: Widgets in default/widget/")
  p.add_argument("--big-widgets", type=int, default=20, help="per-file: Widgets in big/widget/")
  p.add_argument("--big-kib", type=int, default=256, help="per-file: size of each big Widget")
  p.add_argument("--deep-files", type=int, default=10000, help="per-file: files under deep/")
  args = p.parse_args()
  if not 0 <= args.put_flag < args.flags:
    sys.exit("--put-flag must be one of the flags")
  out = args.out
  if os.path.exists(out):
    shutil.rmtree(out)
  os.makedirs(os.path.join(out, "repos"))
  started = time.monotonic()

  yml = features(args.flags)
  stored = args.put_flag % 2 == 0
  before = f"  description: Benchmark flag number {args.put_flag}\n  enabled: {str(stored).lower()}\n"
  after = f"  description: Benchmark flag number {args.put_flag}\n  enabled: {str(not stored).lower()}\n"
  anchor = f"- key: {flag_key(args.put_flag)}\n".encode()
  at = yml.index(anchor)
  expected = yml[:at] + yml[at:].replace(before.encode(), after.encode(), 1)
  assert expected != yml and len(expected.splitlines()) == len(yml.splitlines())

  def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
      f.write(data)

  write("features.yml", yml)
  write("expected-put.yml", expected)
  write("put-flag.json", json.dumps(flag_resource(args.put_flag, not stored)).encode())
  write("put-flag-back.json", json.dumps(flag_resource(args.put_flag, stored)).encode())

  for path, data in repo_files(args.small_files, yml):
    full = os.path.join(out, "tree", path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
      f.write(data)

  commits = {}
  for name, total in (("small", args.small_files), ("large", args.large_files)):
    commits[name] = fast_import(os.path.join(out, "repos", f"{name}.git"), repo_files(total, yml))

  doc = {
    "namespace": NAMESPACE,
    "features": FEATURES,
    "flags": args.flags,
    "features_bytes": len(yml),
    "put_flag": flag_key(args.put_flag),
    "put_enabled": not stored,
    "small_files": args.small_files,
    "large_files": args.large_files,
    "commits": commits,
    "per_file": write_per_file(out, args),
    "seconds": round(time.monotonic() - started, 1),
  }
  with open(os.path.join(out, "fixtures.json"), "w") as f:
    json.dump(doc, f, indent=2)
  print(json.dumps(doc))


if __name__ == "__main__":
  main()
