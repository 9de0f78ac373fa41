"""Per-site settings of the export and of the MAS read-back, from the environment.

The MAS Transaction Entry and history table names are not confirmed from public sources
(PRODUCT.md §3 †), so each site may name its own:

=================================  ===========================  ======================================
variable                           default                      what it names
=================================  ===========================  ======================================
``WOSCAN_MAS_ENTRY_HEADER_TABLE``  ``WO_TransactionEntryHeader``  Work Order Transaction Entry headers
``WOSCAN_MAS_ENTRY_DETAIL_TABLE``  ``WO_TransactionEntryDetail``  Work Order Transaction Entry lines
``WOSCAN_MAS_HISTORY_TABLE``       ``WO_TransactionHistory``      posted transactions (history)
``WOSCAN_EXPORT_EVERY_MINUTES``    ``15``                         how often lines approved by the
                                                                automatic option are exported
=================================  ===========================  ======================================

A Django setting of the same name (e.g. in a test) wins over the environment. A bad value
stops the portal with a message naming the variable.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from kernel.env import envstr
from syncconfig.schedules import export_every_minutes  # noqa: F401 - validated below, at start-up

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DEFAULT_TABLES = {
    "WOSCAN_MAS_ENTRY_HEADER_TABLE": "WO_TransactionEntryHeader",
    "WOSCAN_MAS_ENTRY_DETAIL_TABLE": "WO_TransactionEntryDetail",
    "WOSCAN_MAS_HISTORY_TABLE": "WO_TransactionHistory",
}


@dataclass(frozen=True)
class MASTables:
    entry_header: str
    entry_detail: str
    history: str


def _table(name: str) -> str:
    value = getattr(settings, name, None) or envstr(name, DEFAULT_TABLES[name])
    if not _IDENT.match(value):
        raise ImproperlyConfigured(f"{name}={value!r} is not a MAS table name (letters, digits and _).")
    return value


def mas_tables() -> MASTables:
    return MASTables(
        entry_header=_table("WOSCAN_MAS_ENTRY_HEADER_TABLE"),
        entry_detail=_table("WOSCAN_MAS_ENTRY_DETAIL_TABLE"),
        history=_table("WOSCAN_MAS_HISTORY_TABLE"),
    )


# Validate at start-up (imported by BatchesConfig.ready), so a typo stops the portal.
def check() -> None:
    mas_tables()
    export_every_minutes()
