"""The state of a working plant, built through the portal's own services and APIs.

``build_plant(company, export_dir)`` starts from an empty portal database and a fresh copy of
the demo MAS company, and does what a plant does in its first weeks:

- a superuser (``createsuperuser``) adds the people of every role on the Users services, grants
  one supervisor the right to approve over errors, sets one password, and deactivates a leaver;
- the administrator pulls MAS (every table, so the incremental ones have ``since`` set), MAS
  loses a work order and a crew, the next pull marks them inactive, one table is pulled alone,
  and one pull fails because MAS cannot be reached;
- devices are registered (one revoked), processing options set (completions automatic);
- handhelds push through the SyncServices API lines that raise every finding the validation
  knows (the codes are read from ``transactions/validation.py``, so a new check without a line here
  fails the test that asks), a retry, a conflict and an invalid line; a Floor desktop enters
  lines through the same intake service;
- supervisors correct lines, approve (one over an error, with a reason), reject, and undo a
  rejection;
- batches are exported and go through the whole life WOScan Sync and MAS give them: imported
  (the demo importer plus the importer API's acknowledgement), posted, refused by the importer,
  deleted in MAS and re-exported, deleted in MAS and voided (then its old files imported into
  MAS again: a discrepancy), deleted in MAS and left for the accountant, and exported by the
  schedule;
- importer tokens are made with the command (one revoked).

Nothing is written to the database by hand where a service exists. The root conftest's
``plant`` fixture builds it once per module (rolled back after). The crawl of every page
(``tests/woscan_portal/test_every_page.py``) runs on this state; any test may.
Picks in the mirror go through the mirror models (never the demo's MAS column names), so the
plant follows the demo company however its layouts change.
"""
from __future__ import annotations

import io
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, TestCase, override_settings
from django.utils import timezone

from accounts import services as accounts
from accounts.roles import Role
from batches import services as batch_services
from batches import writer
from batches.models import BatchStatus, ExportBatch, ImporterClient
from batches.reconcile import reconcile
from batches.tasks import export_automatic
from intake.devices import register_device, revoke_device
from intake.services import collect
from mas import models as mirror
from demo.company import change_company
from demo.importer import delete_batch, import_batch, import_from_folder
from demo.journal import post_batch
from reviews import services as reviews
from syncconfig.models import AutoSyncTable, PullRun, PullTrigger, ServerConfig
from transactions.models import Device, IntakeSettings, ProcessingMode, Transaction, TransactionStatus, TransactionType
from transactions.options import save_processing_options
from afterpull.followups import execute as execute_pull
from afterpull.followups import pull_now
from syncconfig.pull_run import request_pull

PASSWORD = "plant-floor-password-2026"
VALIDATION_SOURCE = Path(__file__).resolve().parent.parent / "transactions" / "validation.py"
User = get_user_model()


# Raised only on a reversal line, which the portal makes from an exported, posted line and which is
# never collected: tests/reviews/test_reversal.py raises it, not a collected line of the plant.
ONLY_ON_REVERSALS = {"reversal_not_negative"}


def finding_codes(*, collected: bool = True) -> set[str]:
    """Every finding code the validation can raise (on a collected line), read from its source."""
    codes = set(re.findall(r'add\(\s*(?:ERROR|WARNING),\s*"([a-z_]+)"', VALIDATION_SOURCE.read_text()))
    return codes - ONLY_ON_REVERSALS if collected else codes


@dataclass
class Plant:
    company: Path
    export_dir: Path
    users: dict[str, object] = field(default_factory=dict)  # a name per person -> user
    devices: dict[str, Device] = field(default_factory=dict)
    device_tokens: dict[str, str] = field(default_factory=dict)
    importer_tokens: dict[str, str] = field(default_factory=dict)  # "live" / "revoked" -> token
    lines: dict[str, int] = field(default_factory=dict)  # what a line is for -> its id
    batches: dict[str, int] = field(default_factory=dict)  # what a batch went through -> its number
    work_orders: dict[str, int] = field(default_factory=dict)  # kind -> mirror pk
    items: dict[str, int] = field(default_factory=dict)
    employees: dict[str, int] = field(default_factory=dict)
    runs: dict[str, int] = field(default_factory=dict)  # kind of pull run -> pk

    def batch(self, name: str) -> ExportBatch:
        return ExportBatch.objects.get(number=self.batches[name])


