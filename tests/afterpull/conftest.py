"""The follow-ups run against a demo MAS company of each test's own, with an exported batch."""
from __future__ import annotations

import pytest

from syncconfig.models import ServerConfig
from tests.batches.conftest import approved, company, exported, run_export  # noqa: F401 - fixtures used here


@pytest.fixture(autouse=True)
def _no_pause_and_own_folder(db, export_dir):
    """Time Between Syncs 0 (tests never sleep), and an export folder of the test's own."""
    ServerConfig.objects.update_or_create(pk=1, defaults={"time_between_syncs": 0})
