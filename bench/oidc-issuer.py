#!/usr/bin/env python3
"""A stand-in OpenID Connect issuer for bench/auth (python3 standard library + the openssl CLI).

  jwks  --key KEY.pem --kid KID --out jwks.json
        the JWKS of one RSA key (n and e read with `openssl rsa -noout -text`), RS256, with a kid
  mint  --key KEY.pem --kid KID --issuer URL --audience ID --subject SUB [--group G]... [--ttl S]
        prints a compact JWS: RS256 header with kid; claims iss, aud, sub, groups, iat, nbf, exp;
        signed with `openssl dgst -sha256 -sign KEY.pem`, base64url without padding
  serve --port P --cert CERT.pem --key KEY.pem --issuer URL --jwks jwks.json --log FILE
        HTTPS on 127.0.0.1: GET /.well-known/openid-configuration (issuer, jwks_uri, ...) and
        GET /jwks; one line per request appended to --log, so the run can count the JWKS fetches

The issuer lives outside the Cup JVM, as a real one would: Cup reaches it over HTTPS, trusting
the benchmark's own CA (`--api-oidc-ca-file`).
"""

import argparse
import base64
import http.server
import json
import re
import ssl
import subprocess
import sys
import time


def b64url(data):
  return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def int_bytes(value):
  return value.to_bytes((value.bit_length() + 7) // 8, "big")


def rsa_public_numbers(key):
  """(n, e) of an RSA private key, from `openssl rsa -noout -text`."""
  text = subprocess.run(["openssl", "rsa", "-in", key, "-noout", "-text"], capture_output=True,
                        text=True, check=True).stdout
  m = re.search(r"^modulus:\s*\n((?:\s+[0-9a-f:]+\n)+)", text, re.M)
  e = re.search(r"^publicExponent:\s*(\d+)", text, re.M)
  if not m or not e:
    sys.exit(f"oidc-issuer: cannot read n and e of {key}")
  n = int(re.sub(r"[\s:]", "", m.group(1)), 16)
  return n, int(e.group(1))


def cmd_jwks(args):
  n, e = rsa_public_numbers(args.key)
  jwks = {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": args.kid,
                    "n": b64url(int_bytes(n)), "e": b64url(int_bytes(e))}]}
  with open(args.out, "w", encoding="utf-8") as f:
    json.dump(jwks, f, indent=2)
    f.write("\n")


def cmd_mint(args):
  now = int(time.time())
  header = {"alg": "RS256", "typ": "JWT", "kid": args.kid}
  claims = {"iss": args.issuer, "aud": args.audience, "sub": args.subject,
            "groups": args.group or [], "iat": now, "nbf": now, "exp": now + args.ttl}
  signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                   b64url(json.dumps(claims, separators=(",", ":")).encode()))
  signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", args.key],
                             input=signing_input.encode("ascii"), capture_output=True,
                             check=True).stdout
  print(signing_input + "." + b64url(signature))


def cmd_serve(args):
  with open(args.jwks, "rb") as f:
    jwks = f.read()
  discovery = json.dumps({
    "issuer": args.issuer,
    "jwks_uri": args.issuer + "/jwks",
    "authorization_endpoint": args.issuer + "/authorize",
    "token_endpoint": args.issuer + "/token",
    "response_types_supported": ["id_token"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["RS256"],
  }).encode()
  log = open(args.log, "a", encoding="utf-8", buffering=1)

  class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
      body = {"/.well-known/openid-configuration": discovery, "/jwks": jwks}.get(self.path)
      log.write(f"{time.time():.3f} GET {self.path} {200 if body else 404}\n")
      if body is None:
        self.send_error(404)
        return
      self.send_response(200)
      self.send_header("Content-Type", "application/json")
      self.send_header("Content-Length", str(len(body)))
      self.end_headers()
      self.wfile.write(body)

    def log_message(self, fmt, *a):
      pass

  server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
  tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
  tls.load_cert_chain(args.cert, args.key)
  server.socket = tls.wrap_socket(server.socket, server_side=True)
  server.serve_forever()


def main():
  p = argparse.ArgumentParser(description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
  sub = p.add_subparsers(dest="cmd", required=True)
  s = sub.add_parser("jwks")
  s.add_argument("--key", required=True)
  s.add_argument("--kid", required=True)
  s.add_argument("--out", required=True)
  s.set_defaults(fn=cmd_jwks)
  s = sub.add_parser("mint")
  s.add_argument("--key", required=True)
  s.add_argument("--kid", required=True)
  s.add_argument("--issuer", required=True)
  s.add_argument("--audience", required=True)
  s.add_argument("--subject", required=True)
  s.add_argument("--group", action="append")
  s.add_argument("--ttl", type=int, default=3600, help="seconds until exp")
  s.set_defaults(fn=cmd_mint)
  s = sub.add_parser("serve")
  s.add_argument("--port", type=int, required=True)
  s.add_argument("--cert", required=True)
  s.add_argument("--key", required=True)
  s.add_argument("--issuer", required=True)
  s.add_argument("--jwks", required=True)
  s.add_argument("--log", required=True)
  s.set_defaults(fn=cmd_serve)
  args = p.parse_args()
  args.fn(args)


if __name__ == "__main__":
  main()
