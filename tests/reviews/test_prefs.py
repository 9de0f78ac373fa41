"""A reviewer's own settings through the client: saved filters of the queue (save, apply, rename,
delete; another user's is not there for them; a name that cannot be kept says why) and the
single-key switch kept with the user."""
from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEntry
from reviews.models import ReviewPreferences, SavedFilter
from tests.factories import TransactionFactory, UserFactory, WorkCenterFactory, WorkOrderFactory
from transactions.models import Finding

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quiet_validation")]
LIST = reverse("reviews:transaction_list")
SAVED = reverse("reviews:savedfilter_list")
ADD = reverse("reviews:savedfilter_add")
PREFS = reverse("reviews:reviewpreferences_edit")
QUERY = "status=needs_review&status=flagged&work_center=ASM&severity=error"


def _edit(saved):
    return reverse("reviews:savedfilter_edit", args=[saved.pk])


def _delete(saved):
    return reverse("reviews:savedfilter_delete", args=[saved.pk])


def listed(response) -> set[int]:
    return {row.record.pk for row in response.context["table"].page.object_list}


@pytest.fixture
def other_supervisor(db):
    return UserFactory(username="sam.supervisor", roles=[Role.SUPERVISOR])


@pytest.fixture
def lines(db):
    """Lines in two work centers, with and without an error: the saved filter's lines are one."""
    for code in ("ASM", "WLD"):
        WorkCenterFactory(code=code, description=code)
        WorkOrderFactory(number=f"000{len(code)}{code[0]}")
    made = {}
    for name, center, error in (("asm_error", "ASM", True), ("asm_clean", "ASM", False), ("wld_error", "WLD", True)):
        txn = TransactionFactory(work_center=center, status="flagged" if error else "needs_review")
        if error:
            Finding.objects.create(transaction=txn, severity="error", code="closed_work_order", message="Closed")
        made[name] = txn.pk
    return made


def test_a_supervisor_saves_the_queues_filter_and_applies_it_from_the_menu(client, supervisor, lines):
    client.force_login(supervisor)
    queue = client.get(f"{LIST}?{QUERY}&page=1&sort=-collected_at")
    assert listed(queue) == {lines["asm_error"]}
    html = queue.content.decode()
    # The queue's own filter, without page or sort, is what the menu's form saves.
    assert f'name="query" value="{QUERY.replace("&", "&amp;")}"' in html

    saved = client.post(ADD, {"name": "  My work centers,   errors first ", "query": f"{QUERY}&page=2&sort=pk"})

    kept = SavedFilter.objects.get()
    assert (kept.owner, kept.name, kept.query) == (supervisor, "My work centers, errors first", QUERY)
    assert saved.status_code == 302 and saved["Location"] == f"{LIST}?{QUERY}"
    plain = client.get(LIST)
    menu = plain.context["saved_filters"]
    assert menu == [{"name": "My work centers, errors first", "url": f"?{QUERY}", "active": False}]
    assert 'data-testid="saved-filter-link"' in plain.content.decode()
    applied = client.get(f"{LIST}{menu[0]['url']}")
    assert listed(applied) == {lines["asm_error"]}
    assert applied.context["saved_current"] == "My work centers, errors first"
    # A setting of one person's pages: no audit row (the trail holds the changes of shared things).
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(("name", "message"), [
    ("", "Give the filter a name."),
    ("   ", "Give the filter a name."),
    ("x" * 81, "A name has at most 80 characters (this one has 81)."),
    ("errors FIRST", "You already have a filter named “errors FIRST”: choose another name."),
])
def test_a_name_that_cannot_be_kept_says_which_field_and_why(client, supervisor, lines, name, message):
    SavedFilter.objects.create(owner=supervisor, name="Errors first", query="severity=error")
    client.force_login(supervisor)

    answer = client.post(ADD, {"name": name, "query": QUERY})

    assert answer.status_code == 400
    assert answer.context["form"].errors == {"name": [message]}
    assert message in answer.content.decode()
    assert SavedFilter.objects.count() == 1


def test_another_users_same_name_is_no_clash(client, supervisor, other_supervisor, lines):
    SavedFilter.objects.create(owner=other_supervisor, name="Errors first", query="severity=error")
    client.force_login(supervisor)

    assert client.post(ADD, {"name": "Errors first", "query": QUERY}).status_code == 302
    assert SavedFilter.objects.filter(name="Errors first").count() == 2


@pytest.mark.parametrize(("query", "message"), [
    ("", "The queue shows no filter to save: filter it first, then save."),
    ("page=3&sort=pk", "The queue shows no filter to save: filter it first, then save."),
    ("collected_after=2026-13-45", "The queue would not read this filter (Collected from): correct it first."),
    ("q=" + "x" * 2100, "This filter is too long to save (over 2,000 characters): narrow the search text."),
])
def test_a_filter_the_queue_would_not_read_is_not_saved(client, supervisor, query, message):
    client.force_login(supervisor)

    answer = client.post(ADD, {"name": "Odd one", "query": query})

    assert answer.status_code == 400
    assert answer.context["form"].non_field_errors() == [message]
    assert not SavedFilter.objects.exists()


