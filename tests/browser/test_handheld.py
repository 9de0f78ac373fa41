"""The handheld (/handheld/) in Chromium with a phone's screen: enrolment by code, collecting
offline, starting from the service worker's cache, pushing exactly once, a revoked device, a
rejected line and its reason, and syncing on its own every Pull Sleep time."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from intake.devices import revoke_device
from transactions.models import Device
from reviews import services as review
from transactions.models import Transaction
from syncconfig.models import ServerConfig
from tests.factories import CrewFactory, EmployeeFactory, ItemFactory, WarehouseFactory, WorkOrderFactory, WorkOrderStepFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
REVOKED = "This handheld was revoked or its token is no longer valid — ask your administrator to enrol it again."
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def mirror(db):
    """What a plant's mirror holds for the lines collected below."""
    WarehouseFactory(code="000", description="Main warehouse")
    WorkOrderFactory(number="0001042", item_code="ENC-2040", item_description="Enclosure 20x40")
    WorkOrderFactory(number="0001050", status="C", item_description="Closed order")
    for step in ("0010", "0020"):
        WorkOrderStepFactory(work_order="0001042", step=step, description="Weld frame")
    EmployeeFactory(number="0000117", first_name="Rosa", last_name="Diaz")
    EmployeeFactory(number="0000118", first_name="Old", last_name="Timer", mas_inactive=True)
    CrewFactory(number="C01", description="Weld crew")
    ItemFactory(code="SHT-16GA", description="Sheet 16 ga")


@pytest.fixture
def handheld(chromium, live_server):
    """A phone-sized browser context of its own (its own IndexedDB, cache and service worker)."""
    context = chromium.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.problems = []
    page.add_init_script(REPORT_VIOLATIONS)
    # A request failing while the handheld has no network is what the test wants; anything else is a problem.
    page.on("console", lambda m: page.problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource: net::") else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    yield page
    context.close()


def enrolment_code(page, name: str, by) -> tuple[str, Device]:
    """A new handheld's one-time code, as the device page gives it."""
    from intake.enrolment import display, register_handheld

    device, new = register_handheld(name, by=by)
    return display(new.code), device


def enrol(page, administrator, name="HH-07 Weld bay", *, via_qr=False) -> Device:
    code, device = enrolment_code(page, name, administrator)
    if via_qr:  # the QR code opens the app with the code in the address
        page.goto(f"/handheld/?code={code}")
    else:  # a wedge scanner types the code, then Enter
        page.goto("/handheld/")
        page.get_by_label("Enrolment code").click()
        page.keyboard.type(code)
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("device-name")).to_have_text(name)
    expect(page.get_by_test_id("sync-status")).to_contain_text("OK")
    return device


