"""The default mappings name the real Sage 100 columns, and rows left at the first defaults follow them."""
from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from demo.layouts import TABLES
from mas.tablemaps import DEFAULT_TABLE_MAPS
from syncconfig.autosync import ensure_default_tables
from syncconfig.models import AutoSyncTable

migration = importlib.import_module("syncconfig.migrations.0004_defaults_follow_real_layouts")


@pytest.mark.parametrize("table_map", DEFAULT_TABLE_MAPS, ids=lambda m: m.name)
def test_every_default_column_is_one_the_demo_company_has(table_map):
    columns = {name for name, _type in TABLES[table_map.mas_table]}

    named = [c for c in (*table_map.keys.values(), *table_map.columns.values()) if c]
    assert set(named) <= columns, set(named) - columns


@pytest.mark.django_db
def test_rows_left_at_the_first_defaults_move_to_the_real_layouts_and_changed_rows_stay():
    ensure_default_tables()
    old_employees = dict(zip(("mas_table", "key_columns", "columns"), migration.OLD_EMPLOYEES))
    AutoSyncTable.objects.filter(name="employees").update(**old_employees)
    AutoSyncTable.objects.filter(name="material_lines").update(key_columns=migration.OLD_MATERIAL_KEYS)
    AutoSyncTable.objects.filter(name="work_orders").update(mas_table="WO1_SiteOwnName")

    migration.forwards(apps, None)

    employees = AutoSyncTable.objects.get(name="employees")
    assert (employees.mas_table, employees.columns["mas_inactive"]) == ("PR_Employee", "EmployeeStatus")
    assert AutoSyncTable.objects.get(name="material_lines").key_columns == {"work_order": "WorkOrder", "line_key": ""}
    assert AutoSyncTable.objects.get(name="work_orders").mas_table == "WO1_SiteOwnName"

    AutoSyncTable.objects.filter(name="employees").update(columns={"first_name": "FirstName"})
    migration.forwards(apps, None)
    assert AutoSyncTable.objects.get(name="employees").columns == {"first_name": "FirstName"}
