"""Fixtures shared by the whole suite: personas, the demo MAS company, the browser."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.test.utils import override_settings

from accounts.roles import Role
from tests.factories import UserFactory

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test code beside it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The MAS driver a test reads the demo company through (sqlite, mariadb): tests/mas_drivers.py.
pytest_plugins = ["tests.mas_drivers"]


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgresql`` run where the portal's database is PostgreSQL (CI's second pass);
    on SQLite, which has one writer at a time, they are left out (deselected), not skipped."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    left_out = [item for item in items if item.get_closest_marker("postgresql")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


# --- personas ---------------------------------------------------------------------------
@pytest.fixture
def supervisor(db):
    return UserFactory(username="sue.supervisor", roles=[Role.SUPERVISOR])


@pytest.fixture
def accountant(db):
    return UserFactory(username="al.accountant", roles=[Role.ACCOUNTANT])


@pytest.fixture
def administrator(db):
    return UserFactory(username="ada.admin", roles=[Role.ADMINISTRATOR])


@pytest.fixture
def floor_desktop(db):
    """A Direct Connect desktop on the floor: enters collected lines, nothing else."""
    return UserFactory(username="flo.floor", roles=[Role.FLOOR_DESKTOP])


@pytest.fixture
def outsider(db):
    """Signed in, but with no role."""
    return UserFactory(username="otto.outsider")


# --- child processes (a real cluster, a killed export) on this test's database --------------
@pytest.fixture
def subprocess_env(transactional_db) -> dict[str, str]:
    """Environment for a child process that must see this test's database (and broker)."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        url = f"postgres://{db['USER']}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DJANGO_SETTINGS_MODULE="woscan_portal.settings", DATABASE_URL=url)
    return env


# --- the demo MAS company, reached through the real SQLite ODBC driver -----------------
@pytest.fixture(scope="session")
def mas_company(tmp_path_factory):
    """A freshly built demo company "ABC"; the settings point the MAS gateway at it."""
    from demo.company import build_company, odbc_connection_string

    path = tmp_path_factory.mktemp("mas") / "ABC.sqlite"
    build_company(path)
    with override_settings(WOSCAN_DEMO_MAS_PATH=path, WOSCAN_MAS_ODBC=odbc_connection_string(path)):
        yield path


@pytest.fixture
def own_mas_company(mas_company, tmp_path, settings) -> Path:
    """A copy of the demo company for this test alone, for tests that change MAS as MAS would."""
    from demo.company import odbc_connection_string

    path = tmp_path / "ABC.sqlite"
    shutil.copy(mas_company, path)
    settings.WOSCAN_DEMO_MAS_PATH = path
    settings.WOSCAN_MAS_ODBC = odbc_connection_string(path)
    return path


@pytest.fixture
def export_dir(tmp_path, settings) -> Path:
    """An empty export folder for this test (WOSCAN_EXPORT_DIR)."""
    path = tmp_path / "export"
    path.mkdir()
    settings.WOSCAN_EXPORT_DIR = path
    return path


# --- the state of a working plant (tests/plant.py), built once per test module ----------------
@pytest.fixture(scope="module")
def plant(django_db_setup, django_db_blocker, mas_company, tmp_path_factory):
    """A working plant's state, built through the services for the module that asks and rolled
    back after it. Mark the module ``django_db``: each test then runs in a savepoint inside it,
    so what a test changes is undone too (files in its export folder stay)."""
    from django.test import TestCase

    from demo.company import odbc_connection_string
    from tests.plant import build_plant

    folder = tmp_path_factory.mktemp("plant")
    company = folder / "ABC.sqlite"
    shutil.copy(mas_company, company)
    export_dir = folder / "export"
    export_dir.mkdir()
    with django_db_blocker.unblock(), override_settings(
        WOSCAN_DEMO_MAS_PATH=company, WOSCAN_MAS_ODBC=odbc_connection_string(company), WOSCAN_EXPORT_DIR=export_dir
    ):
        atomics = TestCase._enter_atomics()
        try:
            yield build_plant(company, export_dir)
        finally:
            TestCase._rollback_atomics(atomics)
