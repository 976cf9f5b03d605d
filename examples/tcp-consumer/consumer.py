#!/usr/bin/env python3
"""Hear Cup's events over its TCP event-bus bridge, with the standard library only.

    consumer.py HOST PORT [TOKEN] [--tls] [--cafile FILE] [--address ADDRESS ...]

Registers for cup.events.resource, cup.events.proposal and cup.events.head (or the addresses
given) and prints one JSON line per frame from Cup: {"type": "message", "address": ..., "body":
<event>} for an event, {"type": "err", "message": "access_denied"} for a refused registration.
With TOKEN (or CUP_TOKEN in the environment) each registration carries it as
"Authorization: Bearer TOKEN". The protocol is Vert.x's TCP bridge: each frame is a 4-byte
big-endian length, then that many bytes of JSON.
"""

import argparse
import json
import os
import socket
import ssl
import struct
import sys
import threading

EVENTS = ["cup.events.resource", "cup.events.proposal", "cup.events.head"]
PING_SECONDS = 20


def write_frame(sock, lock, frame):
    data = json.dumps(frame).encode("utf-8")
    with lock:
        sock.sendall(struct.pack(">i", len(data)) + data)


def read_exactly(sock, n):
    chunks = []
    while n > 0:
        chunk = sock.recv(n)
        if not chunk:
            raise EOFError("connection closed by the server")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_frame(sock):
    (length,) = struct.unpack(">i", read_exactly(sock, 4))
    return json.loads(read_exactly(sock, length).decode("utf-8"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("token", nargs="?", default=os.environ.get("CUP_TOKEN"))
    parser.add_argument("--tls", action="store_true", help="the bridge serves TLS")
    parser.add_argument("--cafile", help="PEM CA to check the bridge's certificate with")
    parser.add_argument("--address", action="append", help="register for this address only")
    parser.add_argument(
        "--send", nargs=2, metavar=("ADDRESS", "JSON"), help="send one message there, then go on"
    )
    args = parser.parse_args()

    sock = socket.create_connection((args.host, args.port))
    if args.tls:
        context = ssl.create_default_context(cafile=args.cafile)
        sock = context.wrap_socket(sock, server_hostname=args.host)
    lock = threading.Lock()
    headers = {"Authorization": "Bearer " + args.token} if args.token else {}

    for address in args.address or EVENTS:
        write_frame(sock, lock, {"type": "register", "address": address, "headers": headers})
    if args.send:
        write_frame(
            sock,
            lock,
            {
                "type": "send",
                "address": args.send[0],
                "headers": headers,
                "body": json.loads(args.send[1]),
                "replyAddress": "consumer-reply",
            },
        )
    # the line tests and scripts wait for: every frame above is written
    print(json.dumps({"type": "ready"}), flush=True)

    def ping():
        while True:
            threading.Event().wait(PING_SECONDS)
            try:
                write_frame(sock, lock, {"type": "ping"})
            except OSError:
                return

    threading.Thread(target=ping, daemon=True).start()
    try:
        while True:
            frame = read_frame(sock)
            if frame.get("type") == "pong":
                continue
            print(json.dumps(frame, separators=(",", ":")), flush=True)
    except (EOFError, ConnectionError) as e:
        print(json.dumps({"type": "closed", "message": str(e)}), flush=True)
        return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
