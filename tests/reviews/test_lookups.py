"""The correction form's suggestions (reviews:lookup) and the names beside the keys in the queue's rows."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    CrewFactory, EmployeeFactory, ItemFactory, TransactionFactory, WorkOrderFactory, WorkOrderStepFactory,
)

pytestmark = pytest.mark.django_db
LIST = reverse("reviews:transaction_list")


def lookup(client, kind, **params):
    return client.get(reverse("reviews:lookup", kwargs={"kind": kind}), params)


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


@pytest.fixture
def mirror(db):
    """A few rows of each kind, some of them ones a correction should not pick."""
    for code, description, inactive in (("BOLT-10", "Hex bolt M10", False), ("BOLT-12", "Hex bolt M12", False),
                                        ("BOLT-08", "Hex bolt M8, old", True), ("NUT-10", "Hex nut for bolt M10", False),
                                        ("PLATE-3", "Steel plate 3 mm", False)):
        ItemFactory(code=code, description=description, mas_inactive=inactive)
    WorkOrderFactory(number="0001001", item_description="Welded cart frame")
    WorkOrderFactory(number="0001002", item_description="Guard rail assembly")
    WorkOrderFactory(number="0001003", item_description="Welded bench", status="C")
    for step, description in (("0010", "Cut tube"), ("0020", "Weld frame"), ("0030", "Powder coat")):
        WorkOrderStepFactory(work_order="0001001", step=step, description=description)
    WorkOrderStepFactory(work_order="0001002", step="0010", description="Weld rails")
    EmployeeFactory(number="0000042", first_name="Thomas", last_name="Moreno")
    EmployeeFactory(number="0000043", first_name="Tomasz", last_name="Morenowski", mas_inactive=True)
    EmployeeFactory(number="0000420", first_name="Rosa", last_name="Diaz")
    CrewFactory(number="C001", description="Weld crew, first shift")
    CrewFactory(number="C002", description="Paint crew")


def test_it_suggests_items_by_the_beginning_of_the_code_or_part_of_the_name(client, supervisor, mirror):
    client.force_login(supervisor)

    by_code = lookup(client, "item", q="bolt")
    by_name = lookup(client, "item", q="nut fo")

    # Rows to pick first, in code order: the code's beginning, then the names; the inactive one last.
    assert codes(by_code) == ["BOLT-10", "BOLT-12", "NUT-10", "BOLT-08"]
    assert by_code.json()["results"][0] == {"code": "BOLT-10", "name": "Hex bolt M10", "usable": True, "note": ""}
    assert by_code.json()["results"][-1]["note"] == "inactive in MAS"
    assert codes(by_name) == ["NUT-10"]
    ItemFactory(code="BOLT-09", description="Hex bolt M9", active=False)  # MAS no longer has it
    assert [(r["code"], r["note"]) for r in lookup(client, "item", q="bolt-0").json()["results"]] == [
        ("BOLT-08", "inactive in MAS"), ("BOLT-09", "gone from MAS")]


def test_it_suggests_work_orders_by_the_item_they_make_closed_ones_last(client, supervisor, mirror):
    client.force_login(supervisor)

    found = lookup(client, "work_order", q="welded")

    assert codes(found) == ["0001001", "0001003"]
    assert [(r["usable"], r["note"]) for r in found.json()["results"]] == [(True, ""), (False, "closed")]
    assert codes(lookup(client, "work_order", q="1002")) == ["0001002"]  # a number as a person types it
    assert codes(lookup(client, "work_order", q="00010")) == ["0001001", "0001002", "0001003"]


def test_it_suggests_only_the_steps_of_the_chosen_work_order(client, supervisor, mirror):
    client.force_login(supervisor)

    weld = lookup(client, "step", q="weld", work_order="1001")
    every = lookup(client, "step", q="00", work_order="0001001")

    assert codes(weld) == ["0020"]
    assert weld.json()["results"][0]["name"] == "Weld frame"
    assert codes(every) == ["0010", "0020", "0030"]
    assert codes(lookup(client, "step", q="weld", work_order="0001002")) == ["0010"]
    assert codes(lookup(client, "step", q="weld", work_order="9999999")) == []


def test_it_suggests_employees_by_number_or_name_inactive_ones_last(client, supervisor, mirror):
    client.force_login(supervisor)

    by_name = lookup(client, "employee", q="moreno")
    by_number = lookup(client, "employee", q="42")
    whole_name = lookup(client, "employee", q="thomas mor")

    assert codes(by_name) == ["0000042", "0000043"]
    assert by_name.json()["results"][0]["name"] == "Thomas Moreno"
    assert by_name.json()["results"][1] == {"code": "0000043", "name": "Tomasz Morenowski", "usable": False,
                                            "note": "inactive in MAS"}
    assert codes(by_number) == ["0000042"]  # "42" is employee 0000042 (0000420 does not begin with it)
    assert codes(whole_name) == ["0000042"]


def test_it_suggests_crews_by_number_or_description(client, supervisor, mirror):
    client.force_login(supervisor)

    assert codes(lookup(client, "crew", q="weld")) == ["C001"]
    assert codes(lookup(client, "crew", q="c")) == ["C001", "C002"]


def test_it_answers_at_most_twenty_rows_to_pick_first(client, supervisor):
    for n in range(30):
        ItemFactory(code=f"PIN-{n:02d}", description="Dowel pin", mas_inactive=n < 5)
    client.force_login(supervisor)

    found = lookup(client, "item", q="pin")

    assert codes(found) == [f"PIN-{n:02d}" for n in range(5, 25)]
    assert all(row["usable"] for row in found.json()["results"])


def test_nothing_typed_is_no_suggestion(client, supervisor, mirror):
    client.force_login(supervisor)

    assert lookup(client, "item").json() == {"kind": "item", "q": "", "results": [], "complete": True}
    assert codes(lookup(client, "step", q="  ")) == []


def test_a_name_search_out_of_time_answers_the_codes_and_says_more_may_match(client, supervisor, mirror,
                                                                             monkeypatch):
    from mas import names

    client.force_login(supervisor)
    assert lookup(client, "item", q="bolt").json()["complete"] is True
    monkeypatch.setattr(names, "NAME_BUDGET", 0)  # a mirror so large that "contains" runs out of time

    found = lookup(client, "item", q="bolt")

    assert codes(found) == ["BOLT-10", "BOLT-12", "BOLT-08"]  # the codes' beginnings, read from the index
    assert found.json()["complete"] is False


def test_text_of_any_script_is_looked_up(client, supervisor, mirror):
    ItemFactory(code="GASKET-1", description="Joint d\u2019étanchéité \U0001f527")
    client.force_login(supervisor)

    assert codes(lookup(client, "item", q="\u00e9tanch")) == ["GASKET-1"]
    assert codes(lookup(client, "item", q="\U0001f527")) == []  # one character: codes only
    assert codes(lookup(client, "employee", q="\u2028\u00a0")) == []


@pytest.mark.parametrize("kind,params,named", [
    ("warehouse", {"q": "0"}, "kind"),
    ("item", {"q": "x" * 61}, "q"),
    ("item", {"q": "bolt\x00"}, "q"),
    ("employee", {"q": "tab\there"}, "q"),
    ("step", {"q": "10"}, "work_order"),
    ("step", {"q": "10", "work_order": "12345678"}, "work_order"),
])
def test_a_bad_kind_or_parameter_is_a_json_400_naming_it(client, supervisor, mirror, kind, params, named):
    client.force_login(supervisor)

    response = lookup(client, kind, **params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"].startswith(f"{named}:")


def test_text_that_looks_like_a_pattern_is_taken_as_typed(client, supervisor, mirror):
    ItemFactory(code="50%_OFF", description="100% cotton rag")
    client.force_login(supervisor)

    assert codes(lookup(client, "item", q="50%")) == ["50%_OFF"]
    assert codes(lookup(client, "item", q="__")) == []  # not "any two characters"
    assert codes(lookup(client, "item", q="%%")) == []
    assert codes(lookup(client, "item", q="0% c")) == ["50%_OFF"]


@pytest.mark.parametrize("who", ["accountant", "administrator", "outsider"])
def test_who_may_not_correct_lines_gets_a_json_403(client, request, mirror, who):
    client.force_login(request.getfixturevalue(who))

    response = lookup(client, "item", q="bolt")

    assert response.status_code == 403
    assert "You may not use this page" in response.json()["error"]


def test_anyone_signed_out_is_sent_to_sign_in(client, mirror):
    response = lookup(client, "item", q="bolt")

    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_the_edit_form_marks_the_fields_that_suggest(client, supervisor, mirror):
    txn = TransactionFactory(work_order="0001001", step="0010", employee="0000042")
    client.force_login(supervisor)

    html = client.get(reverse("reviews:transaction_edit", args=[txn.pk])).content.decode()

    assert f'data-lookup="{reverse("reviews:lookup", kwargs={"kind": "work_order"})}"' in html
    assert 'data-lookup="/review/lookups/step/" data-lookup-work-order="#id_work_order"' in html
    assert 'data-lookup="/review/lookups/employee/"' in html
    assert "reviews/lookups.js" in html


# --- the names beside the keys in the queue's rows ---------------------------------------------------
def row_of(html: str, pk: int) -> str:
    start = html.index(f'>{pk}</a>')
    return html[start:html.index("</tr>", start)]


def test_a_crew_line_shows_the_crews_name_and_the_work_orders_and_steps(client, supervisor, mirror):
    crew_line = TransactionFactory(type="crew_labor", employee="", crew="C001", work_order="0001001", step="0020")
    labor = TransactionFactory(employee="0000042", work_order="0001002", step="0010")
    client.force_login(supervisor)

    html = client.get(LIST).content.decode()

    crew_row, labor_row = row_of(html, crew_line.pk), row_of(html, labor.pk)
    assert 'crew C001 <span class="key-name small text-muted" title="Weld crew, first shift">Weld crew, first shift</span>' in crew_row
    assert 'title="Welded cart frame">Welded cart frame</span>' in crew_row
    assert '0020 <span class="key-name small text-muted" title="Weld frame">Weld frame</span>' in crew_row
    assert 'title="Thomas Moreno"' in labor_row and 'title="Guard rail assembly"' in labor_row
    assert 'title="Weld rails"' in labor_row  # the step of that line's work order, not 0001001's step 0010


def test_the_queue_reads_the_names_once_per_page_whatever_its_rows(client, supervisor):
    def fill(start, count):
        for n in range(start, start + count):
            wo = WorkOrderFactory(number=f"{2000 + n:07d}", item_description=f"Cart {n}").number
            WorkOrderStepFactory(work_order=wo, step="0010", description=f"Weld {n}")
            CrewFactory(number=f"K{n:03d}", description=f"Crew {n}")
            EmployeeFactory(number=f"{500 + n:07d}", first_name="Pat", last_name=f"Worker{n}")
            if n % 2:
                TransactionFactory(type="crew_labor", employee="", crew=f"K{n:03d}", work_order=wo, step="0010")
            else:
                TransactionFactory(employee=f"{500 + n:07d}", work_order=wo, step="0010")

    def queries() -> tuple[int, str]:
        client.get(LIST)  # the session and the permission caches warmed alike for both sizes
        with CaptureQueriesContext(connection) as captured:
            html = client.get(LIST).content.decode()
        return len(captured.captured_queries), html

    client.force_login(supervisor)
    fill(0, 3)
    few, html = queries()
    assert html.count('class="key-name') == 3 * 3
    fill(3, 60)
    many, html = queries()

    assert html.count('data-testid="line-link"') == 50
    assert html.count('class="key-name') == 50 * 3 and "Crew 61" in html and "Worker62" in html
    assert many == few
