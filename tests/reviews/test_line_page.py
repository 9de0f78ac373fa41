"""The line page per type: the type's fields only, decided lines in words, the audit link."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import ItemFactory, TransactionFactory, WarehouseFactory, WorkOrderFactory

pytestmark = pytest.mark.django_db


def test_a_material_issue_shows_its_fields_and_not_a_labor_lines(client, supervisor):
    WorkOrderFactory(number="0001001")
    ItemFactory(code="STEEL-10", description="Sheet steel 10 ga")
    WarehouseFactory(code="000", description="Main warehouse")
    txn = TransactionFactory(type="material_issue", employee="", step="", hours=None, item_code="STEEL-10",
                             warehouse="000", quantity=Decimal("4.0000"))
    client.force_login(supervisor)

    html = client.get(txn.get_absolute_url()).content.decode()

    assert 'data-field="item_code"' in html and "Sheet steel 10 ga" in html and ">4<" in html
    assert 'data-field="employee"' not in html and 'data-field="hours"' not in html
    assert "audit-link" in html


def test_a_rejected_line_says_who_and_why_and_offers_no_reject(client, supervisor, other_supervisor):
    txn = TransactionFactory(status="rejected", decision_source="supervisor", reviewed_by=other_supervisor,
                             reviewed_at=timezone.now(), review_reason="Entered twice")
    client.force_login(supervisor)

    html = client.get(txn.get_absolute_url()).content.decode()

    assert "Rejected by Sam Second" in html and "Entered twice" in html
    assert 'data-key="reject"' not in html and 'data-key="approve"' in html


def test_an_exported_line_offers_no_decision(client, supervisor):
    txn = TransactionFactory(status="exported")
    client.force_login(supervisor)
    html = client.get(txn.get_absolute_url()).content.decode()
    assert 'data-key="approve"' not in html and 'data-key="reject"' not in html and "locked" in html