# --- small helpers ------------------------------------------------------------------------------
def _committed(fn, *args, **kwargs):
    """Call a service and run what it leaves for after the commit, as production does (the plant
    is built inside a transaction that the tests roll back)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(*args, **kwargs)


def _first(queryset, what: str):
    found = queryset.first()
    if found is None:
        raise LookupError(f"The demo company has no {what}: the plant cannot be built as a plant has it.")
    return found


def _delete_in_mas(company: Path, table_name: str, value: str) -> None:
    """Delete one row in MAS, as a MAS user would, by the key the table's mapping names."""
    table = AutoSyncTable.objects.get(name=table_name)
    (column,) = table.key_columns.values()
    assert change_company(company, f"DELETE FROM {table.mas_table} WHERE TRIM({column}) = ?", value) == 1


def _iso(moment) -> str:
    return timezone.localtime(moment).isoformat()


# --- the build ------------------------------------------------------------------------------------
def build_plant(company: Path, export_dir: Path) -> Plant:
    plant = Plant(company=company, export_dir=export_dir)
    with override_settings(WOSCAN_EXPORT_DIR=export_dir):
        _people(plant)
        _pulls(plant)
        _devices_and_options(plant)
        _pushes(plant)
        _direct_entry(plant)
        _decisions(plant)
        _batches(plant)
        _importer_tokens(plant)
    return plant


def _people(plant: Plant) -> None:
    root = User.objects.create_superuser("root", "root@plant.example", PASSWORD)
    ada = accounts.create_user(by=root, username="ada", password=PASSWORD, roles=[Role.ADMINISTRATOR],
                               first_name="Ada", last_name="Admin", email="ada@plant.example")
    made = {"root": root, "ada": ada}
    for username, roles, first, last in (
        ("sue", [Role.SUPERVISOR], "Sue", "Supervisor"),
        ("lee", [Role.SUPERVISOR], "Lee", "Lead"),
        ("al", [Role.ACCOUNTANT], "Al", "Accountant"),
        ("flo", [Role.FLOOR_DESKTOP], "Flo", "Floor"),
        ("ivy", [Role.SUPERVISOR, Role.ACCOUNTANT], "Ivy", "Both"),
        ("otto", [], "Otto", "Norole"),
        ("lou", [Role.SUPERVISOR], "Lou", "Leaver"),
    ):
        made[username] = accounts.create_user(
            by=ada, username=username, password=PASSWORD, roles=roles, first_name=first, last_name=last
        )
    accounts.update_user(made["lou"], by=ada, roles=[Role.SUPERVISOR], is_active=False)
    accounts.set_password(made["al"], PASSWORD + "-new", by=ada)
    call_command("approve_over_error", "--grant", "lee", "--reason", "lead hand", stdout=io.StringIO())
    made["lee"] = User.objects.get(pk=made["lee"].pk)  # permissions are cached per instance
    plant.users = made


