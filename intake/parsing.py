"""Reading one collected transaction (PRODUCT.md §4–§5) into clean values, or saying why not.

Shape only: a value of the wrong kind, a missing required field, an unknown type. Whether the
work order exists or the hours make sense is validation's business (transactions.validation), and
such a line is stored and flagged, never refused. The same reader serves the device API and
the desktop form, so both accept exactly the same lines.
"""
from __future__ import annotations

import functools
import hashlib
import json
import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from datetime import timezone as dt_timezone
from decimal import Decimal, DecimalException, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from transactions.models import FIELDS, TIMED_TYPES, TYPE_FIELDS, TYPE_HAS, TransactionType
from kernel.clock import elapsed_hours
from kernel.jsonbody import text_problem
from transactions.field_limits import collected_field_limits

# Bounds on one transaction as sent, checked before anything else reads it: beyond them the
# line is ``invalid`` (the field named), and the other lines of the request are not affected.
MAX_VALUE_DEPTH = 16  # arrays and objects nested in one field's value (the fields of §5 have none)
MAX_LINE_CHARS = 64 * 1024  # characters of keys and text in one transaction (a full comment is 2048)
MAX_KEY_CHARS = 64  # a field name

# The fields by kind, with the model's limits (transactions.field_limits). Text: name -> max length.
# Decimal: name -> (max digits, decimal places).
LIMITS = collected_field_limits()
TEXT_FIELDS = LIMITS.text
DECIMAL_FIELDS = LIMITS.decimal
DATETIME_FIELDS = LIMITS.datetime
BOOLEAN_FIELDS = LIMITS.boolean

# In the order a scanner reads them, per type (the desktop form uses this order).
SCAN_ORDER: dict[str, tuple[str, ...]] = {
    type_: tuple(f for f in FIELDS if f in (spec["required"] + spec["optional"]))
    for type_, spec in TYPE_FIELDS.items()
}
SCAN_ORDER[TransactionType.LABOR] = (
    "employee", "work_order", "step", "start", "stop", "hours", "qty_completed", "step_complete", "comment",
)
SCAN_ORDER[TransactionType.CREW_LABOR] = (
    "crew", "work_order", "step", "start", "stop", "hours", "qty_completed", "step_complete", "comment",
)
SCAN_ORDER[TransactionType.MATERIAL_ISSUE] = (
    "work_order", "step", "item_code", "warehouse", "quantity", "lot_serial", "comment",
)

# Worked out once, not per line (a push reads up to 1000): the types as sent, and per type the
# fields it requires (in FIELDS order, the order errors are said in; the ones it has: TYPE_HAS).
_TYPE_VALUES = frozenset(TransactionType.values)
_UNKNOWN_TYPE = f"Unknown type; use one of {', '.join(TransactionType.values)}."
_REQUIRED = {type_: tuple(f for f in FIELDS if f in spec["required"]) for type_, spec in TYPE_FIELDS.items()}
# The value a field takes on a type that does not have it.
_UNUSED = {name: "" if name in TEXT_FIELDS else None for name in FIELDS}
_TIMING = ("hours", "start", "stop")


@dataclass
class Parsed:
    """One line read from a device or a form: clean values, or the errors per field."""

    client_txn_id: uuid.UUID | None = None
    type: str = ""
    collected_at: datetime | None = None
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    content_hash: str = ""
    raw: Any = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def echo_id(self) -> Any:
        """The id to name this line by in an answer: the UUID if it read, else what was sent."""
        if self.client_txn_id is not None:
            return str(self.client_txn_id)
        sent = self.raw.get("client_txn_id") if isinstance(self.raw, dict) else None
        if isinstance(sent, float) and not math.isfinite(sent):
            return str(sent)  # 1e400 reads as infinity, which JSON cannot write back
        return sent if isinstance(sent, (str, int, float)) and not isinstance(sent, bool) else None


