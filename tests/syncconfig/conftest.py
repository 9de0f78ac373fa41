"""A demo MAS company of each test's own (tests here change it, as MAS would), and no pauses."""
from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from mas.demo.company import change_company
from syncconfig.models import ServerConfig


class Company:
    def __init__(self, path):
        self.path = path

    def execute(self, sql: str, *params) -> int:
        return change_company(self.path, sql, *params)

    def query(self, sql: str, *params) -> list[tuple]:
        with closing(sqlite3.connect(self.path)) as con:
            return con.execute(sql, params).fetchall()


@pytest.fixture
def company(own_mas_company) -> Company:
    """A copy of the demo company for this test alone; the MAS gateway reads it."""
    return Company(own_mas_company)


@pytest.fixture
def no_pause(db):
    """Time Between Syncs 0: tests never sleep."""
    ServerConfig.objects.update_or_create(pk=1, defaults={"time_between_syncs": 0})