def _pulls(plant: Plant) -> None:
    ada = plant.users["ada"]
    ServerConfig.objects.update_or_create(pk=1, defaults={"time_between_syncs": 0})  # no pauses in tests
    first = pull_now(trigger=PullTrigger.COMMAND)
    assert first.status == "succeeded", first.error
    assert AutoSyncTable.objects.filter(mode="incremental", since__isnull=False).exists()
    plant.runs["first"] = first.pk

    # MAS loses a work order and a crew; Pull now (by the administrator) marks them inactive.
    gone_order = _first(mirror.WorkOrder.objects.filter(status="O", on_hold=False).order_by("-number"), "open order")
    gone_crew = _first(mirror.Crew.objects.order_by("-number"), "labor crew")
    _delete_in_mas(plant.company, "work_orders", gone_order.number)
    _delete_in_mas(plant.company, "crews", gone_crew.number)
    run = request_pull(trigger=PullTrigger.MANUAL, by=ada, enqueue=False)
    second = execute_pull(run.pk)
    assert second.status == "succeeded", second.error
    plant.runs["manual"] = second.pk
    one = request_pull(trigger=PullTrigger.MANUAL, by=ada, table=AutoSyncTable.objects.get(name="items"), enqueue=False)
    plant.runs["one_table"] = execute_pull(one.pk).pk
    with override_settings(WOSCAN_MAS_ODBC="Driver={No Such MAS Driver};Database=nowhere"):
        failed = pull_now(trigger=PullTrigger.SCHEDULE)
    assert failed.status == "failed"
    plant.runs["failed"] = failed.pk

    open_orders = mirror.WorkOrder.objects.filter(active=True, status="O", on_hold=False)
    plant.work_orders = {
        "open": _first(open_orders.exclude(number=gone_order.number), "open order").pk,
        "closed": _first(mirror.WorkOrder.objects.filter(active=True, status="C"), "closed order").pk,
        "on_hold": _first(mirror.WorkOrder.objects.filter(active=True, on_hold=True), "order on hold").pk,
        "gone": mirror.WorkOrder.objects.get(number=gone_order.number, active=False).pk,
    }
    plant.items = {
        "active": _first(mirror.Item.objects.filter(active=True, mas_inactive=False), "active item").pk,
        "inactive": _first(mirror.Item.objects.filter(active=True, mas_inactive=True), "item marked inactive").pk,
    }
    plant.employees = {
        "active": _first(mirror.Employee.objects.filter(active=True, mas_inactive=False), "active employee").pk,
        "inactive": _first(mirror.Employee.objects.filter(active=True, mas_inactive=True), "inactive employee").pk,
    }


def _devices_and_options(plant: Plant) -> None:
    ada = plant.users["ada"]
    for name in ("Handheld 01", "Handheld 02", "Old handheld"):
        plant.devices[name], plant.device_tokens[name] = register_device(name, by=ada)
    revoke_device(plant.devices["Old handheld"], by=ada, reason="Lost on the floor")
    modes = {t.value: ProcessingMode.REVIEW_BY_HAND for t in TransactionType}
    modes[TransactionType.COMPLETION] = ProcessingMode.AUTOMATIC
    current = IntakeSettings.load()
    save_processing_options(
        modes, {"shift_max_hours": current.shift_max_hours, "near_duplicate_minutes": current.near_duplicate_minutes},
        by=ada,
    )


