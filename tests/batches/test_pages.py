"""The accountant's batch pages and the supervisor's Send to MAS."""
from __future__ import annotations

from decimal import Decimal

import pytest

from audit.models import AuditEntry
from batches.models import BatchStatus, ExportBatch
from transactions.models import Transaction
from tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db


def test_send_to_mas_shows_the_lines_and_totals_by_type_before_anything_is_sent(client, supervisor, approved):
    client.force_login(supervisor)

    page = client.get("/batches/send/").content.decode()

    assert "4</strong> approved lines will be written" in page
    assert "Material issue" in page and "Completion" in page and "3.75" in page and "19.5" in page
    assert ExportBatch.objects.count() == 0


def test_send_to_mas_lists_the_lines_numbers_as_the_batch_page_does(client, supervisor, approved):
    """2.500 hours read 2.5 and 4.0000 completed 4, as on the batch's page once sent."""
    client.force_login(supervisor)

    response = client.get("/batches/send/")

    rows = response.content.decode().split('data-testid="send-lines"')[1]
    assert '<td class="text-end">2.5</td>' in rows and '<td class="text-end">4</td>' in rows
    assert '<td class="text-end">12.5</td>' in rows
    assert "2.500" not in rows and "4.0000" not in rows and "12.5000" not in rows


def test_confirming_sends_the_lines_as_one_batch(client, supervisor, approved, on_commit, export_dir):
    client.force_login(supervisor)
    fingerprint = client.get("/batches/send/").context["selection"].fingerprint

    response = on_commit(client.post, "/batches/send/", {"fingerprint": fingerprint})

    batch = ExportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/batches/{batch.number}/"
    assert batch.created_by == supervisor and batch.lines == 4
    assert (export_dir / "WOS000001.ctl").exists()
    assert set(Transaction.objects.values_list("status", flat=True)) == {"exported"}


def test_send_can_be_limited_to_picked_lines(client, supervisor, approved, on_commit):
    client.force_login(supervisor)
    picked = [approved[0].pk, approved[2].pk]
    fingerprint = client.get("/batches/send/", {"pk": picked}).context["selection"].fingerprint

    on_commit(client.post, "/batches/send/", {"fingerprint": fingerprint, "pk": picked})

    assert ExportBatch.objects.get().lines == 2
    assert Transaction.objects.filter(status="approved").count() == 2


def test_lines_approved_meanwhile_make_the_supervisor_look_again(client, supervisor, approved, on_commit):
    client.force_login(supervisor)
    fingerprint = client.get("/batches/send/").context["selection"].fingerprint
    TransactionFactory(status="approved")

    response = on_commit(client.post, "/batches/send/", {"fingerprint": fingerprint})

    assert response.status_code == 200 and "changed since you looked" in response.content.decode()
    assert "5</strong> approved lines" in response.content.decode()
    assert ExportBatch.objects.count() == 0


