"""``Device``, ``ProcessingOption`` and ``IntakeSettings`` now belong to the transaction core
(transactions 0001).

State only: their tables stay, under the transactions app.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0002_intake_settings"),
        ("transactions", "0001_models_from_reviews_and_intake"),
        # reviews.Transaction pointed at intake.Device.
        ("reviews", "0005_models_moved_to_transactions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="IntakeSettings"),
                migrations.DeleteModel(name="ProcessingOption"),
                migrations.DeleteModel(name="Device"),
            ],
        ),
    ]
