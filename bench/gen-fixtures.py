#!/usr/bin/env python3
"""Builds the benchmark fixtures for Cup (python3 standard library + the git CLI).

Writes under --out:
  config/              Cup resource configuration (ResourceDefinition, Controller, Binding)
  repos/small.git      bare repository: Item resources in namespace `default` only
  repos/large.git      bare repository: the same `default` Items plus filler files, in total
                       --large-files files (other namespaces full of Items, unrelated files)
  www/                 the same `default` Item files as plain files, for nginx
  fixtures.json        what was generated (counts, paths, sizes)

Both repositories are written with one `git fast-import` each (one commit on `main`), so the
100,000-file repository takes seconds instead of 100,000 `git add`s. The content is
deterministic: the same arguments give the same commits.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

GROUP = "bench.cup.io"
VERSION = "v1alpha1"
KIND = "Item"
PLURAL = "items"
AUTHOR = "Cup Bench <bench@cup.invalid> 1700000000 +0000"
COLORS = ["red", "green", "blue", "amber", "violet", "teal", "coral", "slate"]


def item_path(namespace, name):
  return f"{namespace}/{GROUP}-{VERSION}-{KIND}-{name}.json"


def item_name(index):
  return f"item-{index:05d}"


def item_bytes(namespace, index):
  """One Item resource as the template controller writes it: JSON, 2-space indent, newline."""
  name = item_name(index)
  resource = {
    "apiVersion": f"{GROUP}/{VERSION}",
    "kind": KIND,
    "metadata": {
      "namespace": namespace,
      "name": name,
      "labels": {
        "app": "bench",
        "shard": f"shard-{index % 10}",
        "color": COLORS[index % len(COLORS)],
      },
    },
    "spec": {
      "value": index,
      "enabled": index % 3 != 0,
      "description": f"Benchmark item {index} in namespace {namespace}",
      "tags": [f"t{index % 7}", f"t{index % 11}"],
      "weight": round((index % 1000) / 10.0, 1),
    },
  }
  return (json.dumps(resource, indent=2) + "\n").encode("utf-8")


def filler_bytes(index):
  line = f"unrelated file {index}: not a Cup resource, here to make the tree large.\n"
  return (line * 3).encode("utf-8")


def definition():
  schema = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
      "apiVersion": {"type": "string"},
      "kind": {"type": "string"},
      "metadata": {
        "type": "object",
        "properties": {
          "namespace": {"type": "string"},
          "name": {"type": "string"},
          "labels": {"type": "object", "additionalProperties": {"type": "string"}},
          "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        "additionalProperties": True,
      },
      "spec": {
        "type": "object",
        "required": ["value"],
        "properties": {
          "value": {"type": "integer"},
          "enabled": {"type": "boolean"},
          "description": {"type": "string"},
          "tags": {"type": "array", "items": {"type": "string"}},
          "weight": {"type": "number"},
        },
        "additionalProperties": False,
      },
    },
    "additionalProperties": True,
  }
  return {
    "apiVersion": "cup.flipt.io/v1alpha1",
    "kind": "ResourceDefinition",
    "metadata": {"name": f"{PLURAL}.{GROUP}"},
    "names": {"kind": KIND, "singular": "item", "plural": PLURAL},
    "spec": {"group": GROUP, "versions": {VERSION: schema}},
  }


def write_config(config_dir):
  os.makedirs(config_dir, exist_ok=True)
  docs = {
    "definition-items.json": definition(),
    "controller-template.json": {
      "apiVersion": "cup.flipt.io/v1alpha1",
      "kind": "Controller",
      "metadata": {"name": "template"},
      "spec": {"type": "template"},
    },
    "binding-items.json": {
      "apiVersion": "cup.flipt.io/v1alpha1",
      "kind": "Binding",
      "metadata": {"name": PLURAL},
      "spec": {"controller": "template", "resources": [f"{GROUP}/{VERSION}/{PLURAL}"]},
    },
  }
  for name, doc in docs.items():
    with open(os.path.join(config_dir, name), "w", encoding="utf-8") as out:
      out.write(json.dumps(doc, indent=2) + "\n")


def files_small(items):
  for i in range(items):
    yield item_path("default", item_name(i)), item_bytes("default", i)


def files_large(items, total, per_namespace, filler_share):
  """`items` Items in default, then other namespaces of Items and unrelated files up to `total`."""
  yield from files_small(items)
  others = total - items
  if others < 0:
    raise SystemExit(f"--large-files ({total}) must be at least --items ({items})")
  filler = int(others * filler_share)
  namespaced = others - filler
  for k in range(namespaced):
    ns = f"ns-{k // per_namespace:04d}"
    i = k % per_namespace
    yield item_path(ns, item_name(i)), item_bytes(ns, i)
  for k in range(filler):
    # 3 levels of directories, ~100 files per leaf directory.
    leaf = k // 100
    yield (f"misc/area-{leaf // 100:03d}/dir-{leaf % 100:02d}/file-{k:06d}.txt",
           filler_bytes(k))


def fast_import(repo, files, message):
  """Creates bare `repo` with one commit on main holding `files` ((path, bytes) pairs)."""
  if os.path.exists(repo):
    shutil.rmtree(repo)
  subprocess.run(["git", "init", "-q", "--bare", "--initial-branch=main", repo], check=True)
  proc = subprocess.Popen(["git", "-C", repo, "fast-import", "--quiet", "--done"],
                          stdin=subprocess.PIPE)
  out = proc.stdin
  msg = message.encode()
  out.write(b"commit refs/heads/main\n")
  out.write(f"author {AUTHOR}\ncommitter {AUTHOR}\n".encode())
  out.write(b"data %d\n%s\n" % (len(msg), msg))
  count = 0
  size = 0
  for path, data in files:
    out.write(b"M 100644 inline %s\ndata %d\n" % (path.encode(), len(data)))
    out.write(data)
    out.write(b"\n")
    count += 1
    size += len(data)
  out.write(b"\ndone\n")
  out.close()
  if proc.wait() != 0:
    raise SystemExit(f"git fast-import failed for {repo}")
  # Let the git daemon serve it and accept proposal pushes.
  subprocess.run(["git", "-C", repo, "config", "receive.denyCurrentBranch", "ignore"], check=True)
  subprocess.run(["git", "-C", repo, "config", "gc.auto", "0"], check=True)
  open(os.path.join(repo, "git-daemon-export-ok"), "w").close()
  head = subprocess.run(["git", "-C", repo, "rev-parse", "main"], check=True,
                        capture_output=True, text=True).stdout.strip()
  return {"path": repo, "files": count, "bytes": size, "head": head}


def write_www(www, items):
  """The `default` Items as plain files at the repository layout, for nginx."""
  if os.path.exists(www):
    shutil.rmtree(www)
  for path, data in files_small(items):
    full = os.path.join(www, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as out:
      out.write(data)


def main():
  parser = argparse.ArgumentParser(description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
  parser.add_argument("--out", required=True, help="output directory")
  parser.add_argument("--items", type=int, default=1000, help="Items in namespace default")
  parser.add_argument("--large-files", type=int, default=100_000,
                      help="total files in the large repository")
  parser.add_argument("--per-namespace", type=int, default=1000,
                      help="Items per extra namespace in the large repository")
  parser.add_argument("--filler-share", type=float, default=0.1,
                      help="share of the large repository's extra files that are not resources")
  parser.add_argument("--skip-large", action="store_true", help="do not build large.git")
  args = parser.parse_args()

  started = time.monotonic()
  out = os.path.abspath(args.out)
  repos = os.path.join(out, "repos")
  os.makedirs(repos, exist_ok=True)
  write_config(os.path.join(out, "config"))
  write_www(os.path.join(out, "www"), args.items)
  summary = {
    "items": args.items,
    "small": fast_import(os.path.join(repos, "small.git"), files_small(args.items),
                         f"bench fixture: {args.items} Items"),
  }
  if not args.skip_large:
    summary["large"] = fast_import(
      os.path.join(repos, "large.git"),
      files_large(args.items, args.large_files, args.per_namespace, args.filler_share),
      f"bench fixture: {args.large_files} files")
  summary["seconds"] = round(time.monotonic() - started, 2)
  with open(os.path.join(out, "fixtures.json"), "w", encoding="utf-8") as f:
    json.dump(summary, f, indent=2)
    f.write("\n")
  json.dump(summary, sys.stdout, indent=2)
  sys.stdout.write("\n")


if __name__ == "__main__":
  main()
