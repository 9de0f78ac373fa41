# Part of a name, found from an index (issue 14: the queue's search by a name, the correction
# form's lookups): on PostgreSQL a pg_trgm GIN index on each name the mirror is searched by, in
# the very expression the search asks about — Django's ``icontains`` is
# ``UPPER(<name>::text) LIKE UPPER('%text%')``, and an employee's name is ``mas.names.FullName``.
# SQLite has no index for "contains": there the search is a plain LIKE over the mirror's table.
#
# pg_trgm ships with PostgreSQL (contrib) and is a trusted extension (transactions/0005 made it
# already where that migration ran first).

from django.db import migrations

NAMED = {
    "mas_item_description_trgm": ("mas_item", "upper((description)::text)"),
    "mas_workorder_item_description_trgm": ("mas_workorder", "upper((item_description)::text)"),
    "mas_workorderstep_description_trgm": ("mas_workorderstep", "upper((description)::text)"),
    "mas_crew_description_trgm": ("mas_crew", "upper((description)::text)"),
    "mas_employee_full_name_trgm": ("mas_employee", "upper(((first_name || ' ' || last_name))::text)"),
}
POSTGRESQL = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
    f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression} gin_trgm_ops)"
    for name, (table, expression) in NAMED.items()
]
POSTGRESQL_BACK = [f"DROP INDEX IF EXISTS {name}" for name in NAMED]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return  # SQLite: a plain LIKE (no index for "contains")
        for statement in statements:
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("mas", "0003_employee_department_and_status"),
    ]

    operations = [
        migrations.RunPython(_run(POSTGRESQL), _run(POSTGRESQL_BACK), elidable=False),
    ]
