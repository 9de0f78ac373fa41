"""Create the Supervisor, Accountant and Administrator groups with their permissions.

The map is frozen here as migrations must be; ``accounts.roles.ROLE_PERMISSIONS`` is the
living copy, applied again after every ``migrate``; a test checks that they agree.
"""
from django.db import migrations

from accounts.roles import apply_role_permissions

ROLE_PERMISSIONS = {
    "Supervisor": [
        "reviews.view_transaction",
        "reviews.change_transaction",
        "reviews.review_transaction",
        "reviews.export_transactions",
        "batches.view_exportbatch",
    ],
    "Accountant": [
        "reviews.view_transaction",
        "batches.view_exportbatch",
        "batches.reexport_batch",
    ],
    "Administrator": [
        "reviews.view_transaction",
        "batches.view_exportbatch",
        "syncconfig.view_serverconfig",
        "syncconfig.change_serverconfig",
        "syncconfig.view_pullrun",
        "syncconfig.run_pull",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
    ],
}


def forwards(apps, schema_editor):
    apply_role_permissions(apps, ROLE_PERMISSIONS)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reviews", "0001_initial"),
        ("batches", "0001_initial"),
        ("syncconfig", "0001_initial"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
