"""The intake pages: devices, processing options, direct entry; and create_device."""
from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.log import history
from audit.models import AuditEntry
from intake.devices import register_device
from tests.factories import UserFactory
from transactions.models import Device, IntakeSettings, ProcessingOption, Transaction
from kernel.tokens import hash_token

pytestmark = pytest.mark.django_db


# --- devices ------------------------------------------------------------------------------------
def test_an_administrator_registers_a_device_and_sees_its_token_once(client, administrator):
    client.force_login(administrator)

    response = client.post(reverse("intake:device_add"), {"name": "Handheld 07"})

    assert response.status_code == 200
    token = response.context["token"]
    device = Device.objects.get(name="Handheld 07")
    assert device.token_hash == hash_token(token) and token not in device.token_hash
    assert device.token_prefix == token[:8] and device.created_by == administrator
    assert token.encode() in response.content and response["Cache-Control"] == "no-store"
    listing = client.get(reverse("intake:device_list"))
    assert b"Handheld 07" in listing.content and token.encode() not in listing.content
    [entry] = history(device)
    assert (entry.action, entry.actor) == ("registered", administrator)


def test_a_device_name_is_unique(client, administrator):
    register_device("Handheld 07")
    client.force_login(administrator)

    response = client.post(reverse("intake:device_add"), {"name": "Handheld 07"})

    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert Device.objects.count() == 1


