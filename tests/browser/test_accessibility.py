"""Every page of the portal free of axe-core violations (WCAG 2.0/2.1 A and AA, and axe's best
practices), as the role that uses it, in the state a plant reaches after weeks of use.

The plant (``tests/plant.py``) is built committed for each test (``live_plant`` in
``tests/browser/conftest.py``: the live server sees only committed rows), so each test covers a
role's pages and the states they reach. The pages' objects are the
ones the every-page crawl visits (``tests/woscan_portal/test_every_page.py``: ``targets_for``):
a line of each state, a batch of each state, each pull, each job… Beside the first load, the
states people see are checked too: a form sent with errors, the queue filtered with lines picked,
the keyboard help open, a bulk confirmation, a timesheet day, the handheld's screens.

A page of the portal that no test here opens fails ``test_every_page_of_the_portal_is_checked``:
put it in ``PAGES`` (or, for what is not a page, ``NOT_PAGES``).
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible, describe, install, violations
from tests.plant import PASSWORD
from tests.woscan_portal.test_every_page import PATTERNS, targets_for
from tests.woscan_portal.test_permission_matrix import MATRIX
from transactions.models import Transaction, TransactionStatus, TransactionType

pytestmark = pytest.mark.browser  # the live plant's tests get a transactional database (live_plant)

# The plant's person for each role (tests/plant.py), and their password.
PEOPLE = {"supervisor": "sue", "accountant": "al", "administrator": "ada", "floor_desktop": "flo", "outsider": "otto"}
PASSWORDS = {"al": PASSWORD + "-new"}  # the administrator set Al's password

# The pages each role opens, every object the crawl visits for each (a line of each state, a batch
# of each state, …).
PAGES = {
    "supervisor": [
        "reviews:dashboard", "reviews:transaction_list", "reviews:transaction_detail", "reviews:transaction_edit",
        "reviews:transaction_reverse", "reviews:bulkdecision_detail", "reviews:timesheet",
        "batches:exportbatch_send", "batches:exportjob_detail",
        "mas:workorder_list", "mas:workorder_detail", "mas:item_list", "mas:item_detail",
        "mas:employee_list", "mas:employee_detail", "intake:direct_entry",
        "reviews:savedfilter_list", "reviews:savedfilter_add", "reviews:savedfilter_edit",
    ],
    "accountant": [
        "batches:dashboard", "batches:exportbatch_list", "batches:exportbatch_detail", "batches:batchline_list",
        "batches:exportbatch_print", "batches:exportbatch_reexport", "batches:exportbatch_void",
        "reviews:transaction_list", "audit:auditentry_list",
    ],
    "administrator": [
        "syncconfig:dashboard", "syncconfig:serverconfig_edit", "syncconfig:autosynctable_list",
        "syncconfig:autosynctable_edit", "syncconfig:discovery", "syncconfig:pullrun_list", "syncconfig:pullrun_detail",
        "intake:device_list", "intake:device_add", "intake:handheld_add", "intake:processingoption_edit",
        "accounts:user_list", "accounts:user_add", "accounts:user_edit", "accounts:user_password",
    ],
}
# Opened by the tests of states below (signed out, or after a step of their own): the Floor desktop's
# direct entry, the landing page of someone without a role, the sign-in and reset pages, the handheld.
OPENED_BELOW = {
    "intake:direct_entry", "home",
    "accounts:login", "accounts:password_reset", "accounts:password_reset_done", "accounts:password_reset_confirm",
    "accounts:password_reset_complete", "handheld:shell",
}
# GET URLs that are not pages: JSON, CSV, status polls, the web app's manifest and service worker.
NOT_PAGES = {
    "healthz", "reviews:bulkdecision_status", "batches:exportjob_status", "syncconfig:pullrun_status",
    "intake:direct_entry_check", "sync_api:masterdata", "sync_api:my_lines", "sync_api:openapi-json",
    "sync_api:api-root", "handheld:manifest", "handheld:service_worker", "importer_api:batch_list",
    "importer_api:batch_detail", "importer_api:openapi-json", "importer_api:api-root", "reviews:lookup",
}
# The crawl's supervisor is another person than the plant's Sue, whose own pages these are.
SUES_OWN = {"reviews:savedfilter_edit"}


def test_every_page_of_the_portal_is_checked():
    pages = {name for name, (method, _codes) in MATRIX.items() if method == "get"}
    checked = {name for names in PAGES.values() for name in names} | OPENED_BELOW
    assert set(PATTERNS) >= pages
    assert not checked & NOT_PAGES
    missing = pages - checked - NOT_PAGES
    assert not missing, f"no accessibility check opens {sorted(missing)}: add them to PAGES (or NOT_PAGES)"
    assert not (checked | NOT_PAGES) - pages, "PAGES names a URL the portal no longer serves as a GET page"


def test_the_check_names_each_rule_broken_and_where(chromium):
    page = chromium.new_page()
    page.set_content('<html lang="en"><head><title>Batch</title></head><body><main><h1>Batch</h1>'
                     '<img src="data:,"><table><tr><th></th></tr><tr><td>1</td></tr></table></main></body></html>')
    with pytest.raises(AssertionError) as failed:
        assert_accessible(page, "a page with faults")
    page.close()
    said = str(failed.value)
    assert "a page with faults: 2 accessibility rule(s) broken (axe-core)" in said
    assert "- image-alt (critical): Images must have alternative text" in said
    assert '    img: <img src="data:,">' in said
    assert "- empty-table-header (minor)" in said


# --- helpers ----------------------------------------------------------------------------------------
class Checker:
    """Opens pages and keeps axe's violations of each; ``done()`` fails with all of them."""

    def __init__(self, page):
        self.page, self.found = page, []
        install(page.context)

    def open(self, url: str, what: str = "") -> None:
        response = self.page.goto(url)
        assert response.status == 200, f"{what or url} answered {response.status}"
        self.check(what or url)

    def check(self, what: str) -> None:
        self.page.wait_for_load_state("load")
        found = violations(self.page)
        if found:
            self.found.append(describe(found, what))

    def done(self) -> None:
        assert not self.found, "\n\n".join(self.found)


