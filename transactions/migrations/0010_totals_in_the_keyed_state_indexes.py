"""The (work order | employee, state) indexes also hold the hours and quantities the queue adds
up, so a search's totals read a work order's lines from the index alone; and a device's lines
per state have their index, so a device's tab counts read only the lines they count."""
from django.db import migrations, models

TOTALLED = ["hours", "qty_completed", "quantity"]


class Migration(migrations.Migration):

    dependencies = [
        ('transactions', '0009_work_order_and_employee_state_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(model_name='transaction', name='reviews_txn_wo_state'),
        migrations.RemoveIndex(model_name='transaction', name='reviews_txn_employee_state'),
        migrations.AddIndex(
            model_name='transaction',
            index=models.Index(fields=['work_order', 'status', 'collected_at', 'id', *TOTALLED],
                               name='reviews_txn_wo_state'),
        ),
        migrations.AddIndex(
            model_name='transaction',
            index=models.Index(fields=['employee', 'status', 'collected_at', 'id', *TOTALLED],
                               name='reviews_txn_employee_state'),
        ),
        migrations.AddIndex(
            model_name='transaction',
            index=models.Index(fields=['device', 'status', 'collected_at', 'id'], name='reviews_txn_device_state'),
        ),
    ]
