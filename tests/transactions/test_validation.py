"""Validation against the mirror: every error and warning of issue 4, in a supervisor's words."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import (
    CrewFactory, EmployeeFactory, ItemFactory, TransactionFactory, WarehouseFactory, WorkOrderFactory,
    WorkOrderStepFactory,
)
from transactions import validation
from transactions.models import Finding, IntakeSettings

pytestmark = pytest.mark.django_db
D = Decimal


def at(hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(2026, 11, 25, hour, minute))


def line(**fields):
    """An unsaved clean labor line on the ``mirror`` fixture's order."""
    values = {"work_order": "0001001", "step": "0010", "employee": "0000001", "hours": D("2"),
              "collected_at": at(15), "status": "needs_review"}
    values.update(fields)
    return TransactionFactory.build(**values)


def codes(txn) -> dict[str, tuple[str, str, str]]:
    return {f.code: (f.severity, f.field, f.message) for f in validation.check(txn)}


def test_a_clean_line_has_no_findings(mirror):
    assert validation.check(line()) == []


# --- errors ----------------------------------------------------------------------------------------
def test_an_unknown_work_order_is_an_error(mirror):
    assert codes(line(work_order="0001045"))["unknown_work_order"] == (
        "error", "work_order", "Work order 0001045 is not in MAS."
    )


def test_a_work_order_gone_from_mas_is_an_error(mirror):
    WorkOrderFactory(number="0001046", active=False)

    assert codes(line(work_order="0001046"))["unknown_work_order"][2] == "Work order 0001046 is no longer in MAS."


def test_a_closed_work_order_is_an_error(mirror):
    WorkOrderFactory(number="0001045", status="C")

    assert codes(line(work_order="0001045"))["closed_work_order"] == (
        "error", "work_order", "Work order 0001045 is closed in MAS."
    )


def test_a_step_not_on_the_order_is_an_error(mirror):
    assert codes(line(step="0090"))["unknown_step"] == ("error", "step", "Step 0090 is not on work order 0001001.")


def test_an_unknown_employee_is_an_error(mirror):
    assert codes(line(employee="0000999"))["unknown_employee"] == (
        "error", "employee", "Employee 0000999 is not in MAS."
    )


def test_an_inactive_employee_is_an_error(mirror):
    EmployeeFactory(number="0000002", first_name="Old", last_name="Timer", mas_inactive=True)

    assert codes(line(employee="0000002"))["inactive_employee"] == (
        "error", "employee", "Employee 0000002 (Old Timer) is inactive in MAS."
    )


def test_an_unknown_crew_is_an_error(mirror):
    txn = line(type="crew_labor", employee="", crew="C999")

    assert codes(txn)["unknown_crew"] == ("error", "crew", "Crew C999 is not in MAS.")


def test_an_inactive_crew_is_an_error(mirror):
    CrewFactory(number="C002", active=False)
    txn = line(type="crew_labor", employee="", crew="C002")

    assert codes(txn)["inactive_crew"] == ("error", "crew", "Crew C002 is no longer active in MAS.")


def test_an_unknown_item_is_an_error(mirror):
    txn = line(type="material_issue", step="", employee="", hours=None, item_code="NOPE-1", warehouse="000",
               quantity=D("1"))

    assert codes(txn)["unknown_item"] == ("error", "item_code", "Item NOPE-1 is not in MAS.")


def test_an_unknown_warehouse_is_an_error(mirror):
    txn = line(type="material_issue", step="", employee="", hours=None, item_code="PART-0001", warehouse="999",
               quantity=D("1"))

    assert codes(txn)["unknown_warehouse"] == ("error", "warehouse", "Warehouse 999 is not in MAS.")


def test_a_stop_before_the_start_is_an_error(mirror):
    txn = line(start=at(9), stop=at(7, 30), hours=D("-1.5"))

    found = codes(txn)

    assert found["stop_before_start"][:2] == ("error", "stop")
    assert "Stop time 2026-11-25 07:30 is before start time 2026-11-25 09:00" in found["stop_before_start"][2]
    assert "non_positive_hours" not in found