def parse(raw: Any) -> Parsed:
    """Read one transaction as sent (a JSON object from a device, or strings from a form)."""
    parsed = Parsed(raw=raw)
    if not isinstance(raw, dict):
        parsed.errors["transaction"] = "Each transaction must be a JSON object."
        return parsed
    errors = parsed.errors
    errors.update(out_of_bounds(raw))
    if errors:
        return parsed

    try:
        parsed.client_txn_id = _uuid(raw.get("client_txn_id"))
    except ValueError as exc:
        errors["client_txn_id"] = str(exc)

    type_ = raw.get("type")
    if _blank(type_):
        errors["type"] = "Required."
    elif not (isinstance(type_, str) and type_ in _TYPE_VALUES):  # (a list or an object is no type either)
        errors["type"] = _UNKNOWN_TYPE
    else:
        parsed.type = type_

    try:
        parsed.collected_at = _datetime(raw.get("collected_at"))
        if parsed.collected_at is None:
            errors["collected_at"] = "Required."
    except ValueError as exc:
        errors["collected_at"] = str(exc)

    values: dict[str, Any] = {}
    allowed = TYPE_HAS[parsed.type] if parsed.type else None  # no type to go by: every field is read
    for name in FIELDS:
        if allowed is not None and name not in allowed:
            # Sent for a field this type does not have: not a reason to refuse the line. The
            # value stays in ``raw``, and validation says so (a ``field_not_used`` warning).
            values[name] = _UNUSED[name]
            continue
        try:
            values[name] = _READERS[name](raw.get(name))
        except ValueError as exc:
            errors[name] = str(exc)
    if parsed.type:
        for name in _REQUIRED[parsed.type]:
            if name not in errors and values[name] in (None, ""):
                errors[name] = "Required."
        timing = _TIMING
        if parsed.type in TIMED_TYPES and not any(name in errors for name in timing) and values["hours"] is None:
            if values["start"] is None or values["stop"] is None:
                for name in timing:
                    if values[name] is None:
                        errors[name] = "Give the hours, or both start and stop."
        if parsed.type in TIMED_TYPES and not errors and values["hours"] is None:
            elapsed = elapsed_hours(values["start"], values["stop"])
            if _too_large(elapsed, *DECIMAL_FIELDS["hours"]):
                errors["stop"] = f"Start and stop are {abs(elapsed):,.0f} hours apart: check both dates."
    if errors:
        return parsed

    parsed.values = values
    parsed.content_hash = content_hash(parsed)  # of what was collected: the hours worked out are not part of it
    if parsed.type in TIMED_TYPES and values["hours"] is None:
        values["hours"] = elapsed
    return parsed


def content_hash(parsed: Parsed) -> str:
    """SHA-256 of a canonical JSON of what was collected: equal for a replay, different for a
    reused id with other content. Decimals are normalised to their field's places, times to UTC."""
    canonical = {"type": parsed.type, "collected_at": _iso(parsed.collected_at)}
    for name, value in parsed.values.items():
        if value is None or value == "":
            continue
        if isinstance(value, datetime):
            value = _iso(value)
        elif isinstance(value, Decimal):
            value = str(value)
        canonical[name] = value
    return hashlib.sha256(_CANONICAL.encode(canonical).encode()).hexdigest()


# What ``json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` makes,
# with the encoder made once rather than per line.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# --- bounds ------------------------------------------------------------------------------------
def out_of_bounds(raw: dict) -> dict[str, str]:
    """Field name -> why the value sent is beyond what one line may hold (nothing recurses)."""
    errors: dict[str, str] = {}
    total = 0
    for key, value in raw.items():
        key_chars = len(key)
        if key_chars > MAX_KEY_CHARS:
            errors["transaction"] = f"A field name is longer than {MAX_KEY_CHARS} characters."
            continue
        kind = type(value)
        if kind is str:  # a plain value, as every field of §5 is: what _measure says, without the walk
            total += key_chars + len(value)
            continue
        if value is None or kind is int or kind is float or kind is bool:
            total += key_chars + 1
            continue
        depth, size = _measure(value, limit=MAX_VALUE_DEPTH)
        total += key_chars + size
        if depth > MAX_VALUE_DEPTH:
            errors[key] = f"Nested more than {MAX_VALUE_DEPTH} levels deep; the fields of a transaction are plain values."
    if total > MAX_LINE_CHARS and "transaction" not in errors:
        errors["transaction"] = f"Larger than {MAX_LINE_CHARS // 1024} KB of text; a transaction is far smaller."
    return errors


def _measure(value: Any, *, limit: int) -> tuple[int, int]:
    """(nesting depth, characters of keys and text) of a parsed JSON value, walked without
    recursion; the walk stops below ``limit`` + 1 levels."""
    depth = size = 0
    pending = [(value, 0)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, str):
            size += len(item)
            continue
        if not isinstance(item, (list, dict)):
            size += 1
            continue
        level += 1
        depth = max(depth, level)
        if level > limit:
            return depth, size
        if isinstance(item, dict):
            size += sum(len(key) for key in item)
            item = item.values()
        pending.extend((child, level) for child in item)
    return depth, size


# --- readers of one value ---------------------------------------------------------------------
def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _uuid(value: Any) -> uuid.UUID:
    if _blank(value):
        raise ValueError("Required: a UUID the device makes once and sends on every retry.")
    if not isinstance(value, str):
        raise ValueError("Must be a UUID string.")
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        raise ValueError("Not a UUID.") from None


