"""Validation of collected transactions against the mirror (the intake issue fills this in).

The interface the rest of the portal calls:

- ``check(txn) -> list[Finding]``: the findings for one transaction, unsaved, in words a
  supervisor understands. Pure: reads the mirror, writes nothing.
- ``replace_findings(txns) -> None``: re-checks the transactions and replaces their saved
  findings (used on arrival, after an edit, and when the mirror changes).
"""
from __future__ import annotations

from collections.abc import Iterable

from reviews.models import Finding, Transaction


def check(txn: Transaction) -> list[Finding]:
    return []


def replace_findings(txns: Iterable[Transaction]) -> None:
    txns = list(txns)
    Finding.objects.filter(transaction__in=txns).delete()
    Finding.objects.bulk_create(finding for txn in txns for finding in check(txn))