def test_send_with_the_export_share_gone_shows_an_error_and_sends_nothing(
    client, supervisor, approved, unreachable_share
):
    client.force_login(supervisor)
    picked = [approved[0].pk, approved[2].pk]
    fingerprint = client.get("/batches/send/", {"pk": picked}).context["selection"].fingerprint

    response = client.post("/batches/send/", {"fingerprint": fingerprint, "pk": picked})

    assert response.status_code == 302
    assert response["Location"] == f"/batches/send/?pk={picked[0]}&pk={picked[1]}"
    page = client.get(response["Location"])
    errors = [str(m) for m in page.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1 and str(unreachable_share) in errors[0] and "nothing was sent" in errors[0]
    assert not ExportBatch.objects.exists()
    assert set(Transaction.objects.values_list("status", flat=True)) == {"approved"}


def test_the_list_shows_status_counts_totals_and_who_exported(client, accountant, exported, django_assert_max_num_queries):
    client.force_login(accountant)

    with django_assert_max_num_queries(12):
        page = client.get("/batches/all/").content.decode()

    assert "000001" in page and "Exported" in page and "3.75" in page and "19.5" in page and "schedule" in page


def test_the_list_exports_csv_and_xlsx(client, accountant, exported):
    client.force_login(accountant)

    as_csv = client.get("/batches/all/", {"_export": "csv"})
    as_xlsx = client.get("/batches/all/", {"_export": "xlsx"})

    assert as_csv["Content-Disposition"].endswith('batches.csv"')
    assert "000001,Exported,4,3.75,19.5," in as_csv.content.decode()
    assert as_xlsx.content[:2] == b"PK"


def test_the_list_filters_by_status_and_number(client, accountant, exported):
    ExportBatch.objects.create(number=2, status=BatchStatus.POSTED)
    client.force_login(accountant)

    posted = client.get("/batches/all/", {"status": "posted"}).context["table"]
    by_number = client.get("/batches/all/", {"q": "000001"}).context["table"]

    assert [r.record.number for r in posted.rows] == [2]
    assert [r.record.number for r in by_number.rows] == [1]


def test_the_list_filters_batches_with_discrepancies(client, accountant, exported):
    ExportBatch.objects.create(number=2, status=BatchStatus.IMPORTED, discrepancies=["Transaction Entry holds 3 lines."])
    client.force_login(accountant)

    flagged = client.get("/batches/all/", {"discrepancies": "yes"}).context["table"]
    clean = client.get("/batches/all/", {"discrepancies": "no"}).context["table"]

    assert [r.record.number for r in flagged.rows] == [2]
    assert [r.record.number for r in clean.rows] == [1]


def test_the_detail_shows_totals_by_type_lines_and_history(client, accountant, exported, django_assert_max_num_queries):
    client.force_login(accountant)

    with django_assert_max_num_queries(15):
        response = client.get("/batches/1/")

    page = response.content.decode()
    totals = {row["type"]: row for row in response.context["totals"]}
    assert totals["Labor"]["lines"] == 2 and str(totals["Labor"]["hours"]) == "3.750"
    assert str(totals["Material issue"]["quantity"]) == "12.5000"
    assert "WOS000001.csv" in page and "written" in page
    assert "Re-export" not in page  # only from deleted in MAS


def test_the_lines_page_exports_the_batchs_lines(client, accountant, exported):
    client.force_login(accountant)

    response = client.get("/batches/1/lines/", {"_export": "csv"})

    rows = response.content.decode().splitlines()
    assert response["Content-Disposition"].endswith('WOS000001-lines.csv"') and len(rows) == 5


def test_the_printable_page_lists_every_line(client, accountant, exported):
    client.force_login(accountant)

    page = client.get("/batches/1/print/").content.decode()

    assert page.count("<tr><td>") == 4 + 3  # four lines, and the totals of their three types


def test_an_accountant_re_exports_a_batch_deleted_in_mas_with_a_reason(client, accountant, exported, on_commit):
    ExportBatch.objects.filter(pk=exported.pk).update(status=BatchStatus.DELETED_IN_MAS)
    client.force_login(accountant)
    assert "Re-export" in client.get("/batches/1/").content.decode()

    missing = client.post("/batches/1/reexport/", {"reason": "  "})
    response = on_commit(client.post, "/batches/1/reexport/", {"reason": "Deleted by mistake"})

    assert missing.status_code == 200 and "reason" in missing.context["form"].errors
    assert response.status_code == 302 and response["Location"] == "/batches/2/"
    assert ExportBatch.objects.get(number=2).status == BatchStatus.EXPORTED
    assert ExportBatch.objects.get(number=1).status == BatchStatus.REEXPORTED
    entry = AuditEntry.objects.get(action="reexported", object_id=str(exported.pk), content_type__model="exportbatch")
    assert entry.actor == accountant and entry.reason == "Deleted by mistake"


def test_a_re_export_with_the_export_share_gone_changes_nothing_and_says_why(
    client, accountant, exported, unreachable_share
):
    ExportBatch.objects.filter(pk=exported.pk).update(status=BatchStatus.DELETED_IN_MAS)
    client.force_login(accountant)

    response = client.post("/batches/1/reexport/", {"reason": "Deleted by mistake"}, follow=True)

    assert response.redirect_chain == [("/batches/1/", 302)]
    assert str(unreachable_share) in response.content.decode()
    assert list(ExportBatch.objects.values_list("number", "status")) == [(1, BatchStatus.DELETED_IN_MAS)]
    assert not AuditEntry.objects.filter(action="reexported").exists()


def test_an_accountant_voids_a_batch_deleted_in_mas(client, accountant, exported):
    ExportBatch.objects.filter(pk=exported.pk).update(status=BatchStatus.DELETED_IN_MAS)
    client.force_login(accountant)

    response = client.post("/batches/1/void/", {"reason": "Keyed by hand in MAS"})

    assert response.status_code == 302
    assert ExportBatch.objects.get(number=1).status == BatchStatus.VOIDED
    assert set(Transaction.objects.values_list("status", flat=True)) == {"needs_review"}


def test_a_batch_still_in_mas_cannot_be_voided_from_the_page(client, accountant, exported):
    client.force_login(accountant)

    page = client.get("/batches/1/void/").content.decode()
    response = client.post("/batches/1/void/", {"reason": "try"}, follow=True)

    assert "Only a batch deleted in MAS" in page
    assert "only a batch deleted in MAS can be voided" in response.content.decode()
    assert ExportBatch.objects.get(number=1).status == BatchStatus.EXPORTED


def test_the_dashboard_links_send_to_mas_for_supervisors_only(client, supervisor, accountant, exported):
    client.force_login(supervisor)
    assert "Send to MAS" in client.get("/batches/").content.decode()
    client.force_login(accountant)
    page = client.get("/batches/").content.decode()
    assert "Send to MAS" not in page and "/batches/1/" in page


def test_the_dashboards_latest_batches_show_their_totals_plainly(client, accountant, exported):
    """Hours 3.75 and quantity 19.5, as the list of all batches shows them (not 3.750, 19.5000)."""
    client.force_login(accountant)

    page = client.get("/batches/").content.decode()

    assert (exported.total_hours, exported.total_quantity) == (Decimal("3.750"), Decimal("19.5000"))
    assert '<td class="text-end">3.75</td><td class="text-end">19.5</td>' in page


def test_the_batch_history_names_who_wrote_the_files_in_words(client, accountant, exported):
    """The history reads "Export folder · Files written" (not a bare "export", which read like a
    broken label beside "MAS reconciliation" and "WOScan Sync")."""
    client.force_login(accountant)

    page = client.get("/batches/1/").content.decode()

    written = AuditEntry.objects.get(action="written")
    assert written.actor is None and written.actor_label == "Export folder"
    assert "Export folder · <strong>Files written</strong>" in page
