#!/usr/bin/env python3
"""How soon a read sees a push: with a signed push webhook, and with polling only (baseline).

Runs Cup's demo (`java -jar target/cup.jar serve --demo`) on 127.0.0.1 with the default poll
interval (10 s) and a webhook secret. Each round edits a flag's description in a clone of the
demo's origin, pushes it, and measures from the end of `git push` until `GET` of that flag
returns the new text:
  * webhook rounds: a GitHub-style `push` delivery, signed with X-Hub-Signature-256, is POSTed to
    /webhooks/github right after the push;
  * baseline rounds (same run, same server): nothing is sent; the server sees the push at its
    next poll.
Writes bench/results-webhook.md (or $BENCH_RESULTS) with medians and their ratio. Ends only the
server it started, by PID.

    python3 bench/webhook.py            # 15 rounds of each
    BENCH_ROUNDS=5 python3 bench/webhook.py
"""

import hashlib
import hmac
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.environ.get("BENCH_JAR", os.path.join(ROOT, "target", "cup.jar"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
RESULTS = os.environ.get("BENCH_RESULTS", os.path.join(ROOT, "bench", "results-webhook.md"))
SECRET = "bench-webhook-secret"
FLAG = "/apis/flipt.io/v1alpha1/namespaces/default/flags/new-checkout"
FILE = "default/features.yml"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, ConnectionError):
        return 0, b""


def git(*args, cwd=None):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)


def description(base):
    status, body = http("GET", base + FLAG)
    if status != 200:
        return None
    return json.loads(body)["spec"].get("description")


def push_change(clone, text):
    path = os.path.join(clone, FILE)
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    # the new-checkout flag's description line
    start = next(i for i, line in enumerate(lines) if line.strip() == "- key: new-checkout")
    at = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("description:"))
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines[at] = indent + "description: " + text
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    git("commit", "-q", "-am", text, cwd=clone)
    git("push", "-q", "origin", "HEAD:main", cwd=clone)
    return git("rev-parse", "HEAD", cwd=clone).stdout.strip()


def deliver(base, after):
    payload = json.dumps(
        {"ref": "refs/heads/main", "before": "0" * 40, "after": after, "commits": []}
    ).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), payload, hashlib.sha256).hexdigest()
    status, body = http(
        "POST",
        base + "/webhooks/github",
        payload,
        {
            "Content-Type": "application/json",
            "X-GitHub-Event": "push",
            "X-GitHub-Delivery": "bench-" + after,
            "X-Hub-Signature-256": signature,
        },
    )
    if status != 200:
        raise RuntimeError("webhook answered %d: %s" % (status, body[:300]))


def visible_after(base, text, started, limit=60):
    while time.monotonic() - started < limit:
        if description(base) == text:
            return time.monotonic() - started
        time.sleep(0.005)
    raise RuntimeError("the push never became visible: " + text)


def main():
    if not os.path.exists(JAR):
        subprocess.run(["mvn", "-B", "-q", "-DskipTests", "package"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="cup-bench-webhook.")
    server = None
    try:
        secret_file = os.path.join(work, "secret")
        with open(secret_file, "w") as f:
            f.write(SECRET + "\n")
        port = free_port()
        base = "http://127.0.0.1:%d" % port
        log = open(os.path.join(work, "server.log"), "w")
        command = [
            "java", "-jar", JAR, "serve", "--demo",
            "--api-address", "127.0.0.1:%d" % port,
            "--data-dir", os.path.join(work, "data"),
            "--api-webhook-secret-file", secret_file,
        ]
        server = subprocess.Popen(command, cwd=work, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while description(base) is None:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the server did not start; see " + log.name)
            time.sleep(0.2)
        clone = os.path.join(work, "clone")
        git("clone", "-q", os.path.join(work, "data", "demo", "origin.git"), clone)
        git("config", "user.email", "bench@localhost", cwd=clone)
        git("config", "user.name", "bench", cwd=clone)

        webhook, poll = [], []
        for i in range(ROUNDS):
            text = "webhook round %d" % i
            after = push_change(clone, text)
            started = time.monotonic()
            deliver(base, after)
            webhook.append(visible_after(base, text, started))
        for i in range(ROUNDS):
            text = "poll round %d" % i
            push_change(clone, text)
            started = time.monotonic()
            poll.append(visible_after(base, text, started))

        w, p = statistics.median(webhook), statistics.median(poll)
        lines = [
            "# Push to visible read: webhook vs polling",
            "",
            "Command: `python3 bench/webhook.py` (%d rounds each, %s)." % (
                ROUNDS, time.strftime("%Y-%m-%d", time.gmtime())),
            "Server: `java -jar target/cup.jar serve --demo --api-webhook-secret-file F` on "
            "127.0.0.1, default poll interval 10 s, one 2-core machine.",
            "Measured from the end of `git push` to the first `GET` of the changed flag that "
            "shows the change (polled every 5 ms).",
            "",
            "| | median | min | max |",
            "| --- | --- | --- | --- |",
            "| signed push webhook (`POST /webhooks/github`) | %.0f ms | %.0f ms | %.0f ms |" % (
                w * 1000, min(webhook) * 1000, max(webhook) * 1000),
            "| baseline: polling only | %.0f ms | %.0f ms | %.0f ms |" % (
                p * 1000, min(poll) * 1000, max(poll) * 1000),
            "",
            "Ratio of medians, webhook / polling: **%.3f** (the webhook answers once the fetch "
            "is done, so a read right after it sees the push)." % (w / p),
            "",
        ]
        with open(RESULTS, "w") as f:
            f.write("\n".join(lines))
        print("\n".join(lines))
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