class _Mirror:
    """The mirror rows the pushed lines name, picked by what they are."""

    def __init__(self, plant: Plant):
        self.order = mirror.WorkOrder.objects.get(pk=plant.work_orders["open"])
        steps = mirror.WorkOrderStep.objects.filter(work_order=self.order.number, active=True, step_complete=False)
        self.steps = [s.step for s in steps.order_by("step")[:2]]
        assert self.steps, f"work order {self.order.number} has no open step"
        self.closed = mirror.WorkOrder.objects.get(pk=plant.work_orders["closed"]).number
        self.on_hold = mirror.WorkOrder.objects.get(pk=plant.work_orders["on_hold"]).number
        self.gone = mirror.WorkOrder.objects.get(pk=plant.work_orders["gone"]).number
        done = mirror.WorkOrderStep.objects.filter(
            active=True, step_complete=True,
            work_order__in=mirror.WorkOrder.objects.filter(active=True, status="O", on_hold=False).values("number"),
        )
        self.complete_step = _first(done, "completed step on an open order")
        self.employee = mirror.Employee.objects.get(pk=plant.employees["active"]).number
        others = mirror.Employee.objects.filter(active=True, mas_inactive=False).exclude(number=self.employee)
        self.employee2 = _first(others, "second active employee").number
        self.inactive_employee = mirror.Employee.objects.get(pk=plant.employees["inactive"]).number
        self.crew = _first(mirror.Crew.objects.filter(active=True), "active crew").number
        self.gone_crew = _first(mirror.Crew.objects.filter(active=False), "crew gone from MAS").number
        material = _first(
            mirror.MaterialLine.objects.filter(
                work_order__in=mirror.WorkOrder.objects.filter(active=True, status="O", on_hold=False).values("number"),
                active=True, item_code__in=mirror.Item.objects.filter(active=True, mas_inactive=False).values("code"),
            ),
            "material line of an open order",
        )
        self.material = material
        on_list = mirror.MaterialLine.objects.filter(work_order=material.work_order).values("item_code")
        self.off_list_item = _first(
            mirror.Item.objects.filter(active=True, mas_inactive=False).exclude(code__in=on_list), "item off a list"
        ).code
        self.inactive_item = mirror.Item.objects.get(pk=plant.items["inactive"]).code
        self.warehouse = material.warehouse or _first(mirror.Warehouse.objects.filter(active=True), "warehouse").code


