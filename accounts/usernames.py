"""The rule for user names: NFKC-normalised, then ASCII letters, digits and ``. _ - @`` only.

A plain rule the plant can read on a badge and type on any handheld's keyboard, rather than a table of
look-alike characters: it refuses every look-alike at once — a Cyrillic ``а`` for a Latin ``a`` as well
as a Latin dotless ``ı`` (``supervısor``), which is of the same script as ``i`` and so passes checks
that look for mixed scripts. Names that differ only in case are one name (refused as a duplicate).
"""
from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError

ALLOWED = re.compile(r"[A-Za-z0-9._@-]+")
RULE = "User names may use the letters a–z and A–Z, digits and . _ - @ only (no spaces, no accented or look-alike letters)."


def normalised(username: str) -> str:
    """The user name as stored: NFKC (full-width ``ｓｕｅ`` → ``sue``), surrounding spaces removed."""
    return unicodedata.normalize("NFKC", username).strip()


def check(username: str) -> str:
    """``username`` normalised, or a ``ValidationError`` naming the first character the rule refuses."""
    name = normalised(username)
    if not name:
        raise ValidationError("Give a user name.", code="required")
    if not ALLOWED.fullmatch(name):
        bad = next(ch for ch in name if not ALLOWED.fullmatch(ch))
        shown = "A space" if bad.isspace() else f"The character '{bad}' ({unicodedata.name(bad, 'U+%04X' % ord(bad)).lower()})"
        raise ValidationError(f"{shown} is not allowed in a user name. {RULE}", code="username_characters")
    return name