def _datetime(value: Any) -> datetime | None:
    if value is None or _blank(value):
        return None
    if not isinstance(value, str):
        raise ValueError("Must be an ISO 8601 date and time, e.g. 2026-11-25T07:30:00-06:00.")
    try:
        moment = parse_datetime(value.strip())
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError("Not an ISO 8601 date and time, e.g. 2026-11-25T07:30:00-06:00.")
    if not 1900 <= moment.year <= 2999:
        raise ValueError("Not a plausible date.")
    if timezone.is_naive(moment):
        # A time without an offset is the plant's local time.
        moment = timezone.make_aware(moment)
    return moment


def read_value(name: str, value: Any) -> Any:
    reader = _READERS.get(name)
    if reader is None:
        raise AssertionError(name)  # pragma: no cover
    return reader(value)


def _text_reader(max_length: int):
    too_long = f"At most {max_length} characters."

    def read(value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValueError("Must be text.")
        value = value.strip()
        if not value:  # blank
            return ""
        if not value.isascii() or "\x00" in value:  # ASCII without a NUL is always plain text
            problem = text_problem(value)
            if problem:
                raise ValueError(problem)
        if len(value) > max_length:
            raise ValueError(too_long)
        return value
    return read


def _decimal_reader(max_digits: int, places: int):
    return lambda value: _decimal(value, max_digits, places)


def _readers() -> dict:
    """Field name -> the function that reads its value as sent (raises ``ValueError`` with why not)."""
    readers = {}
    for name in FIELDS:
        if name in TEXT_FIELDS:
            readers[name] = _text_reader(TEXT_FIELDS[name])
        elif name in DECIMAL_FIELDS:
            readers[name] = _decimal_reader(*DECIMAL_FIELDS[name])
        elif name in DATETIME_FIELDS:
            readers[name] = _datetime
        elif name in BOOLEAN_FIELDS:
            readers[name] = _boolean
    return readers


def _decimal(value: Any, max_digits: int, places: int) -> Decimal | None:
    if value is None or _blank(value):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError("Must be a number.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError("Must be a number.") from None
    if not number.is_finite():
        raise ValueError("Must be a number.")
    if _too_large(number, max_digits, places):
        raise ValueError(f"Too large: at most {max_digits - places} digits before the decimal point.")
    try:
        quantized = number.quantize(_quantum(places))
    except DecimalException:  # more digits than the context holds: not a value of this field
        raise ValueError(f"At most {places} decimal places.") from None
    if quantized != number:
        raise ValueError(f"At most {places} decimal places.")
    return abs(quantized) if quantized == 0 else quantized  # -0 is 0


def _too_large(number: Decimal, max_digits: int, places: int) -> bool:
    """More digits before the decimal point than the column holds. Read off the number's exponent,
    not worked out: arithmetic on "1e999999999" overflows the decimal context (a push answered 500)."""
    return number != 0 and number.adjusted() >= max_digits - places


@functools.cache
def _quantum(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def _boolean(value: Any) -> bool | None:
    if value is None or _blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().upper() in ("Y", "YES", "TRUE", "1", "ON"):
        return True
    if isinstance(value, str) and value.strip().upper() in ("N", "NO", "FALSE", "0", "OFF"):
        return False
    raise ValueError("Must be true or false (or Y / N).")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800") that JSON allows and databases refuse
        return False
    return True


def storable(value: Any) -> Any:
    """``value`` (the row as sent, for ``Transaction.raw``) with what no database stores
    replaced: NUL characters and lone surrogates in strings and keys, and numbers too large
    for a float (``1e400`` reads as infinity, which JSON columns refuse) kept as text."""
    kind = type(value)
    if kind is str:
        return _storable_text(value)
    if kind is dict:  # a row as sent: its keys and plain values are read here, the rest in depth
        return {
            (_storable_text(key) if type(key) is str else storable(key)):
            (_storable_text(item) if type(item) is str else item if type(item) in _STORED_AS_IS else storable(item))
            for key, item in value.items()
        }
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        text = value if _encodable(value) else value.encode("utf-8", "replace").decode()
        return text.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [storable(item) for item in value]
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}
    return value


_STORED_AS_IS = (int, bool, type(None))


def _storable_text(text: str) -> str:
    """``storable`` of a ``str`` (ASCII is always UTF-8)."""
    if not text.isascii() and not _encodable(text):
        text = text.encode("utf-8", "replace").decode()
    return text.replace("\x00", "\ufffd")


def _iso(moment: datetime) -> str:
    return moment.astimezone(dt_timezone.utc).isoformat()


_READERS = _readers()
