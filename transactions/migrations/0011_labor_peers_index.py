"""The overlap check of a new labor line reads an employee's labor lines that end after the new
ones start, from an index of timed labor lines by (employee, stop): it read the table whole."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('transactions', '0010_totals_in_the_keyed_state_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='transaction',
            index=models.Index(condition=models.Q(('stop__isnull', False), ('type', 'labor')), fields=['employee', 'stop'], name='reviews_txn_labor_peers'),
        ),
    ]
