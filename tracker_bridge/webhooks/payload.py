"""A delivery's JSON body, parsed only after its signature checked out, and only when it
nests no deeper than a real webhook does (a 100,000-deep array must not reach the parser)."""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 64
"""GitHub and Jira payloads nest about 8 deep; 64 leaves room and stays far from the
parser's recursion limit."""

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_OPENERS = frozenset(b"[{")


class PayloadError(ValueError):
    """The body is not JSON, or nests too deeply."""


def nesting_depth(body: bytes, stop_after: int = MAX_DEPTH) -> int:
    """How deep arrays and objects nest (brackets inside strings do not count); counting
    stops once past `stop_after`."""
    skeleton = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in skeleton:
        if byte in _OPENERS:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_after:
                    break
        else:
            depth -= 1
    return deepest


def parse_payload(body: bytes, max_depth: int = MAX_DEPTH) -> Any:
    if nesting_depth(body, max_depth) > max_depth:
        raise PayloadError(f"the body nests deeper than {max_depth} levels")
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise PayloadError("the body is not JSON") from None
