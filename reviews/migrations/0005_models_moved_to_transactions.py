"""``Transaction`` and ``Finding`` now belong to the transaction core (transactions 0001).

State only: their tables stay, under the transactions app.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("reviews", "0004_device_and_entered_by_queue_indexes"),
        ("transactions", "0001_models_from_reviews_and_intake"),
        # Nothing may point at reviews.Transaction any more.
        ("batches", "0005_line_transaction_from_the_core"),
        # On a fresh database the first role groups are made from reviews' permissions.
        ("accounts", "0001_roles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Finding"),
                migrations.DeleteModel(name="Transaction"),
            ],
        ),
    ]
