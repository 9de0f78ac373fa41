"""Opaque cursors of the machine APIs: a small JSON object in URL-safe base64, made only by this
server and read back bounded (it comes from outside)."""
from __future__ import annotations

import base64
import json

from kernel import jsonbody

MAX_CURSOR_CHARS = 256  # the cursors the APIs write are about 70–120 characters
NOT_OURS = "not a cursor this server made"


def encode(payload: dict, *, compact: bool = False) -> str:
    separators = (",", ":") if compact else None
    data = json.dumps(payload, separators=separators).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def decode(cursor: str) -> dict:
    """The object a cursor made by ``encode`` holds; ``ValueError`` for anything else (too long,
    not base64, not JSON, nested, not an object). Its size and nesting are bounded before it is
    decoded."""
    if len(cursor) > MAX_CURSOR_CHARS:
        raise ValueError(NOT_OURS)
    try:
        payload = jsonbody.loads(
            base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)), max_bytes=MAX_CURSOR_CHARS, max_depth=1
        )
    except ValueError:  # BadJSON and binascii.Error are ValueErrors
        raise ValueError(NOT_OURS) from None
    if not isinstance(payload, dict):
        raise ValueError(NOT_OURS)
    return payload
