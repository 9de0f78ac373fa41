# "My lines" of the device API (GET /api/sync/v1/transactions?since=…) reads one device's lines
# in (updated_at, id) order from this index.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0004_device_and_entered_by_queue_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='transaction',
            index=models.Index(fields=['device', 'updated_at', 'id'], name='reviews_txn_device_changes'),
        ),
    ]
