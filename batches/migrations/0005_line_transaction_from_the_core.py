"""A batch line's transaction is now ``transactions.Transaction`` (the same table, reviews_transaction).

State only: the column and its foreign key constraint are unchanged.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("batches", "0004_publishing_marker"),
        ("transactions", "0001_models_from_reviews_and_intake"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="batchline",
                    name="transaction",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="batch_lines",
                        to="transactions.transaction",
                    ),
                ),
            ],
        ),
    ]
