"""A demo MAS company of each test's own (tests here change it, as MAS would), and no pauses."""
from __future__ import annotations

import shutil

import pytest

from mas.demo.company import build_company, change_company, odbc_connection_string
from syncconfig.models import ServerConfig


class Company:
    def __init__(self, path):
        self.path = path

    def execute(self, sql: str, *params) -> int:
        return change_company(self.path, sql, *params)


@pytest.fixture(scope="session")
def pristine_company(tmp_path_factory):
    path = tmp_path_factory.mktemp("mas-pristine") / "ABC.sqlite"
    build_company(path)
    return path


@pytest.fixture
def company(pristine_company, tmp_path, settings) -> Company:
    """A copy of the demo company for this test alone; the MAS gateway reads it."""
    path = tmp_path / "ABC.sqlite"
    shutil.copy(pristine_company, path)
    settings.WOSCAN_MAS_ODBC = odbc_connection_string(path)
    return Company(path)


@pytest.fixture
def no_pause(db):
    """Time Between Syncs 0: tests never sleep."""
    ServerConfig.objects.update_or_create(pk=1, defaults={"time_between_syncs": 0})
