"""The audit trail's CSV and XLSX hold the rows the page shows: plant time, one change a value."""
from __future__ import annotations

from datetime import datetime, timezone as tz

import pytest
from django.urls import reverse

from audit.log import record
from audit.models import AuditEntry
from tests.factories import TransactionFactory
from tests.woscan_portal.exports import compare_exports

pytestmark = pytest.mark.django_db


def test_it_exports_the_audit_trail_as_the_page_shows_it(client, administrator, supervisor):
    txn = TransactionFactory(work_order="0001042")
    record([txn], "approve", by=supervisor, reason="checked with the lead hand",
           changes={"status": ["flagged", "approved"], "hours": ["2.500", "2.750"]})
    record([txn], "edit", actor_label="=cmd|' /C calc'!A0", changes={"comment": ["", "-1+1"]})
    AuditEntry.objects.update(at=datetime(2026, 1, 15, 20, 5, 59, 999999, tzinfo=tz.utc))  # 14:05 CST
    client.force_login(administrator)

    tables = compare_exports(client, reverse("audit:auditentry_list"), params={"sort": "action"})

    page, in_csv = tables["page"], tables["csv"]
    assert page[0]["When"] == in_csv[0]["When"] == "2026-01-15 14:05"
    assert page[0]["Changes"] == in_csv[0]["Changes"] == "Hours: 2.5 → 2.75; State: Flagged → Approved"  # fields in words
    assert page[0]["What"] == in_csv[0]["What"] == str(txn) and "<a" not in in_csv[0]["What"]
    assert in_csv[1]["Who"].startswith("'=")  # neutralised