@pytest.mark.parametrize("hours", [D("0"), D("-2")])
def test_hours_of_zero_or_less_are_an_error_unless_the_line_is_a_reversal(mirror, hours):
    assert codes(line(hours=hours))["non_positive_hours"][:2] == ("error", "hours")
    assert "non_positive_hours" not in codes(line(hours=hours, qty_completed=D("-5")))


# --- warnings --------------------------------------------------------------------------------------
def test_a_work_order_on_hold_is_a_warning(mirror):
    WorkOrderFactory(number="0001050", on_hold=True)
    WorkOrderStepFactory(work_order="0001050", step="0010")

    assert codes(line(work_order="0001050"))["work_order_on_hold"] == (
        "warning", "work_order", "Work order 0001050 is on hold in MAS."
    )


def test_a_step_already_complete_is_a_warning(mirror):
    WorkOrderStepFactory(work_order="0001001", step="0030", step_complete=True)

    assert codes(line(step="0030"))["step_already_complete"] == (
        "warning", "step", "Step 0030 of work order 0001001 is already marked complete in MAS."
    )


def test_an_item_not_on_the_material_list_is_a_warning(mirror):
    ItemFactory(code="PART-0099")
    txn = line(type="material_issue", step="", employee="", hours=None, item_code="PART-0099", warehouse="000",
               quantity=D("1"))

    assert codes(txn)["item_not_on_material_list"] == (
        "warning", "item_code", "Item PART-0099 is not on the material list of work order 0001001."
    )


def test_hours_over_the_configured_shift_maximum_are_a_warning(mirror):
    settings_row = IntakeSettings.load()
    settings_row.shift_max_hours = D("10")
    settings_row.save()

    assert "over_shift_maximum" not in codes(line(hours=D("10")))
    assert codes(line(hours=D("10.5")))["over_shift_maximum"] == (
        "warning", "hours", "10.5 hours is more than the shift maximum of 10 hours."
    )


def test_labor_overlapping_another_line_of_the_same_employee_is_a_warning(mirror):
    stored = TransactionFactory(start=at(7), stop=at(11), hours=D("4"), collected_at=at(11))
    TransactionFactory(start=at(8), stop=at(9), hours=D("1"), status="rejected")  # a rejected line does not count

    found = codes(line(start=at(10), stop=at(12), hours=D("2")))
    apart = codes(line(start=at(11), stop=at(12), hours=D("1")))

    assert found["overlapping_labor"][:2] == ("warning", "start")
    assert f"line #{stored.pk}" in found["overlapping_labor"][2] and "0000001" in found["overlapping_labor"][2]
    assert "overlapping_labor" not in apart


def test_two_overlapping_lines_checked_together_both_say_so(mirror):
    first, second = line(start=at(7), stop=at(9)), line(start=at(8), stop=at(10))

    results = validation.check_many([first, second])

    assert ["overlapping_labor" in {f.code for f in found} for found in results] == [True, True]


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"type": "completion", "step": "", "employee": "", "hours": None, "qty_completed": D("95"),
          "qty_scrapped": D("10")}, "qty_completed"),
        ({"qty_completed": D("150")}, "qty_completed"),
        ({"type": "material_issue", "step": "", "employee": "", "hours": None, "item_code": "PART-0001",
          "warehouse": "000", "quantity": D("11")}, "quantity"),
    ],
)
def test_a_quantity_past_what_the_order_still_needs_is_a_warning(mirror, fields, field):
    found = codes(line(**fields))

    assert found["quantity_over_remaining"][:2] == ("warning", field)
    assert "still needs" in found["quantity_over_remaining"][2]


