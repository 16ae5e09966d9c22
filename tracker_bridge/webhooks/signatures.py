"""HMAC-SHA256 webhook signatures (`sha256=<hex>` over the raw body), checked in constant time.

GitHub sends it in `X-Hub-Signature-256`; Jira Cloud admin webhooks with a secret send the
same format in `X-Hub-Signature` (no `-256`).
"""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def _key(secret: str | bytes) -> bytes:
    return secret.encode() if isinstance(secret, str) else secret


def sign(secret: str | bytes, body: bytes) -> str:
    """The header value a sender computes: `sha256=<hex>`."""
    return PREFIX + hmac.new(_key(secret), body, hashlib.sha256).hexdigest()


def verify(secret: str | bytes, body: bytes, header: str | None) -> bool:
    """True if `header` is a `sha256=` signature of exactly these bytes under `secret`."""
    if not header:
        return False
    method, sep, digest = header.strip().partition("=")
    # Read the method prefix: a SHA-1 (`sha1=`) or unknown method is not accepted.
    if not sep or method.lower() != "sha256":
        return False
    expected = hmac.new(_key(secret), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), digest.strip().lower().encode())