def _pushes(plant: Plant) -> None:
    m = _Mirror(plant)
    now = timezone.now().replace(second=0, microsecond=0)
    wo, step = m.order.number, m.steps[0]

    def line(kind: str, minutes_ago: int, **fields) -> dict:
        row = {"client_txn_id": str(uuid.uuid4()), "type": kind, "collected_at": _iso(now - timedelta(minutes=minutes_ago))}
        row.update(fields)
        return row

    def labor(minutes_ago: int, **fields) -> dict:
        return line("labor", minutes_ago, **{"work_order": wo, "step": step, "employee": m.employee, "hours": 1.5,
                                             **fields})

    start = now - timedelta(hours=30)
    same = labor(600, hours=2.25, comment="Same line twice")
    named = {
        # clean lines, for decisions and export
        **{f"clean_{i}": labor(3000 + i * 10, hours=1 + i / 4, employee=m.employee2, comment=f"Shift {i}")
           for i in range(12)},
        "clean_crew": line("crew_labor", 2900, work_order=wo, step=step, crew=m.crew, hours=3),
        "clean_material": line("material_issue", 2890, work_order=m.material.work_order, item_code=m.material.item_code,
                               warehouse=m.warehouse, quantity=1, lot_serial="LOT-7"),
        "clean_misc": line("misc_labor", 2880, work_order=wo, step=step, amount=42.5, comment="Rework"),
        "clean_outside": line("outside_processing", 2870, work_order=wo, step=step, amount=120, comment="Plating"),
        "clean_misc_material": line("misc_material", 2860, work_order=wo, step=step, amount=7.25),
        "auto_completion": line("completion", 2850, work_order=wo, qty_completed=1, comment="=SUM(A1:A9)"),
        # one line per finding
        "unknown_work_order": labor(500, work_order="9999999"),
        "gone_work_order": labor(495, work_order=m.gone),
        "closed_work_order": labor(490, work_order=m.closed),
        "work_order_on_hold": labor(485, work_order=m.on_hold),
        "unknown_step": labor(480, step="9990"),
        "unknown_step_left": labor(478, step="9991", hours=0.5),
        "step_already_complete": labor(475, work_order=m.complete_step.work_order, step=m.complete_step.step),
        "unknown_employee": labor(470, employee="0999999"),
        "inactive_employee": labor(465, employee=m.inactive_employee),
        "unknown_crew": line("crew_labor", 460, work_order=wo, step=step, crew="ZZ99", hours=1),
        "inactive_crew": line("crew_labor", 455, work_order=wo, step=step, crew=m.gone_crew, hours=1),
        "unknown_item": line("material_issue", 450, work_order=wo, item_code="NO-SUCH-ITEM", warehouse=m.warehouse,
                             quantity=1),
        "inactive_item": line("material_issue", 445, work_order=wo, item_code=m.inactive_item, warehouse=m.warehouse,
                              quantity=1),
        "item_not_on_material_list": line("material_issue", 440, work_order=m.material.work_order,
                                          item_code=m.off_list_item, warehouse=m.warehouse, quantity=1),
        "unknown_warehouse": line("material_issue", 435, work_order=m.material.work_order,
                                  item_code=m.material.item_code, warehouse="ZZZ", quantity=1),
        "stop_before_start": labor(430, hours=None, start=_iso(start + timedelta(hours=2)), stop=_iso(start)),
        "non_positive_hours": labor(425, hours=0),
        "hours_disagree_with_times": labor(420, hours=5, start=_iso(start + timedelta(hours=3)),
                                           stop=_iso(start + timedelta(hours=5))),
        "over_shift_maximum": labor(415, hours=14),
        "overlapping_labor": labor(410, hours=None, start=_iso(start + timedelta(hours=10)),
                                   stop=_iso(start + timedelta(hours=12))),
        "overlapping_labor_2": labor(405, hours=None, start=_iso(start + timedelta(hours=11)),
                                     stop=_iso(start + timedelta(hours=13))),
        "quantity_over_remaining": line("completion", 400, work_order=wo,
                                        qty_completed=float(m.order.qty_remaining) + 100),
        "field_not_used": line("material_issue", 395, work_order=m.material.work_order,
                               item_code=m.material.item_code, warehouse=m.warehouse, quantity=1,
                               employee=m.employee, comment="+scanned the badge too"),
        "nothing_to_post": line("material_issue", 390, work_order=m.material.work_order,
                                item_code=m.material.item_code, warehouse=m.warehouse, quantity=0),
        "collected_in_future": labor(-120),
        "near_duplicate": same,
        "near_duplicate_2": {**same, "client_txn_id": str(uuid.uuid4()),
                             "collected_at": _iso(now - timedelta(minutes=597))},
        "reversal": labor(380, hours=-1.5, qty_completed=-2, comment="Reversal of a wrong line"),
    }
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Token {plant.device_tokens['Handheld 01']}"}
    rows = list(named.values())
    extras = [
        {"client_txn_id": str(uuid.uuid4()), "type": "labor"},  # invalid: not stored
        {"client_txn_id": str(uuid.uuid4()), "type": "teleport", "collected_at": _iso(now)},
    ]
    for start_at in range(0, len(rows), 20):
        chunk = rows[start_at:start_at + 20]
        body = {"transactions": chunk + (extras if start_at == 0 else [])}
        response = client.post("/api/sync/v1/transactions", json.dumps(body), content_type="application/json", **auth)
        assert response.status_code == 200, response.content
        results = {r["client_txn_id"]: r for r in response.json()["results"]}
        for name, row in named.items():
            if row["client_txn_id"] in results:
                result = results[row["client_txn_id"]]
                assert result["status"] == "accepted", (name, result)
                plant.lines[name] = result["id"]
    # A retry (same content: duplicate) and a reused id with other content (conflict).
    retry = {"transactions": [named["clean_0"], {**named["clean_1"], "hours": 9}]}
    answer = client.post("/api/sync/v1/transactions", json.dumps(retry), content_type="application/json", **auth)
    assert [r["status"] for r in answer.json()["results"]] == ["duplicate", "conflict"]
    # The second handheld pulls master data and pushes a line of its own.
    other = {"HTTP_AUTHORIZATION": f"Token {plant.device_tokens['Handheld 02']}"}
    assert client.get("/api/sync/v1/masterdata", **other).status_code == 200
    body = {"transactions": [labor(200, employee=m.employee2, hours=0.75, comment="From the second handheld")]}
    answer = client.post("/api/sync/v1/transactions", json.dumps(body), content_type="application/json", **other)
    plant.lines["second_handheld"] = answer.json()["results"][0]["id"]

    raised = set(
        Transaction.objects.filter(pk__in=plant.lines.values()).values_list("findings__code", flat=True)
    ) - {None}
    missing = finding_codes() - raised
    assert not missing, f"no line in the plant raises {sorted(missing)}"


