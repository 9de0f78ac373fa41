"""Reading JSON that comes from outside (a device's push, a cursor, WOScan Sync's ack) within bounds.

Every body and token is checked for size and nesting depth *before* it is parsed or walked, so
no input can make the portal recurse without end (a ``RecursionError`` is a 500), and it is
parsed strictly: a key repeated in one object is refused (which of the two was meant?), as are
``NaN`` and ``Infinity``, which are not JSON. ``BadJSON`` says what is wrong, in words for the
client; the APIs answer it with their JSON error shape.
"""
from __future__ import annotations

import json
import re
from array import array
from itertools import accumulate
from typing import Any

# A JSON string, escapes included (the unrolled form: no backtracking on long strings).
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# Every byte to 0 except brackets: an opening one to +1, a closing one to -1 (as a signed byte).
_BRACKETS = bytes(
    1 if b in b"[{" else 255 if b in b"]}" else 0 for b in range(256)
)


PLAIN_TEXT = "Must be plain text (no NUL characters or broken Unicode)."


class BadJSON(ValueError):
    """The body (or token) cannot be read; ``str()`` says why, for the client."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.status = status


class _DuplicateKey(ValueError):
    pass


def nesting_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in ``raw`` (brackets inside strings do not count).

    Done with the regular-expression engine and C loops: a 16 MB body is measured in a
    fraction of a second, and nothing recurses.
    """
    if raw.count(b"[") + raw.count(b"{") == 0:
        return 0
    brackets = _STRING.sub(b"", raw).translate(_BRACKETS).replace(b"\x00", b"")
    if not brackets:
        return 0
    return max(0, max(accumulate(array("b", brackets))))


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return obj


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def loads(raw: bytes | str, *, max_bytes: int, max_depth: int, what: str = "The body") -> Any:
    """``raw`` parsed, or ``BadJSON``: larger than ``max_bytes`` (413), not UTF-8 JSON, nested
    deeper than ``max_depth``, or with a key twice in one object (400)."""
    if isinstance(raw, str):
        try:
            raw = raw.encode("utf-8")
        except UnicodeEncodeError:
            raise BadJSON(f"{what} is not UTF-8 JSON.") from None
    if len(raw) > max_bytes:
        raise BadJSON(f"{what} is larger than {_size(max_bytes)}.", status=413)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a BOM is not an error
    if nesting_depth(raw) > max_depth:
        raise BadJSON(f"{what} nests arrays and objects more than {max_depth} levels deep.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadJSON(f"{what} is not UTF-8 JSON.") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except _DuplicateKey as exc:
        key = str(exc)[:64]
        raise BadJSON(f'{what} has the key "{key}" twice in one object; send each key once.') from None
    except RecursionError:  # cannot happen within max_depth; a safety net all the same
        raise BadJSON(f"{what} nests arrays and objects too deeply.") from None
    except ValueError:
        raise BadJSON(f"{what} is not JSON.") from None


def read_body(request, *, max_bytes: int, max_depth: int) -> Any:
    """The request's body parsed by ``loads``, reading at most ``max_bytes`` + 1 bytes (not
    ``request.body``, which Django caps at ``DATA_UPLOAD_MAX_MEMORY_SIZE`` with an HTML page)."""
    return loads(request.read(max_bytes + 1), max_bytes=max_bytes, max_depth=max_depth)


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (a NUL, a lone surrogate), or ``None``."""
    try:
        value.encode("utf-8")  # "\ud800", a lone surrogate: JSON allows it, UTF-8 and the databases do not
    except UnicodeEncodeError:
        return PLAIN_TEXT
    return PLAIN_TEXT if "\x00" in value else None


def _size(limit: int) -> str:
    if limit >= 1024 * 1024 and limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MB"
    if limit >= 1024 and limit % 1024 == 0:
        return f"{limit // 1024} KB"
    return f"{limit} bytes"
