"""Auto-sync Tables rows still holding the first defaults move to the real Sage 100 layouts.

The first defaults named ``WO2_WorkOrderMaterialDetail.LineKey`` (a real company's WO2 has no
column that identifies a line: the pull now numbers each order's lines itself) and a production
employee table ``WO_ProductionEmployee`` (employees now come from ``PR_Employee``). A row an
administrator changed is left as it is.
"""
from django.db import migrations

OLD_MATERIAL_KEYS = {"work_order": "WorkOrder", "line_key": "LineKey"}
NEW_MATERIAL_KEYS = {"work_order": "WorkOrder", "line_key": ""}
OLD_EMPLOYEES = ("WO_ProductionEmployee", {"number": "EmployeeNo"}, {
    "first_name": "FirstName", "last_name": "LastName", "mas_inactive": "Inactive",
    "hourly_rate": "HourlyRate", "default_work_center": "DefaultWorkCenter",
})
NEW_EMPLOYEES = ("PR_Employee", {"number": "EmployeeNo"}, {
    "department": "DepartmentNo", "first_name": "FirstName", "last_name": "LastName",
    "mas_inactive": "EmployeeStatus", "hourly_rate": "EmployeePayRate1",
})


def forwards(apps, schema_editor):
    AutoSyncTable = apps.get_model("syncconfig", "AutoSyncTable")
    for row in AutoSyncTable.objects.filter(name="material_lines", mas_table="WO2_WorkOrderMaterialDetail"):
        if row.key_columns == OLD_MATERIAL_KEYS:
            row.key_columns, row.since = NEW_MATERIAL_KEYS, None
            row.save(update_fields=["key_columns", "since"])
    for row in AutoSyncTable.objects.filter(name="employees"):
        if (row.mas_table, row.key_columns, row.columns) == OLD_EMPLOYEES:
            row.mas_table, row.key_columns, row.columns = NEW_EMPLOYEES
            row.since = None
            row.save(update_fields=["mas_table", "key_columns", "columns", "since"])


def backwards(apps, schema_editor):
    AutoSyncTable = apps.get_model("syncconfig", "AutoSyncTable")
    AutoSyncTable.objects.filter(name="material_lines", key_columns=NEW_MATERIAL_KEYS).update(key_columns=OLD_MATERIAL_KEYS)
    for row in AutoSyncTable.objects.filter(name="employees", mas_table=NEW_EMPLOYEES[0]):
        if (row.key_columns, row.columns) == NEW_EMPLOYEES[1:]:
            row.mas_table, row.key_columns, row.columns = OLD_EMPLOYEES
            row.save(update_fields=["mas_table", "key_columns", "columns"])


class Migration(migrations.Migration):
    dependencies = [("syncconfig", "0003_pull_lock_holder_and_heartbeat")]
    operations = [migrations.RunPython(forwards, backwards)]
