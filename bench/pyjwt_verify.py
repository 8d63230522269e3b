"""PyJWT reference: verify every token of a file on one core.

usage: python3 pyjwt_verify.py ALG KEYFILE TOKENFILE [LIMIT]

Prints "pyjwt ALG N tokens/s" on stdout. The key file is what jwtkit and
jwtloop read: an HMAC secret (its bytes, one trailing newline dropped) or
a PEM public key.
"""
import sys
import time

import jwt

alg, key_file, tok_file = sys.argv[1:4]
limit = int(sys.argv[4]) if len(sys.argv) > 4 else None
with open(key_file, "rb") as f:
    key = f.read()
if alg.startswith("HS"):
    key = key.removesuffix(b"\n").removesuffix(b"\r")
else:
    key = jwt.algorithms.get_default_algorithms()[alg].prepare_key(key)
with open(tok_file) as f:
    toks = [line.strip() for line in f if line.strip()]
if limit:
    toks = toks[:limit]
start = time.perf_counter()
for t in toks:
    jwt.decode(t, key, algorithms=[alg])
el = time.perf_counter() - start
print(f"pyjwt {alg} {len(toks)} {len(toks) / el:.0f}")