def test_the_save_page_shows_what_the_filter_shows(client, supervisor, lines):
    client.force_login(supervisor)

    page = client.get(ADD, {"query": QUERY})

    assert page.status_code == 200
    parts = dict(page.context["parts"])
    assert parts == {"State": "Needs review, Flagged", "Work center": "ASM", "Findings": "Has an error"}


def test_a_supervisor_renames_and_deletes_their_own(client, supervisor):
    saved = SavedFilter.objects.create(owner=supervisor, name="Errors first", query="severity=error")
    SavedFilter.objects.create(owner=supervisor, name="Welding", query="work_center=WLD")
    client.force_login(supervisor)
    listing = client.get(SAVED)
    assert [row["saved"].name for row in listing.context["rows"]] == ["Errors first", "Welding"]

    clash = client.post(_edit(saved), {"name": "welding"})
    assert clash.status_code == 400
    assert clash.context["form"].errors == {"name": ["You already have a filter named “welding”: choose another name."]}
    renamed = client.post(_edit(saved), {"name": "Errors, all centers", "query": "status=rejected"})
    assert renamed.status_code == 302
    saved.refresh_from_db()
    assert (saved.name, saved.query) == ("Errors, all centers", "severity=error")  # a rename keeps the filter
    same_case = client.post(_edit(saved), {"name": "ERRORS, all centers"})  # its own name, in another case
    assert same_case.status_code == 302
    saved.refresh_from_db()
    assert saved.name == "ERRORS, all centers"

    deleted = client.post(_delete(saved))

    assert deleted.status_code == 302 and deleted["Location"] == SAVED
    assert list(SavedFilter.objects.values_list("name", flat=True)) == ["Welding"]


def test_another_users_saved_filter_is_not_there_for_them(client, supervisor, other_supervisor):
    theirs = SavedFilter.objects.create(owner=other_supervisor, name="Sam's", query="severity=error")
    client.force_login(supervisor)

    assert client.get(_edit(theirs)).status_code == 404
    assert client.post(_edit(theirs), {"name": "Mine now"}).status_code == 404
    assert client.post(_delete(theirs)).status_code == 404
    assert client.get(SAVED).context["rows"] == []
    assert client.get(LIST).context["saved_filters"] == []
    theirs.refresh_from_db()
    assert theirs.name == "Sam's"


def test_only_who_may_review_keeps_saved_filters(client, accountant, lines):
    client.force_login(accountant)

    assert client.get(LIST).context["saved_filters"] is None
    assert "Saved filters" not in client.get(LIST).content.decode()
    assert client.post(ADD, {"name": "Mine", "query": QUERY}).status_code == 403
    assert not SavedFilter.objects.exists()


# --- the single-key switch ------------------------------------------------------------------------
def test_the_single_key_switch_is_kept_with_the_user_and_rendered_into_the_pages(client, supervisor):
    line = TransactionFactory()
    client.force_login(supervisor)
    assert 'data-single-keys=""' in client.get(LIST).content.decode()  # not chosen yet: the browser's value

    off = client.post(PREFS, {}, HTTP_ACCEPT="application/json")  # the checkbox unchecked

    assert off.json() == {"single_keys": "off"}
    assert ReviewPreferences.objects.get(user=supervisor).single_keys is False
    for url in (LIST, reverse("reviews:transaction_detail", args=[line.pk])):
        html = client.get(url).content.decode()
        assert 'data-single-keys="off"' in html
        assert 'id="keys-toggle" data-keys-toggle>' in html  # unchecked
    on = client.post(PREFS, {"single_keys": "on", "next": f"{LIST}?status=flagged"})
    assert on.status_code == 302 and on["Location"] == f"{LIST}?status=flagged"
    assert 'data-single-keys="on"' in client.get(LIST).content.decode()
    assert not AuditEntry.objects.exists()


def test_the_switch_goes_back_only_to_a_page_of_the_portal(client, accountant):
    client.force_login(accountant)  # who may read the pages switches them too

    answer = client.post(PREFS, {"single_keys": "on", "next": "https://example.com/"})

    assert answer.status_code == 302 and answer["Location"] == LIST
    assert ReviewPreferences.objects.get(user=accountant).single_keys is True


def test_one_users_switch_is_not_anothers(client, supervisor, other_supervisor):
    client.force_login(supervisor)
    client.post(PREFS, {})
    client.force_login(other_supervisor)

    assert 'data-single-keys=""' in client.get(LIST).content.decode()
    assert list(ReviewPreferences.objects.values_list("user", "single_keys")) == [(supervisor.pk, False)]
