"""A demo MAS company of each test's own (tests here change it, as MAS would), and no pauses."""
from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from demo.company import change_company
from syncconfig.models import ServerConfig


class Company:
    driver = "sqlite"

    def __init__(self, path):
        self.path = path

    def execute(self, sql: str, *params) -> int:
        return change_company(self.path, sql, *params)

    def query(self, sql: str, *params) -> list[tuple]:
        with closing(sqlite3.connect(self.path)) as con:
            return con.execute(sql, params).fetchall()


@pytest.fixture
def company(mas_driver, request) -> Company:
    """A copy of the demo company for this test alone, through the test's MAS driver
    (tests/mas_drivers.py); the MAS gateway reads it."""
    if mas_driver == "mariadb":
        return request.getfixturevalue("mariadb_company")
    return Company(request.getfixturevalue("own_mas_company"))


@pytest.fixture
def no_pause(db):
    """Time Between Syncs 0: tests never sleep."""
    ServerConfig.objects.update_or_create(pk=1, defaults={"time_between_syncs": 0})
