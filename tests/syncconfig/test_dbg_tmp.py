import pytest
from django.urls import reverse
from syncconfig.models import AutoSyncTable
def test_dbg(client, administrator, company):
    client.force_login(administrator)
    from syncconfig.autosync import ensure_default_tables
    ensure_default_tables()
    table = AutoSyncTable.objects.get(name="material_lines")
    page = client.get(reverse("syncconfig:autosynctable_edit", args=[table.pk])).content.decode()
    i = page.find("line_key")
    print(page[i-200:i+1500])