def test_an_administrator_revokes_a_device_and_its_token_stops_working(client, administrator):
    device, token = register_device("Handheld 07")
    client.force_login(administrator)

    response = client.post(reverse("intake:device_revoke", args=[device.pk]))

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.revoked_at is not None
    assert history(device).first().action == "revoked"
    client.logout()
    assert client.get("/api/sync/v1/masterdata", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_the_device_list_shows_last_seen_and_last_push(client, administrator, mirror):
    device, token = register_device("Handheld 07")
    client.get("/api/sync/v1/masterdata", HTTP_AUTHORIZATION=f"Token {token}")
    client.force_login(administrator)

    response = client.get(reverse("intake:device_list"))

    device.refresh_from_db()
    row = response.context["table"].rows[0]
    assert row.get_cell("last_seen_at") != "never" and row.get_cell("last_push_at") == "never"
    assert device.last_seen_at is not None


def test_create_device_prints_only_the_token(db):
    out = StringIO()

    call_command("create_device", "Handheld 09", stdout=out)

    token = out.getvalue().strip()
    assert "\n" not in token and len(token) >= 40
    assert Device.objects.get(name="Handheld 09").token_hash == hash_token(token)


def test_create_device_refuses_a_name_in_use(db):
    register_device("Handheld 09")

    with pytest.raises(Exception, match="exists already"):
        call_command("create_device", "Handheld 09", stdout=StringIO())


# --- processing options ----------------------------------------------------------------------------
def test_an_administrator_sets_processing_options_and_the_shift_maximum(client, administrator):
    client.force_login(administrator)
    data = {f"mode_{t}": "review" for t in ("labor", "crew_labor", "material_issue", "completion", "misc_labor",
                                            "misc_material", "outside_processing")}
    data.update(mode_labor="automatic", mode_completion="ready", shift_max_hours="10", near_duplicate_minutes="5")

    response = client.post(reverse("intake:processingoption_edit"), data)

    assert response.status_code == 302
    assert dict(ProcessingOption.objects.values_list("type", "mode"))["labor"] == "automatic"
    assert ProcessingOption.objects.get(type="completion").mode == "ready"
    settings_row = IntakeSettings.load()
    assert (settings_row.shift_max_hours, settings_row.near_duplicate_minutes) == (Decimal("10"), 5)
    assert history(ProcessingOption.objects.get(type="labor")).get().changes == {"mode": ["review", "automatic"]}
    assert history(settings_row).get().changes["shift_max_hours"] == ["12.00", "10"]
    # Five types stay reviewed by hand, as they were without a row: no audit row says they changed.
    assert not history(ProcessingOption.objects.get(type="crew_labor")).exists()
    assert AuditEntry.objects.filter(action="changed").count() == 3  # labor, completion, the settings


def test_a_bad_shift_maximum_is_refused_with_the_field_named(client, administrator):
    client.force_login(administrator)

    response = client.post(reverse("intake:processingoption_edit"), {"shift_max_hours": "99"})

    assert response.status_code == 200
    assert "shift_max_hours" in response.context["form"].errors
    assert not ProcessingOption.objects.exists()


# --- direct entry ------------------------------------------------------------------------------------
@pytest.fixture
def desktop_user(db):
    return UserFactory(username="dee.desktop", roles=[Role.FLOOR_DESKTOP])


def test_a_desktop_user_stores_a_labor_line_through_the_intake_service(client, desktop_user, mirror):
    client.force_login(desktop_user)
    form = client.get(reverse("intake:direct_entry") + "?type=labor").context["form"]
    txn_id = form.initial["client_txn_id"]

    response = client.post(
        reverse("intake:direct_entry") + "?type=labor",
        {"client_txn_id": txn_id, "employee": "0000001", "work_order": "0001001", "step": "0010",
         "start": "07:00", "stop": "09:15"},
        follow=True,
    )

    txn = Transaction.objects.get()
    assert (txn.client_txn_id, txn.source, txn.entered_by, txn.device) == (txn_id, "user", desktop_user, None)
    assert txn.hours == Decimal("2.250") and timezone.localtime(txn.start).hour == 7
    assert txn.status == "needs_review"
    assert f"Stored labor line #{txn.pk}: needs review." in response.content.decode()
    assert history(txn).get().actor == desktop_user


def test_sending_the_same_form_twice_stores_it_once(client, supervisor, mirror):
    client.force_login(supervisor)
    data = {"client_txn_id": str(uuid.uuid4()), "collected_at": timezone.now().isoformat(),
            "employee": "0000001", "work_order": "0001001", "step": "0010", "hours": "1"}

    client.post(reverse("intake:direct_entry") + "?type=labor", data)
    client.post(reverse("intake:direct_entry") + "?type=labor", data)

    assert Transaction.objects.count() == 1


def test_a_form_sent_again_with_other_values_says_so_and_can_then_store_them_as_a_new_line(client, supervisor, mirror):
    client.force_login(supervisor)
    url = reverse("intake:direct_entry") + "?type=labor"
    data = {"client_txn_id": str(uuid.uuid4()), "collected_at": timezone.now().isoformat(),
            "employee": "0000001", "work_order": "0001001", "step": "0010", "hours": "1"}
    client.post(url, data)  # stored; the user goes Back, changes the step and the hours, sends again
    first = Transaction.objects.get()

    response = client.post(url, {**data, "step": "0020", "hours": "3"})

    page = response.content.decode()
    assert response.status_code == 409
    assert f"This form was already stored as line #{first.pk}, with other values; nothing was changed." in page
    form = response.context["form"]
    assert str(form["client_txn_id"].value()) != data["client_txn_id"] and form["step"].value() == "0020"
    first.refresh_from_db()
    assert (first.step, first.hours, Transaction.objects.count()) == ("0010", Decimal("1.000"), 1)

    resent = {name: form[name].value() for name in ("client_txn_id", "collected_at", "employee", "work_order",
                                                     "step", "hours")}
    client.post(url, resent)

    second = Transaction.objects.exclude(pk=first.pk).get()
    assert (second.step, second.hours) == ("0020", Decimal("3.000"))


def test_a_night_shift_entered_on_the_night_the_clocks_go_back_is_nine_hours(client, supervisor, mirror):
    client.force_login(supervisor)

    client.post(reverse("intake:direct_entry") + "?type=labor", {
        "client_txn_id": str(uuid.uuid4()), "collected_at": timezone.now().isoformat(),
        "employee": "0000001", "work_order": "0001001", "step": "0010",
        "start": "2026-10-31 22:00", "stop": "2026-11-01 06:00",
    })

    assert Transaction.objects.get().hours == Decimal("9.000")


def test_a_form_line_that_cannot_be_a_transaction_names_the_field(client, supervisor, mirror):
    client.force_login(supervisor)

    response = client.post(
        reverse("intake:direct_entry") + "?type=labor",
        {"client_txn_id": str(uuid.uuid4()), "employee": "0000001", "work_order": "0001001", "step": "0010",
         "hours": "lots"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["hours"] == ["Must be a number."]
    assert not Transaction.objects.exists()


def test_the_check_as_you_type_returns_the_mirrors_findings(client, supervisor, mirror):
    client.force_login(supervisor)

    response = client.get(reverse("intake:direct_entry_check"),
                          {"type": "labor", "employee": "0000001", "work_order": "0009999", "hours": "x"})

    data = response.json()
    assert data["errors"] == {"hours": "Must be a number."}
    assert [f["code"] for f in data["findings"]] == ["unknown_work_order"]
    assert data["findings"][0]["message"] == "Work order 0009999 is not in MAS."
    assert not Transaction.objects.exists()


def test_a_desktop_user_lands_on_direct_entry(client, desktop_user):
    client.force_login(desktop_user)

    assert client.get("/")["Location"] == reverse("intake:direct_entry")


def test_the_device_list_filters_by_state_and_says_which_are_revoked(client, administrator):
    from intake.devices import revoke_device

    register_device("Handheld 01")
    revoke_device(register_device("Handheld 02")[0])
    client.force_login(administrator)

    revoked = client.get(reverse("intake:device_list"), {"state": "revoked"})
    active = client.get(reverse("intake:device_list"), {"state": "active"})

    assert [row.record.name for row in revoked.context["table"].rows] == ["Handheld 02"]
    assert [row.record.name for row in active.context["table"].rows] == ["Handheld 01"]
    assert b"Revoked " in revoked.content and b">Active<" in active.content


def test_the_device_list_costs_a_few_queries_for_many_devices(client, administrator, django_assert_max_num_queries):
    for n in range(40):
        register_device(f"Handheld {n:02d}")
    client.force_login(administrator)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("intake:device_list"))

    assert len(response.context["table"].page.object_list) == 40


def test_a_night_shift_typed_as_times_only_started_the_day_before(client, supervisor, mirror):
    client.force_login(supervisor)

    client.post(reverse("intake:direct_entry") + "?type=labor", {
        "client_txn_id": str(uuid.uuid4()), "employee": "0000001", "work_order": "0001001", "step": "0010",
        "start": "22:00", "stop": "06:00",
    })

    txn = Transaction.objects.get()
    assert txn.hours == Decimal("8.000")
    assert timezone.localtime(txn.start).date() == timezone.localdate() - timedelta(days=1)
    assert not txn.findings.filter(code="stop_before_start").exists()


def test_keys_typed_without_their_leading_zeros_are_the_mirrors_keys(client, desktop_user, mirror):
    """A person types "1001" for work order 0001001, as the correction form and the queue's
    filters read it; the check as you type and the stored line agree."""
    client.force_login(desktop_user)
    typed = {"employee": "1", "work_order": "1001", "step": "10", "hours": "2"}

    check = client.get(reverse("intake:direct_entry_check"), {"type": "labor", **typed}).json()
    form = client.get(reverse("intake:direct_entry") + "?type=labor").context["form"]
    client.post(reverse("intake:direct_entry") + "?type=labor",
                {"client_txn_id": form.initial["client_txn_id"], **typed})

    assert check == {"errors": {}, "findings": []}
    txn = Transaction.objects.get()
    assert (txn.employee, txn.work_order, txn.step, txn.status) == ("0000001", "0001001", "0010", "needs_review")
    assert not txn.findings.exists()


def test_a_start_that_is_not_a_time_is_explained_as_the_form_asks_for_it(client, desktop_user, mirror):
    """The boxes say "HH:MM or YYYY-MM-DD HH:MM": so do their errors, as you type and on storing
    (the device API's ISO 8601 wording is for machines)."""
    client.force_login(desktop_user)
    typed = {"employee": "0000001", "work_order": "0001001", "step": "0010", "start": "7.30", "stop": "09:00"}

    check = client.get(reverse("intake:direct_entry_check"), {"type": "labor", **typed}).json()
    form = client.get(reverse("intake:direct_entry") + "?type=labor").context["form"]
    response = client.post(reverse("intake:direct_entry") + "?type=labor",
                           {"client_txn_id": form.initial["client_txn_id"], **typed})

    assert check["errors"] == {"start": "Type a time as HH:MM (today), or a date and time as YYYY-MM-DD HH:MM."}
    assert response.status_code == 400
    assert response.context["form"].errors["start"] == [check["errors"]["start"]]
    assert "ISO 8601" not in response.content.decode()
    assert not Transaction.objects.exists()


def test_the_stored_message_lists_several_findings_as_sentences(client, desktop_user, mirror):
    client.force_login(desktop_user)
    form = client.get(reverse("intake:direct_entry") + "?type=labor").context["form"]

    response = client.post(reverse("intake:direct_entry") + "?type=labor", {
        "client_txn_id": form.initial["client_txn_id"], "employee": "0009999", "work_order": "0009999",
        "step": "0010", "hours": "1"}, follow=True)

    txn = Transaction.objects.get()
    said = [str(m) for m in response.context["messages"]]
    assert said == [f"Stored labor line #{txn.pk}: flagged. "
                    + " ".join(f.message for f in txn.findings.all())]
    assert txn.findings.count() == 2 and ".;" not in said[0]


def test_the_check_as_you_type_reads_a_night_shift_as_storing_does(client, supervisor, mirror):
    """22:00 to 06:00 typed after the shift is a night shift when stored (8 hours): the check as you
    type says the same, not "stop is before start"."""
    client.force_login(supervisor)

    check = client.get(reverse("intake:direct_entry_check"), {
        "type": "labor", "employee": "0000001", "work_order": "0001001", "step": "0010",
        "start": "22:00", "stop": "06:00"}).json()

    assert check == {"errors": {}, "findings": []}
