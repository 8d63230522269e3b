#!/usr/bin/env python3
"""PyJWT peer for jwtkit's interop tests (cmd/interop_test.go).

    peer.py sign ALG KEYFILE CLAIMS_JSON [HEADER_JSON]   prints a token
    peer.py verify ALG KEYFILE TOKEN [AUD]                prints the claims, exit 0 if valid
    peer.py batch                                         JSON jobs in, JSON results out

batch reads one job per line on stdin, {"op": "sign", "alg", "key", "claims",
"header"} or {"op": "verify", "alg", "key", "token", "aud", "iss", "require"}, and answers each
with one line: {"token": ...}, {"ok": true, "claims": ...} or
{"ok": false, "error": ...}. For HS* the key file holds the secret text (its
UTF-8 bytes are the secret, as FastAPI apps use SECRET_KEY); otherwise a PEM key.
"""
import json
import sys

import jwt


def load_key(alg, path):
    with open(path, "rb") as f:
        data = f.read()
    if alg.startswith("HS"):
        return data.rstrip(b"\n").rstrip(b"\r")
    return data


def sign(alg, key, claims, header=None):
    return jwt.encode(claims, load_key(alg, key), algorithm=alg, headers=header)


def verify(alg, key, token, aud=None, iss=None, require=None):
    options = {"require": require} if require else None
    return jwt.decode(token, load_key(alg, key), algorithms=[alg], audience=aud, issuer=iss, options=options)


def run(job):
    try:
        if job["op"] == "sign":
            return {"token": sign(job["alg"], job["key"], job["claims"], job.get("header"))}
        claims = verify(job["alg"], job["key"], job["token"], job.get("aud"), job.get("iss"), job.get("require"))
        return {"ok": True, "claims": claims}
    except Exception as e:  # report every failure as a result, keep going
        return {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}


def main(argv):
    if argv[:1] == ["sign"] and len(argv) in (4, 5):
        header = json.loads(argv[4]) if len(argv) == 5 else None
        print(sign(argv[1], argv[2], json.loads(argv[3]), header))
        return 0
    if argv[:1] == ["verify"] and len(argv) in (4, 5):
        try:
            claims = verify(argv[1], argv[2], argv[3], argv[4] if len(argv) == 5 else None)
        except jwt.PyJWTError as e:
            print("invalid: %s: %s" % (type(e).__name__, e), file=sys.stderr)
            return 1
        print(json.dumps(claims))
        return 0
    if argv == ["batch"]:
        for line in sys.stdin:
            if line.strip():
                print(json.dumps(run(json.loads(line))), flush=True)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