def _direct_entry(plant: Plant) -> None:
    m = _Mirror(plant)
    flo = plant.users["flo"]
    now = timezone.now().replace(second=0, microsecond=0)
    rows = [
        {"client_txn_id": str(uuid.uuid4()), "type": "labor", "collected_at": _iso(now - timedelta(minutes=90)),
         "work_order": m.order.number, "step": m.steps[-1], "employee": m.employee, "hours": "2.5"},
        {"client_txn_id": str(uuid.uuid4()), "type": "completion", "collected_at": _iso(now - timedelta(minutes=80)),
         "work_order": m.order.number, "qty_completed": "0"},
    ]
    results = collect(rows, user=flo)
    assert [r.status for r in results] == ["accepted", "accepted"], [r.errors for r in results]
    plant.lines["desktop_labor"], plant.lines["desktop_completion"] = (r.id for r in results)


def _txns(plant: Plant, *names: str) -> list[Transaction]:
    return list(Transaction.objects.filter(pk__in=[plant.lines[n] for n in names]))


def _decisions(plant: Plant) -> None:
    sue, lee = plant.users["sue"], plant.users["lee"]
    m = _Mirror(plant)
    # Corrections: one that clears the finding, one that leaves the line flagged.
    fixed = Transaction.objects.get(pk=plant.lines["unknown_step"])
    assert _committed(reviews.edit, fixed, by=sue, changes={"step": m.steps[0]}, expected_version=fixed.version,
                      reason="Scanned the wrong traveler").ok
    still = Transaction.objects.get(pk=plant.lines["over_shift_maximum"])
    assert _committed(reviews.edit, still, by=sue, changes={"hours": Decimal("13")}, expected_version=still.version,
                      reason="Two shifts, keyed as one").ok
    clean = [f"clean_{i}" for i in range(12)]
    other_types = ["clean_crew", "clean_material", "clean_misc", "clean_outside", "clean_misc_material"]
    outcome = _committed(reviews.approve, _txns(plant, *clean, *other_types, "unknown_step", "reversal"), by=sue)
    assert not outcome.skipped_count, outcome.summary()
    # Over an error, by the lead hand, with a reason.
    assert _committed(reviews.approve, _txns(plant, "closed_work_order"), by=lee,
                      reason="MAS reopens it today").done
    assert _committed(reviews.reject, _txns(plant, "unknown_work_order", "near_duplicate_2", "non_positive_hours"),
                      by=sue, reason="Not a real line").done
    # A rejection undone.
    assert _committed(reviews.approve, _txns(plant, "non_positive_hours"), by=lee,
                      reason="It was a real line after all").done