def sign_in(page, plant, role: str) -> None:
    user = plant.users[PEOPLE[role]]
    page.goto(reverse("accounts:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORDS.get(user.username, PASSWORD))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert reverse("accounts:login") not in page.url, f"{user.username} could not sign in"


def server_checks_only(page) -> None:
    """Leave the checks of a form to the portal (the browser's own would stop an empty field before
    sending): the page then shows the errors the portal answers, as for a value only it refuses."""
    page.evaluate("() => document.querySelectorAll('main form').forEach((form) => { form.noValidate = true; })")


def line_targets(name: str, plant):
    """A line of each state (the crawl's), and one line of each type."""
    targets = [t for t in targets_for(name, plant) if not t.reference_only]
    shown = {t.kwargs["pk"] for t in targets}
    for kind in TransactionType.values:
        pk = Transaction.objects.filter(type=kind).order_by("pk").values_list("pk", flat=True).first()
        if pk is not None and pk not in shown:
            targets.append(type(targets[0])({"pk": pk}, f"line {kind}"))
            shown.add(pk)
    return targets


def urls_for(name: str, plant, role: str) -> list[tuple[str, str]]:
    """(url, what it shows) for each object the page is opened with."""
    if name in ("reviews:transaction_detail", "reviews:transaction_edit", "reviews:transaction_reverse"):
        targets = line_targets(name, plant)
    else:
        targets = targets_for(name, plant)
    found = []
    for target in targets:
        if target.expect.get(role, 200) != 200 and not (role == "supervisor" and name in SUES_OWN):
            continue  # a state the page refuses (only a superuser changes a superuser)
        if name == "reviews:transaction_edit" and target.kwargs["pk"] in exported_lines():
            continue  # an exported line is locked: its edit page sends back to the line
        found.append((reverse(name, kwargs=target.kwargs), f"{name} ({target.what})" if target.what else name))
    return found


def exported_lines() -> set[int]:
    return set(Transaction.objects.filter(status=TransactionStatus.EXPORTED).values_list("pk", flat=True))


# --- every page, as the role that uses it --------------------------------------------------------------
@pytest.mark.parametrize("role", list(PAGES))
def test_every_page_of_a_role_passes_axe(page, live_plant, role):
    sign_in(page, live_plant, role)
    checker = Checker(page)
    for name in PAGES[role]:
        for url, what in urls_for(name, live_plant, role):
            checker.open(url, f"{what} as {role}")
    checker.done()


# --- the states people see beside the first load -------------------------------------------------------
def test_the_queue_as_a_supervisor_works_it_passes_axe(page, live_plant):
    sign_in(page, live_plant, "supervisor")
    checker = Checker(page)
    checker.open(reverse("reviews:transaction_list") + "?status=flagged&type=labor", "the queue, filtered")
    boxes = page.locator('input[name="pk"]')
    boxes.nth(0).check()
    boxes.nth(1).check()
    expect(page.get_by_test_id("selected-totals")).to_contain_text("Selected 2")
    checker.check("the queue, filtered, two lines picked")
    page.evaluate("() => document.activeElement.blur()")  # keys act outside the fields
    page.keyboard.press("?")
    expect(page.locator("#keys-help")).to_be_visible()
    checker.check("the queue's keyboard help")
    page.keyboard.press("Escape")
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("j")
    page.keyboard.press("r")
    expect(page.locator("#reason-dialog")).to_be_visible()
    checker.check("the queue's reason to reject")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Approve selected").click()
    expect(page.get_by_role("heading", name="Approve 2 lines?")).to_be_visible()
    checker.check("the confirmation of a bulk approval")
    page.go_back()
    page.get_by_role("button", name="Reject all that match the filter…").click()
    expect(page.get_by_role("heading", name=re.compile("^Reject"))).to_be_visible()
    checker.check("the confirmation of rejecting all that match")

    line = Transaction.objects.filter(status=TransactionStatus.FLAGGED).order_by("pk").first()
    checker.open(reverse("reviews:transaction_detail", args=[line.pk]), "a flagged line")
    page.keyboard.press("?")
    expect(page.locator("#keys-help")).to_be_visible()
    checker.check("a line's keyboard help")
    checker.open(reverse("reviews:transaction_edit", args=[line.pk]), "a line's correction")
    page.get_by_label("Hours").fill("123456789")  # more digits than MAS keeps
    server_checks_only(page)
    page.get_by_role("button", name="Save and re-check").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    checker.check("a correction sent with an error")
    checker.open(reverse("reviews:transaction_edit", args=[line.pk]), "a line's correction, again")
    page.get_by_role("combobox", name="Work order").fill(line.work_order[:5])
    expect(page.get_by_role("listbox")).to_be_visible()
    expect(page.get_by_role("option").first).to_be_visible()
    checker.check("the work order's suggestions from the mirror, open")

    day = timezone.localdate() - timedelta(days=3)
    checker.open(f"{reverse('reviews:timesheet')}?day_from={day}&day_to={timezone.localdate()}", "the timesheet")
    page.get_by_test_id("day-row").first.get_by_role("link").first.click()
    expect(page.get_by_test_id("line").first).to_be_visible()
    checker.check("a timesheet day")
    checker.done()


def test_the_forms_sent_with_errors_pass_axe(page, live_plant):
    checker = Checker(page)
    sign_in(page, live_plant, "accountant")
    number = live_plant.batches["deleted_in_mas"]
    checker.open(reverse("batches:exportbatch_reexport", args=[number]), "re-export")
    server_checks_only(page)
    page.locator("main form[method=post] [type=submit]").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    checker.check("re-export sent without a reason")
    page.context.clear_cookies()

    sign_in(page, live_plant, "administrator")
    checker.open(reverse("accounts:user_add"), "a new user")
    server_checks_only(page)
    page.get_by_role("button", name="Add user").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    checker.check("a new user sent empty")
    checker.open(reverse("syncconfig:serverconfig_edit"), "server configs")
    page.locator("input[type=number]").first.fill("-5")
    server_checks_only(page)
    page.get_by_role("button", name="Save and reschedule").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    checker.check("server configs sent with a wrong value")
    checker.open(reverse("intake:device_add"), "a new device")
    page.get_by_label("Name").fill("Handheld 09")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_test_id("device-token")).to_be_visible()
    checker.check("a new device's token")
    checker.open(reverse("intake:handheld_add"), "a new handheld")
    page.get_by_label("Name").fill("Handheld 10")
    page.get_by_role("button", name="Register").click()
    checker.check("a new handheld's enrolment code")
    page.context.clear_cookies()

    sign_in(page, live_plant, "floor_desktop")
    checker.open(reverse("intake:direct_entry"), "direct entry")
    page.keyboard.type("9999999")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("findings")).not_to_contain_text("Nothing to check yet.")
    checker.check("direct entry with a finding")
    server_checks_only(page)
    page.get_by_role("button", name="Store line").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    checker.check("direct entry sent with errors")
    checker.done()


