"""API tokens (devices, the MAS-side importer): shown once, stored as a SHA-256 hash, and the one
check of a token a request carries (``holder``)."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

PREFIX_LENGTH = 8


@dataclass(frozen=True)
class NewToken:
    token: str  # show this once, never store it
    prefix: str
    digest: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make_token() -> NewToken:
    token = secrets.token_urlsafe(32)
    return NewToken(token=token, prefix=token[:PREFIX_LENGTH], digest=hash_token(token))


def parse_authorization(header: str) -> str | None:
    """The token of an ``Authorization: Token <token>`` header, or None."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    return token if scheme == "Token" and token else None


def holder(holders, authorization: str | None, *, revoked: bool = False):
    """Who holds the token of an ``Authorization: Token <token>`` header: the row of ``holders``
    (a model or queryset with ``token_hash`` and ``revoked_at``, e.g. devices or importers) whose
    token it is and that is not revoked; None for a missing, malformed, unknown or revoked token.
    ``revoked=True`` gives the row whatever its state, for a caller that says why it refuses one.
    """
    token = parse_authorization(authorization or "")
    if not token:
        return None
    rows = holders._default_manager if isinstance(holders, type) else holders
    rows = rows.filter(token_hash=hash_token(token))
    return (rows if revoked else rows.filter(revoked_at__isnull=True)).first()
