"""API tokens (devices, the MAS-side importer): shown once, stored as a SHA-256 hash."""
from __future__ import annotations

import hashlib
import hmac
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


def same_digest(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)
