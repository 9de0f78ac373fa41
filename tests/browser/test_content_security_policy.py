"""Every role's main pages in Chromium under the portal's Content-Security-Policy: no violation, no
JavaScript error, no console error (inline scripts, styles and handlers would each be one)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from batches.services import export_transactions
from syncconfig.models import ServerConfig
from tests.factories import TransactionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium reports each violation on the console too; the event says which directive and where.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def problems(page):
    found = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: found.append(f"{page.url}: console {message.type}: {message.text}")
            if message.type == "error" else None)
    page.on("pageerror", lambda error: found.append(f"{page.url}: JavaScript error: {error}"))
    return found


@pytest.fixture
def plant(own_mas_company, supervisor, administrator, export_dir):
    """A pulled mirror, a line to review, an exported batch, a user to look at."""
    from afterpull.followups import pull_now

    ServerConfig.objects.update_or_create(pk=1, defaults={"time_between_syncs": 0})
    run = pull_now()
    line = TransactionFactory(work_order="0001042", step="0010", hours=Decimal("2.500"))
    TransactionFactory(status="approved", work_order="0001042", step="0010", hours=Decimal("1.000"))
    batch = export_transactions(by=supervisor).batch
    from mas.models import WorkOrder

    return {
        "run": run, "line": line, "batch": batch, "person": UserFactory(username="pat.person"),
        "work_order": WorkOrder.objects.order_by("pk").first(),
    }


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response.status < 400, f"{url} answered {response.status}"
    page.wait_for_load_state("networkidle")


def test_the_supervisors_pages_pass_the_policy(page, sign_in, supervisor, plant, problems):
    sign_in(supervisor)
    for url in [
        reverse("reviews:dashboard"), reverse("reviews:transaction_list"),
        reverse("reviews:transaction_detail", args=[plant["line"].pk]),
        reverse("reviews:transaction_edit", args=[plant["line"].pk]),
        reverse("batches:dashboard"), reverse("batches:exportbatch_send"),
        reverse("mas:workorder_list"), reverse("mas:workorder_detail", args=[plant["work_order"].pk]),
        reverse("mas:item_list"), reverse("mas:employee_list"), reverse("audit:auditentry_list"),
    ]:
        visit(page, url)
    visit(page, reverse("reviews:transaction_detail", args=[plant["line"].pk]))
    page.keyboard.press("e")  # review-keys.js: "e" opens the correction form
    expect(page).to_have_url(f"{page.url.split('/review/')[0]}{reverse('reviews:transaction_edit', args=[plant['line'].pk])}")
    page.wait_for_load_state("load")
    order = page.get_by_role("combobox", name="Work order")  # lookups.js asks the portal as one types
    order.fill("")
    order.press_sequentially("cart")
    expect(page.get_by_role("listbox", name="Suggestions for Work order").get_by_role("option").first).to_be_visible()
    page.screenshot(path="/tmp/lookups/edit-demo-suggestions.png")

    assert problems == []


def test_direct_entry_checks_as_one_types_within_the_policy(page, sign_in, floor_desktop, plant, problems):
    sign_in(floor_desktop)
    visit(page, reverse("intake:direct_entry"))
    page.keyboard.type("9999999")  # the first field has the focus (direct-entry.js)
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("findings")).not_to_contain_text("Nothing to check yet.")
    assert problems == []


def test_the_accountants_pages_pass_the_policy(page, sign_in, accountant, plant, problems):
    sign_in(accountant)
    number = plant["batch"].number
    for url in [
        reverse("batches:dashboard"), reverse("batches:exportbatch_list"),
        reverse("batches:exportbatch_detail", args=[number]), reverse("batches:batchline_list", args=[number]),
        reverse("batches:exportbatch_print", args=[number]), reverse("audit:auditentry_list"),
    ]:
        visit(page, url)

    assert problems == []


def test_the_administrators_pages_pass_the_policy(page, sign_in, administrator, plant, problems):
    sign_in(administrator)
    for url in [
        reverse("syncconfig:dashboard"), reverse("syncconfig:serverconfig_edit"),
        reverse("syncconfig:pullrun_list"),
        reverse("syncconfig:pullrun_detail", args=[plant["run"].pk]),
        reverse("intake:device_list"), reverse("intake:processingoption_edit"),
        reverse("accounts:user_list"), reverse("accounts:user_add"),
        reverse("accounts:user_edit", args=[plant["person"].pk]),
        reverse("accounts:user_password", args=[plant["person"].pk]),
    ]:
        visit(page, url)
    visit(page, reverse("intake:device_add"))
    page.get_by_label("Name").fill("Handheld 09")
    page.get_by_role("button", name="Register").click()
    page.get_by_test_id("device-token").focus()  # portal.js selects the token for copying

    assert page.evaluate("() => document.activeElement.selectionEnd - document.activeElement.selectionStart") > 20
    assert problems == []


def test_the_sign_in_lockout_and_password_reset_pages_pass_the_policy(page, settings, plant, problems):
    settings.WOSCAN_EMAIL_CONFIGURED = True
    visit(page, reverse("accounts:login"))
    for _ in range(5):
        page.get_by_label("Username").fill("pat.person")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
    expect(page.get_by_test_id("locked-out")).to_contain_text("Too many wrong passwords")
    problems[:] = [p for p in problems if "429" not in p]  # the lockout page's own status, not a fault
    visit(page, reverse("accounts:password_reset"))
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_test_id("reset-sent")).to_be_visible()

    assert problems == []


def test_chromium_knows_every_feature_the_permissions_policy_names(page, sign_in, supervisor):
    # An unknown feature ("bluetooth" was one) makes Chromium say "Unrecognized feature" on every page.
    said = []
    page.on("console", lambda message: said.append(f"{message.type}: {message.text}")
            if "Permissions-Policy" in message.text or "Unrecognized feature" in message.text else None)
    sign_in(supervisor)
    visit(page, reverse("reviews:dashboard"))
    visit(page, reverse("reviews:transaction_list"))

    assert said == []