def wait_controlled(page) -> None:
    """The service worker is installed and serves this page (the shell is cached)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def scan(page, *values) -> None:
    """Type each value into the field that has the focus and press Enter, as a wedge scanner does.

    A worker scans once the screen is there: wait until a field has the focus (a screen just
    opened puts it on its first field), or a fast scan lands on no field and the next goes to the
    wrong one."""
    page.wait_for_function("() => ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement?.tagName)")
    for value in values:
        page.keyboard.insert_text(str(value))
        page.keyboard.press("Enter")


def waiting(page) -> int:
    return int(page.get_by_test_id("waiting").get_attribute("data-count"))


def collect_lines(page, count: int) -> None:
    """``count`` lines, a quarter of each kind, through the screens."""
    kinds = ["Labor", "Crew labor", "Material issue", "Completion"]
    per_kind = count // len(kinds)
    for kind in kinds:
        page.get_by_role("link", name=kind, exact=True).click()
        for n in range(per_kind):
            if kind == "Labor":
                page.get_by_label("Employee badge").fill("")
                page.get_by_label("Employee badge").focus()
                scan(page, "117", "1042", "10", f"{1 + n / 10:.1f}", "1")
            elif kind == "Crew labor":
                page.get_by_label("Crew").fill("")
                page.get_by_label("Crew").focus()
                scan(page, "C01", "1042", "20", "2.5", "")
            elif kind == "Material issue":
                page.get_by_label("Work order").focus()
                if n == 0:
                    scan(page, "1042", "SHT-16GA", "000", n + 1, "", "")
                else:  # the warehouse stays from the line before
                    scan(page, "1042", "SHT-16GA")
                    page.keyboard.press("Enter")
                    scan(page, n + 1, "", "")
            else:
                page.get_by_label("Work order").focus()
                scan(page, "1042", n + 1, "", "", "")
            expect(page.get_by_role("status")).to_contain_text("Saved")
        page.get_by_role("button", name="Back", exact=True).click()


def test_it_collects_offline_starts_from_its_cache_and_pushes_each_line_once(handheld, mirror, administrator):
    page = handheld
    device = enrol(page, administrator)
    wait_controlled(page)

    page.context.set_offline(True)
    collect_lines(page, 100)
    assert waiting(page) == 100

    response = page.reload()  # no network: the service worker serves the shell from its cache
    assert response.from_service_worker
    expect(page.get_by_test_id("device-name")).to_have_text("HH-07 Weld bay")
    expect(page.get_by_test_id("sync-status")).to_contain_text("failed")
    assert waiting(page) == 100
    assert not Transaction.objects.exists()

    page.context.set_offline(False)  # back in range: the app syncs at once
    expect(page.get_by_test_id("sync-status")).to_contain_text("OK: 100 sent")
    expect(page.get_by_test_id("waiting")).to_have_text("0 lines waiting")

    stored = Transaction.objects.filter(device=device)
    assert stored.count() == 100
    assert stored.values("client_txn_id").distinct().count() == 100
    assert {t: stored.filter(type=t).count() for t in ("labor", "crew_labor", "material_issue", "completion")} == {
        "labor": 25, "crew_labor": 25, "material_issue": 25, "completion": 25,
    }
    labor = stored.filter(type="labor")
    assert set(labor.values_list("employee", "work_order", "step")) == {("0000117", "0001042", "0010")}
    assert sorted(labor.values_list("hours", flat=True)) == [Decimal(f"{1 + n / 10:.1f}") for n in range(25)]
    issues = stored.filter(type="material_issue")
    assert set(issues.values_list("item_code", "warehouse")) == {("SHT-16GA", "000")}
    assert sorted(issues.values_list("quantity", flat=True)) == [Decimal(n) for n in range(1, 26)]

    pushes = []
    page.on("request", lambda r: pushes.append(r) if r.method == "POST" and "/transactions" in r.url else None)
    page.get_by_role("button", name="Sync").click()  # nothing waiting: nothing sent again
    expect(page.get_by_test_id("sync-status")).not_to_contain_text("sent")
    expect(page.get_by_test_id("sync-status")).to_contain_text("OK")
    assert pushes == []
    assert Transaction.objects.count() == 100
    assert page.problems == []


SAVE_100_COMPLETIONS = """async () => {
    const lines = await import("/static/handheld/lines.js");
    for (let n = 0; n < 100; n++) {
        const built = lines.build("completion", {work_order: "1042", qty_completed: String(n + 1)}, "hours");
        await lines.save(built.payload);
    }
}"""


def test_a_push_cut_off_before_its_answer_is_sent_again_and_stored_once(handheld, mirror, administrator):
    page = handheld
    device = enrol(page, administrator)
    page.evaluate(SAVE_100_COMPLETIONS)  # the app's own save, as the completion screen calls it
    cut = []

    def lose_the_answer(route):
        if route.request.method == "POST" and not cut:
            route.fetch()  # the portal stores the lines…
            cut.append(route.request.url)
            route.abort("connectionreset")  # …and the handheld never hears back
        else:
            route.fallback()

    page.route("**/api/sync/v1/transactions", lose_the_answer)
    page.reload()  # the sync on start pushes the 100
    expect(page.get_by_test_id("sync-status")).to_contain_text("failed")
    assert cut
    assert Transaction.objects.filter(device=device).count() == 100
    assert waiting(page) == 100  # nothing heard: all still waiting

    page.get_by_role("button", name="Sync").click()  # the same 100 again, the same client_txn_ids
    expect(page.get_by_test_id("sync-status")).to_contain_text("OK: 100 sent")
    expect(page.get_by_test_id("waiting")).to_have_text("0 lines waiting")
    stored = Transaction.objects.filter(device=device)
    assert stored.count() == 100
    assert stored.values("client_txn_id").distinct().count() == 100
    assert sorted(stored.values_list("qty_completed", flat=True)) == [Decimal(n) for n in range(1, 101)]


def test_a_revoked_handheld_is_told_so(handheld, mirror, administrator):
    page = handheld
    device = enrol(page, administrator, via_qr=True)
    assert "code=" not in page.url  # the code is not left in the address
    revoke_device(device, by=administrator, reason="lost on the floor")

    page.get_by_role("button", name="Sync").click()
    expect(page.get_by_role("alert").filter(has_text="revoked")).to_have_text(f"{REVOKED}Enrol again")
    expect(page.get_by_test_id("sync-status")).to_contain_text("failed: this handheld is no longer enrolled")
    page.reload()  # it stays told, and does not try on start
    expect(page.get_by_text(REVOKED).first).to_be_visible()


def test_a_wrong_code_is_refused_with_the_reason(handheld, mirror, administrator):
    page = handheld
    page.goto("/handheld/")
    page.get_by_label("Enrolment code").fill("ZZZZ-ZZZZ")
    page.get_by_role("button", name="Enrol").click()
    expect(page.locator("#enrol-error")).to_be_visible()
    assert not Device.objects.exists()


def test_a_rejected_line_shows_its_reason_and_is_sent_again_as_a_new_line(handheld, mirror, administrator, supervisor):
    page = handheld
    device = enrol(page, administrator)
    page.get_by_role("link", name="Labor", exact=True).click()
    scan(page, "117", "1050", "10")  # a closed order, a step not on it: warned, not refused
    expect(page.locator("#note-work_order")).to_have_text("Work order 0001050 is closed")
    expect(page.locator("#note-step")).to_have_text("Step 0010 is not on work order 0001050")
    scan(page, "3", "")
    expect(page.get_by_role("status")).to_contain_text("Saved")
    page.get_by_role("button", name="Back", exact=True).click()
    page.get_by_role("button", name="Sync").click()
    expect(page.get_by_test_id("sync-status")).to_contain_text("OK: 1 sent")
    line = Transaction.objects.get(device=device)

    review.reject([line], by=supervisor, reason="Order 1050 is closed: book it on 1042")
    page.get_by_role("button", name="Sync").click()
    expect(page.get_by_test_id("sync-status")).to_contain_text("OK")
    page.get_by_role("link", name="My lines").click()
    expect(page.get_by_test_id("line-state")).to_have_text("Rejected: Order 1050 is closed: book it on 1042")

    page.get_by_role("link", name="Copy into a new line").click()
    expect(page.get_by_label("Work order")).to_have_value("0001050")
    page.get_by_label("Work order").fill("1042")
    page.get_by_role("button", name="Save line").click()
    expect(page.get_by_text("Copied into a new line")).to_be_visible()
    page.get_by_role("button", name="Back", exact=True).click()
    page.get_by_role("button", name="Sync").click()
    expect(page.get_by_test_id("sync-status")).to_contain_text("OK: 1 sent")
    fixed = Transaction.objects.exclude(pk=line.pk).get(device=device)
    assert fixed.client_txn_id != line.client_txn_id
    assert (fixed.work_order, fixed.step, fixed.hours) == ("0001042", "0010", Decimal("3.000"))
    assert page.problems == []


def test_with_a_short_pull_sleep_time_it_syncs_on_its_own(handheld, mirror, administrator):
    ServerConfig.objects.update_or_create(pk=1, defaults={"pull_sleep_time": timedelta(seconds=2)})
    page = handheld
    pulls = []
    page.on("request", lambda r: pulls.append(r.url) if "/api/sync/v1/masterdata" in r.url else None)
    enrol(page, administrator)
    WorkOrderFactory(number="0001077", item_description="Cart frame")  # arrives with a later pull

    # Nobody presses Sync: with 2 s between syncs the app pulls again and again by itself (given
    # up to 20 s, so a loaded machine does not make it fail; an idle one takes about 5 s).
    for _ in range(80):
        if len(pulls) >= 3:
            break
        page.wait_for_timeout(250)
    assert len(pulls) >= 3
    assert "since=" in pulls[-1]
    page.get_by_role("link", name="Labor", exact=True).click()
    scan(page, "117", "1077")
    expect(page.locator("#note-work_order")).to_have_text("ASSY-100 Cart frame")
    assert page.problems == []