def test_sent_hours_that_disagree_with_the_start_and_stop_are_a_warning(mirror):
    found = codes(line(hours=D("8"), start=at(7), stop=at(11, 30)))

    assert found["hours_disagree_with_times"][:2] == ("warning", "hours")
    assert "8 hours were sent, but 2026-11-25 07:00 to 11:30 is 4.5 hours" in found["hours_disagree_with_times"][2]
    assert "hours_disagree_with_times" not in codes(line(hours=D("4.55"), start=at(7), stop=at(11, 30)))


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"type": "material_issue", "step": "", "employee": "", "hours": None, "item_code": "PART-0001",
          "warehouse": "000", "quantity": D("0")}, "quantity"),
        ({"type": "completion", "step": "", "employee": "", "hours": None, "qty_completed": D("0"),
          "qty_scrapped": None}, "qty_completed"),
    ],
)
def test_a_line_that_moves_nothing_is_a_warning(mirror, fields, field):
    found = codes(line(**fields))

    assert found["nothing_to_post"][:2] == ("warning", field)
    assert "nothing_to_post" not in codes(line(**{**fields, field: D("1")}))


def test_a_near_identical_line_from_the_same_person_within_minutes_is_a_warning(mirror):
    earlier = TransactionFactory(collected_at=at(15) - timedelta(minutes=3), hours=D("2"))

    found = codes(line())
    other_person = codes(line(employee="0000002"))
    much_later = codes(line(collected_at=at(15, 30)))

    assert found["near_duplicate"] == (
        "warning", "", f"Looks like a repeat: an identical line (line #{earlier.pk}) from the same employee "
                       "was collected 3 minutes apart."
    )
    assert "near_duplicate" not in other_person
    assert "near_duplicate" not in much_later


def test_replace_findings_replaces_the_saved_findings(mirror):
    txn = TransactionFactory(work_order="0001045")
    Finding.objects.create(transaction=txn, severity="warning", code="stale", message="Old finding")

    validation.replace_findings([txn])

    assert list(txn.findings.values_list("code", flat=True)) == ["unknown_work_order"]


def test_checking_many_lines_reads_the_mirror_in_a_few_queries(mirror, django_assert_max_num_queries):
    WarehouseFactory(code="001")
    lines = [
        line(hours=D(1 + i % 5), employee=f"{i:07d}", collected_at=at(6) + timedelta(minutes=i)) for i in range(300)
    ]

    with django_assert_max_num_queries(12):
        results = validation.check_many(lines)

    assert len(results) == 300


def test_the_overlap_check_reads_the_employees_recent_labor_lines_from_their_index(mirror):
    """At 2,000,000 lines the overlap check of a push read the whole table (525 ms a push on SQLite):
    the employee's keyed index holds years of lines, and start/stop were tested on each row. The
    labor lines' (employee, stop) index reads only those ending after the new lines start."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    TransactionFactory(start=at(7), stop=at(11), hours=D("4"), collected_at=at(11))
    for n in range(1, 150):  # the employee's history, and other employees' and types' lines
        back = timedelta(days=n)
        TransactionFactory(start=at(7) - back, stop=at(8) - back, collected_at=at(8) - back)
        TransactionFactory(employee=f"{100 + n:07d}", start=at(7) - back, stop=at(8) - back)
        TransactionFactory(type="material_issue", employee="", hours=None, item_code="SCREW", quantity=D(1))
    with CaptureQueriesContext(connection) as captured:
        found = codes(line(start=at(10), stop=at(12), hours=D("2")))
    assert "overlapping_labor" in found
    [sql] = [q["sql"] for q in captured if '"stop" >' in q["sql"]]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # the statistics of the benchmark's 2,000,000 lines
            cursor.execute("ANALYZE")
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'reviews_transaction'")
            for index, stat in {"reviews_txn_employee_queue": "2000000 13334 1 1",
                                "reviews_txn_employee_state": "2000000 13334 2685 1 1 1 1 1",
                                "reviews_txn_labor_peers": "600000 4000 1"}.items():
                cursor.execute("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('reviews_transaction', %s, %s)",
                               [index, stat])
            cursor.execute("ANALYZE sqlite_schema")  # reload the statistics
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        else:
            cursor.execute("ANALYZE reviews_transaction")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "reviews_txn_labor_peers" in plan, plan
    assert "ORDER BY" not in sql  # the peers are read unsorted (the queue's order sorted them all)
