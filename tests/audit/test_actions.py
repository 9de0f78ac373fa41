"""One audit vocabulary: past-tense verbs without an object prefix; old rows keep their codes and read
(and filter) as the action they mean."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

from audit.actions import LEGACY, AuditAction, codes_of, label_of
from audit.log import record
from audit.models import AuditEntry
from tests.factories import TransactionFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
LIST = reverse("audit:auditentry_list")


def test_every_action_is_a_snake_case_verb_with_a_readable_label():
    for action in AuditAction:
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", action.value), action
        assert action.label[0].isupper() and "_" not in action.label, action
    assert AuditAction.PASSWORD_RESET.label == "Password reset"


def test_every_legacy_code_means_one_action_and_none_is_an_action_itself():
    assert not set(LEGACY) & {a.value for a in AuditAction}
    assert all(isinstance(meant, AuditAction) for meant in LEGACY.values())


def _recorded_codes() -> dict[str, str]:
    """Every action code written by a ``record(objects, "code", …)`` call of the portal's own code."""
    found = {}
    for path in ROOT.glob("*/**/*.py"):
        if path.parts[len(ROOT.parts)] in {"tests", "bench", ".venv"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record" and len(node.args) > 1:
                for value in ast.walk(node.args[1]):
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        found[value.value] = str(path.relative_to(ROOT))
                    if isinstance(value, ast.Attribute) and getattr(value.value, "id", None) == "AuditAction":
                        assert hasattr(AuditAction, value.attr), (value.attr, path)
    return found


def test_every_code_the_portal_writes_is_in_the_vocabulary_or_the_legacy_map():
    codes = _recorded_codes()
    unknown = {code: where for code, where in codes.items() if code not in LEGACY and code not in AuditAction.values}
    assert unknown == {}


@pytest.mark.parametrize(("code", "label"), [
    ("created", "Created"), ("user.created", "Created"), ("approve", "Approved"), ("approved", "Approved"),
    ("signin.unlocked", "Unlocked"), ("pull.requested", "Pull requested"), ("unexport", "Returned for review"),
    ("deleted_in_mas", "Deleted in MAS"), ("something.else", "something.else"),
])
def test_a_stored_code_reads_as_its_actions_label(code, label):
    assert label_of(code) == label


@pytest.mark.django_db
def test_the_audit_page_shows_the_label_and_its_filter_finds_old_and_new_rows_alike(client, administrator):
    old, new, other = UserFactory(username="old.user"), UserFactory(username="new.user"), UserFactory()
    record([old], "user.created", by=administrator)  # as the portal wrote it before the vocabulary
    record([new], AuditAction.CREATED, by=administrator)
    record([other], AuditAction.PASSWORD_SET, by=administrator)
    client.force_login(administrator)

    for action in ("created", "user.created"):  # the action, or a link made with the old code
        response = client.get(LIST, {"action": action})
        rows = [row.record for row in response.context["table"].page.object_list]
        assert sorted(r.object_repr for r in rows) == ["new.user", "old.user"]
    table = client.get(LIST).context["table"]
    assert sorted(row.get_cell("action") for row in table.page.object_list) == ["Created", "Created", "Password set"]
    assert sorted(row.get_cell_value("action") for row in table.page.object_list) == [  # and so does the export
        "Created", "Created", "Password set"]
    assert codes_of(AuditAction.CREATED) == ["created", "create", "user.created"]


@pytest.mark.django_db
def test_a_lines_history_names_old_actions_by_their_label(client, supervisor):
    txn = TransactionFactory()
    record([txn], "approve", by=supervisor)  # a decision audited before the vocabulary
    client.force_login(supervisor)

    history = client.get(txn.get_absolute_url()).content.decode().split('data-testid="history"')[1]

    assert "<strong>Approved</strong>" in history and "<strong>approve</strong>" not in history
    assert AuditEntry.objects.get().action == "approve"  # the row itself is never edited