def _ack(client: Client, token: str, number: int, **body) -> dict:
    response = client.post(f"/api/importer/v1/batches/{number}/ack", json.dumps(body),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200, response.content
    return response.json()


def _export(plant: Plant, *names: str) -> ExportBatch:
    ids = [plant.lines[n] for n in names]
    outcome = _committed(batch_services.export_transactions, ids, by=plant.users["sue"])
    outcome.batch.refresh_from_db()
    assert outcome.batch.status == BatchStatus.EXPORTED, outcome.batch.status
    return outcome.batch


def _import(plant: Plant, client: Client, token: str, batch: ExportBatch) -> None:
    """WOScan Sync imports the batch into Transaction Entry and tells the portal so."""
    assert import_from_folder(plant.company, plant.export_dir, batch.number).status == "imported"
    _ack(client, token, batch.number, result="imported")


def _batches(plant: Plant) -> None:
    al = plant.users["al"]
    client = Client()
    sync_abc = _make_importer_token("WOScan Sync ABC")
    plant.importer_tokens["live"] = sync_abc

    posted = _export(plant, "clean_0", "clean_1", "clean_crew", "clean_material")
    _import(plant, client, sync_abc, posted)
    post_batch(plant.company, posted.number)
    reexported = _export(plant, "clean_2", "clean_3", "clean_misc")
    _import(plant, client, sync_abc, reexported)
    voided = _export(plant, "clean_4", "clean_5")
    _import(plant, client, sync_abc, voided)
    waiting = _export(plant, "clean_6", "clean_7", "clean_outside")
    _import(plant, client, sync_abc, waiting)
    refused = _export(plant, "clean_8", "clean_misc_material")
    _ack(client, sync_abc, refused.number, result="refused", reason="Work order is locked by another user in MAS")
    for batch in (reexported, voided, waiting):
        delete_batch(plant.company, batch.number)
    reconcile()
    for batch, status in ((posted, BatchStatus.POSTED), (reexported, BatchStatus.DELETED_IN_MAS),
                          (voided, BatchStatus.DELETED_IN_MAS), (waiting, BatchStatus.DELETED_IN_MAS)):
        batch.refresh_from_db()
        assert batch.status == status, (batch, batch.status)
    new = _committed(batch_services.reexport, reexported.pk, by=al, reason="Deleted by mistake in MAS")
    _committed(batch_services.void, voided.pk, by=al, reason="Entered by hand in MAS instead")
    # Someone imports the voided batch's old files into MAS again: MAS holds a voided batch.
    retired = plant.export_dir / writer.RETIRED_DIR
    stem = retired / voided.file_stem
    assert import_batch(plant.company, stem.with_suffix(".csv").read_bytes(),
                        stem.with_suffix(".ctl").read_bytes()).status == "imported"
    _import(plant, client, sync_abc, new)
    # The schedule exports what the automatic processing option approved.
    _committed(export_automatic)
    automatic = ExportBatch.objects.filter(actor_label=batch_services.SCHEDULE_LABEL).get()
    # A pull: the reconciliation after it finds the rest as MAS has it.
    pull_now(trigger=PullTrigger.SCHEDULE)
    plant.batches = {
        "posted": posted.number, "reexported": reexported.number, "voided": voided.number,
        "deleted_in_mas": waiting.number, "refused": refused.number, "imported": new.number,
        "automatic": automatic.number,
    }
    voided.refresh_from_db()
    assert voided.discrepancies, "MAS holding a voided batch is a discrepancy"
    assert plant.batch("imported").status == BatchStatus.IMPORTED
    assert plant.batch("automatic").status == BatchStatus.EXPORTED
    # Voided lines are back in review; one is rejected, one approved again and left to send.
    back = list(Transaction.objects.filter(batch_lines__batch=voided).order_by("pk"))
    assert {t.status for t in back} == {TransactionStatus.NEEDS_REVIEW}
    _committed(reviews.reject, back[:1], by=plant.users["sue"], reason="Entered in MAS by hand")
    _committed(reviews.approve, back[1:], by=plant.users["sue"])


def _make_importer_token(name: str) -> str:
    out = io.StringIO()
    call_command("create_importer_token", name, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def _importer_tokens(plant: Plant) -> None:
    plant.importer_tokens["revoked"] = _make_importer_token("WOScan Sync old server")
    call_command("create_importer_token", "WOScan Sync old server", "--revoke", stdout=io.StringIO())
    assert ImporterClient.objects.filter(revoked_at__isnull=False).count() == 1


def line_ids_by_status() -> dict[str, int]:
    """One line of each state the plant holds (its lowest id)."""
    found = {}
    for status, pk in Transaction.objects.order_by("pk").values_list("status", "pk"):
        found.setdefault(status, pk)
    return found


__all__ = ["PASSWORD", "Plant", "build_plant", "finding_codes", "line_ids_by_status", "PullRun"]
