"""Exits 0 when this Python's PyJWT can serve as the interop peer: it
imports with cryptography and refuses a token whose crit names an extension
it does not know (RFC 7515 §4.1.11). PyJWT before the CVE-2026-32597 fix
(Debian: python3-jwt older than 2.6.0-1+deb12u1) accepts such a token."""
import sys

try:
    import cryptography  # noqa: F401
    import jwt
except ImportError:
    sys.exit(2)
tok = jwt.encode({"sub": "x"}, "k" * 32, algorithm="HS256", headers={"crit": ["x-unknown"], "x-unknown": 1})
try:
    jwt.decode(tok, "k" * 32, algorithms=["HS256"])
except jwt.InvalidTokenError:
    sys.exit(0)
sys.exit(3)