def test_the_pages_signed_out_and_the_error_pages_pass_axe(page, live_plant, settings):
    settings.WOSCAN_EMAIL_CONFIGURED = True
    checker = Checker(page)
    checker.open(reverse("accounts:login"), "sign-in")
    page.get_by_label("Username").fill("sue")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".alert-danger, .invalid-feedback").first).to_be_visible()
    checker.check("sign-in with a wrong password")
    for _ in range(5):
        page.get_by_label("Username").fill("lou")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
    expect(page.get_by_test_id("locked-out")).to_be_visible()
    checker.check("sign-in paused")
    checker.open(reverse("accounts:password_reset"), "forgot your password")
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_test_id("reset-sent")).to_be_visible()
    checker.check("reset link sent")
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    sue = live_plant.users["sue"]
    uid = urlsafe_base64_encode(force_bytes(sue.pk))
    checker.open(reverse("accounts:password_reset_confirm", args=[uid, "not-a-token"]), "a used reset link")
    page.goto(reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(sue)]))
    checker.check("a new password")
    checker.open(reverse("accounts:password_reset_complete"), "password set")
    checker.open(reverse("accounts:password_reset_done"), "reset link sent (its own page)")

    sign_in(page, live_plant, "outsider")
    checker.check("signed in without a role")
    for url, status, what in ((reverse("reviews:dashboard"), 403, "a page the role may not use"),
                              ("/no/such/page/", 404, "a page that is not there")):
        assert page.goto(url).status == status
        checker.check(what)
    checker.done()


PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def test_the_handhelds_screens_pass_axe(chromium, live_server, live_plant):
    from intake.devices import revoke_device
    from intake.enrolment import display, register_handheld

    context = chromium.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    checker = Checker(page)
    page.goto(reverse("handheld:shell"))
    expect(page.get_by_label("Enrolment code")).to_be_visible()
    checker.check("the handheld's enrolment")
    page.get_by_label("Enrolment code").fill("ZZZZ-ZZZZ")
    page.get_by_role("button", name="Enrol").click()
    expect(page.locator("#enrol-error")).to_be_visible()
    checker.check("the handheld's enrolment with a wrong code")
    _device, new = register_handheld("HH-07 Weld bay", by=live_plant.users["ada"])
    page.get_by_label("Enrolment code").fill(display(new.code))
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_test_id("sync-status")).to_contain_text("OK")
    checker.check("the handheld's home")
    line = Transaction.objects.get(pk=live_plant.lines["clean_0"])
    for kind in ("Crew labor", "Material issue", "Completion", "Labor"):
        page.get_by_role("link", name=kind, exact=True).click()
        page.wait_for_function("() => document.activeElement?.tagName === 'INPUT'")
        checker.check(f"the handheld's {kind} screen")
        if kind != "Labor":
            page.get_by_role("button", name="Back", exact=True).click()
    for value in (line.employee, "9999999"):  # a badge, then an order MAS does not know: a note
        page.keyboard.insert_text(value)
        page.keyboard.press("Enter")
    expect(page.locator("#note-work_order")).not_to_be_empty()
    page.get_by_role("button", name="Save line").click()
    expect(page.locator("#collect-error")).to_be_visible()
    checker.check("the handheld's labor screen with a note and an error")
    page.get_by_role("textbox", name="Step", exact=True).fill(line.step)
    page.get_by_role("textbox", name="Hours", exact=True).fill("1.5")
    page.get_by_role("button", name="Save line").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    checker.check("the handheld's labor screen, a line saved")
    page.get_by_role("button", name="Back", exact=True).click()
    page.get_by_role("button", name="Sync").click()
    expect(page.get_by_test_id("sync-status")).to_contain_text("OK: 1 sent")
    page.get_by_role("link", name="My lines").click()
    expect(page.get_by_test_id("line-state")).to_be_visible()
    checker.check("the handheld's lines")
    page.get_by_role("button", name="Back", exact=True).click()
    revoke_device(_device, by=live_plant.users["ada"], reason="Lost on the floor")
    page.get_by_role("button", name="Sync").click()
    expect(page.get_by_role("alert").filter(has_text="revoked")).to_be_visible()
    checker.check("the handheld told it was revoked")
    context.close()
    checker.done()
