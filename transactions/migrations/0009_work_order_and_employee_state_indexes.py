"""A state's lines under one work order or employee, in the queue's order: the tabs' counts under
those filters read only the lines they count."""
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('transactions', '0008_search_index_item_and_comment'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='transaction',
            index=models.Index(fields=['work_order', 'status', 'collected_at', 'id'], name='reviews_txn_wo_state'),
        ),
        migrations.AddIndex(
            model_name='transaction',
            index=models.Index(fields=['employee', 'status', 'collected_at', 'id'], name='reviews_txn_employee_state'),
        ),
    ]
