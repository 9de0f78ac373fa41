"""Reversal of an exported line (issue 14 item 7): the service and the page."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEntry
from batches.models import BatchLine, BatchStatus, ExportBatch
from reviews import reversal
from tests.factories import PASSWORD, TransactionFactory
from transactions.models import Transaction

pytestmark = pytest.mark.django_db
_batches = iter(range(1, 1000))


def in_batch(txn, status=BatchStatus.POSTED):
    """Put an exported line in a live batch of ``status`` (the batch's own moves are tested in batches)."""
    batch = ExportBatch.objects.create(number=next(_batches), status=status)
    BatchLine.objects.create(batch=batch, transaction=txn, line_no=1, type=txn.type, hours=txn.hours)
    return txn


def posted(**fields):
    return in_batch(TransactionFactory(status="exported", **fields))


def audit(txn, action):
    return AuditEntry.objects.filter(object_id=str(txn.pk), action=action)


def test_the_batch_states_it_names_are_the_batches_own():
    assert reversal.POSTED == BatchStatus.POSTED
    assert set(reversal.NOT_YET) | {reversal.POSTED} >= {s for s in BatchStatus.values if s not in ("reexported", "voided")}


@pytest.mark.parametrize("hours, parts", [
    ("19.5", ["-8", "-8", "-3.5"]), ("16", ["-8", "-8"]), ("8", ["-8"]), ("2.25", ["-2.25"]), ("8.001", ["-8", "-0.001"]),
])
def test_hours_are_reversed_in_lines_of_at_most_8(hours, parts):
    assert reversal.hour_parts(Decimal(hours)) == [Decimal(p) for p in parts]


def test_it_reverses_a_long_labor_line_in_8_hour_lines_linked_to_it(supervisor):
    original = posted(hours=Decimal("19.500"), qty_completed=Decimal(4), step_complete=True)

    outcome = reversal.reverse(original, by=supervisor, reason="Wrong employee")

    assert outcome.ok
    lines = Transaction.objects.filter(reverses=original).order_by("pk")
    assert [line.hours for line in lines] == [Decimal(-8), Decimal(-8), Decimal("-3.5")]
    assert [line.qty_completed for line in lines] == [Decimal(-4), None, None]
    assert all(line.status in ("needs_review", "flagged") and line.step_complete is None for line in lines)
    assert all(line.start is None and line.stop is None and line.entered_by == supervisor for line in lines)
    assert {(line.work_order, line.step, line.employee) for line in lines} == {(original.work_order, "0010", original.employee)}
    assert not any(f.code in ("non_positive_hours", "near_duplicate", "reversal_not_negative")
                   for line in lines for f in line.findings.all())
    original.refresh_from_db()
    assert original.status == "exported" and original.version == 2
    row = audit(original, "reversed").get()
    assert row.actor == supervisor and row.reason == "Wrong employee"
    assert row.changes == {"reversed_by": [None, ", ".join(f"#{line.pk}" for line in lines)]}
    for line in lines:
        arrival = audit(line, "collected").get()
        assert arrival.changes["reverses"] in ([None, original.pk], [None, str(original.pk)]) and "Wrong employee" in arrival.reason


def test_it_reverses_a_material_issue_and_a_completion_with_negative_quantities(supervisor):
    issue = posted(type="material_issue", step="", employee="", hours=None, item_code="PKG-FOAM-CRN",
                   warehouse="000", quantity=Decimal("12.5"), lot_serial="L-7")
    done = posted(type="completion", step="", employee="", hours=None, qty_completed=Decimal(3),
                  qty_scrapped=Decimal(1), warehouse="000", close_order=True)

    assert reversal.reverse(issue, by=supervisor, reason="Returned to stock").ok
    assert reversal.reverse(done, by=supervisor, reason="Counted twice").ok

    (back,) = issue.reversals.all()
    assert (back.quantity, back.item_code, back.warehouse, back.lot_serial, back.hours) == (
        Decimal("-12.5"), "PKG-FOAM-CRN", "000", "L-7", None)
    (undone,) = done.reversals.all()
    assert (undone.qty_completed, undone.qty_scrapped, undone.close_order) == (Decimal(-3), Decimal(-1), None)


def test_a_line_is_reversed_once(supervisor):
    original = posted(hours=Decimal(2))
    first = reversal.reverse(original, by=supervisor, reason="Wrong step")
    original.refresh_from_db()

    again = reversal.reverse(original, by=supervisor, reason="Pressed twice")

    assert not again.ok and again.already and [line.pk for line in again.lines] == [first.lines[0].pk]
    assert "already reversed" in again.summary(original.pk)
    assert original.reversals.count() == 1 and audit(original, "reversed").count() == 1


@pytest.mark.parametrize("status", ["writing", "exported", "imported", "deleted_in_mas"])
def test_only_a_line_mas_has_posted_is_reversed(supervisor, status):
    original = in_batch(TransactionFactory(status="exported"), status)

    outcome = reversal.reverse(original, by=supervisor, reason="Too early")

    assert not outcome.ok and outcome.refused.startswith("Not yet")
    assert not original.reversals.exists() and not audit(original, "reversed").exists()


@pytest.mark.parametrize("status", ["needs_review", "flagged", "approved", "rejected"])
def test_a_line_not_exported_is_not_reversed(supervisor, status):
    outcome = reversal.reverse(TransactionFactory(status=status), by=supervisor, reason="x")
    assert not outcome.ok and "correct or reject" in outcome.refused


def test_a_reversal_and_a_negative_line_are_not_reversed_again(supervisor):
    original = posted()
    (line,) = reversal.reverse(original, by=supervisor, reason="x").lines
    Transaction.objects.filter(pk=line.pk).update(status="exported")  # as if it went to MAS
    line = in_batch(Transaction.objects.get(pk=line.pk))
    assert "not reversed again" in reversal.reverse(line, by=supervisor, reason="y").refused
    negative = posted(qty_completed=Decimal(-2), hours=Decimal(-1))
    assert "already takes values out" in reversal.reverse(negative, by=supervisor, reason="z").refused


def test_a_reason_is_required(supervisor):
    original = posted()
    assert not reversal.reverse(original, by=supervisor, reason="  ").ok
    assert not original.reversals.exists()


@pytest.mark.parametrize("persona", ["accountant", "administrator", "floor_desktop", "outsider"])
def test_only_supervisors_reverse(request, persona):
    original = posted()
    with pytest.raises(PermissionDenied):
        reversal.reverse(original, by=request.getfixturevalue(persona), reason="x")
    assert not original.reversals.exists()


def test_a_correction_that_makes_a_reversal_positive_is_an_error(supervisor):
    from transactions import validation

    original = posted(hours=Decimal(3))
    (line,) = reversal.reverse(original, by=supervisor, reason="x").lines
    line.hours = Decimal(3)
    assert "reversal_not_negative" in {f.code for f in validation.check(line)}


# --- through the page --------------------------------------------------------------------
def test_a_supervisor_reverses_from_the_line_page_through_the_confirmation(client, supervisor):
    original = posted(hours=Decimal(10))
    client.login(username=supervisor.username, password=PASSWORD)
    detail = client.get(original.get_absolute_url()).content.decode()
    assert 'data-testid="reverse"' in detail

    confirm = client.post(reverse("reviews:transaction_reverse", args=[original.pk]))
    assert confirm.status_code == 200 and b"2 reversing lines will be made" in confirm.content
    assert not original.reversals.exists()  # the confirmation writes nothing

    missing = client.post(reverse("reviews:transaction_reverse", args=[original.pk]), {"_apply": "1", "reason": ""})
    assert missing.status_code == 400 and not original.reversals.exists()

    done = client.post(reverse("reviews:transaction_reverse", args=[original.pk]),
                       {"_apply": "1", "reason": "Clocked on the wrong order"}, follow=True)
    lines = list(original.reversals.order_by("pk"))
    assert [line.hours for line in lines] == [Decimal(-8), Decimal(-2)]
    page = done.content.decode()
    assert f"Reversed line #{original.pk}" in page and 'data-testid="reversed-by"' in page
    reversal_page = client.get(lines[0].get_absolute_url()).content.decode()
    assert 'data-testid="reverses"' in reversal_page and f"line #{original.pk}" in reversal_page

    again = client.post(reverse("reviews:transaction_reverse", args=[original.pk]),
                        {"_apply": "1", "reason": "again"}, follow=True)
    assert "already reversed" in again.content.decode() and original.reversals.count() == 2


def test_the_page_says_why_a_line_cannot_be_reversed_yet(client, supervisor):
    original = in_batch(TransactionFactory(status="exported"), BatchStatus.IMPORTED)
    client.login(username=supervisor.username, password=PASSWORD)
    page = client.get(original.get_absolute_url()).content.decode()
    assert 'data-testid="reverse-refused"' in page and "not posted yet" in page
    confirm = client.get(reverse("reviews:transaction_reverse", args=[original.pk]))
    assert b'data-testid="refused"' in confirm.content


def test_an_accountant_sees_the_link_but_no_reverse(client, supervisor, accountant):
    original = posted()
    reversal.reverse(original, by=supervisor, reason="x")
    client.login(username=accountant.username, password=PASSWORD)
    page = client.get(original.get_absolute_url()).content.decode()
    assert 'data-testid="reversed-by"' in page and 'data-testid="reverse"' not in page
    assert client.post(reverse("reviews:transaction_reverse", args=[original.pk]),
                       {"_apply": "1", "reason": "x"}).status_code == 403
