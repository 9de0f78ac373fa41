"""Every status write of a line or a batch is in its state machine's module.

Walks every product module (not tests, benchmarks or migrations) and reads its syntax tree for
writes of ``status`` on a ``Transaction`` or an ``ExportBatch``: ``.update(status=…)`` /
``.create(status=…)`` / ``Model(status=…)`` on a query or model of theirs, ``obj.status = …``
(or ``setattr``) with one of their states, ``bulk_update(…, ["status"])``, and raw SQL
``SET status``. Only ``transactions/lifecycle.py`` and ``batches/lifecycle.py`` may. The checker
is shown to catch each kind of write planted in a module, and to find the owners' own writes.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from batches.models import BatchStatus
from transactions.models import TransactionStatus

ROOT = Path(__file__).resolve().parents[1]
OWNERS = {"transactions/lifecycle.py", "batches/lifecycle.py"}
NOT_PRODUCT = {"tests", "bench", "migrations", "var", "static", "templates", "scripts", "node_modules"}
MODELS = {"Transaction", "ExportBatch"}
ENUMS = {"TransactionStatus", "BatchStatus"}
STATES = set(TransactionStatus.values) | set(BatchStatus.values) | {"collected"}
WRITERS = {"update", "create", "get_or_create", "update_or_create"}
RAW_SET_STATUS = re.compile(r"\bSET\b[^;]*?[\s,\"'`]status[\"'`]?\s*=", re.IGNORECASE)


def product_modules() -> list[Path]:
    return sorted(
        path for path in ROOT.rglob("*.py")
        if not ({*path.relative_to(ROOT).parts[:-1]} & NOT_PRODUCT)
        and not any(part.startswith(".") for part in path.relative_to(ROOT).parts)
        and path.name != "conftest.py"
    )


class _Finder(ast.NodeVisitor):
    def __init__(self, tree: ast.Module):
        self.found: list[tuple[int, str]] = []
        self.models = set(MODELS)
        self.enums = set(ENUMS)
        self.assigned: dict[str, list[ast.expr]] = {}
        self.docstrings = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
                first = node.body[0]
                if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                    self.docstrings.add(id(first.value))
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name in MODELS and alias.asname:
                        self.models.add(alias.asname)
                    if alias.name in ENUMS and alias.asname:
                        self.enums.add(alias.asname)
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.assigned.setdefault(target.id, []).append(node.value)
                        if isinstance(node.value, ast.Name) and node.value.id in ENUMS:
                            self.enums.add(target.id)  # S = TransactionStatus
        self.mentions_ours = any(
            (isinstance(node, ast.Name) and node.id in self.models | self.enums)
            or (isinstance(node, ast.ImportFrom) and any(a.name in MODELS | ENUMS for a in node.names))
            for node in ast.walk(tree)
        )

    # -- what an expression is about
    def root(self, node: ast.expr, depth: int = 0) -> str | None:
        while True:
            if isinstance(node, ast.Call):
                node = node.func
            elif isinstance(node, (ast.Attribute, ast.Subscript)):
                node = node.value
            else:
                break
        if not isinstance(node, ast.Name):
            return None
        if node.id in self.models or depth > 5:
            return node.id
        for value in self.assigned.get(node.id, ()):
            found = self.root(value, depth + 1)
            if found in self.models:
                return found
        return node.id

    def is_ours(self, value: ast.expr) -> bool:
        """Does a value name one of our states (an enum member, a state's string)?"""
        for node in ast.walk(value):
            if isinstance(node, ast.Name) and node.id in self.enums:
                return True
            if isinstance(node, ast.Constant) and node.value in STATES:
                return True
        return False

    def is_foreign(self, value: ast.expr) -> bool:
        """Does a value name another model's states (``PullStatus.FAILED``)?"""
        return any(isinstance(n, ast.Name) and n.id.endswith("Status") and n.id not in self.enums
                   for n in ast.walk(value))

    def about_ours(self, receiver: ast.expr, value: ast.expr) -> bool:
        root = self.root(receiver)
        if root in self.models:
            return True
        if root is not None and root[:1].isupper():  # another model's query
            return False
        return self.is_ours(value) or (self.mentions_ours and not self.is_foreign(value))

    def flag(self, node: ast.AST, what: str) -> None:
        self.found.append((node.lineno, what))

    # -- the writes
    def visit_Call(self, node: ast.Call) -> None:
        status = next((kw.value for kw in node.keywords if kw.arg == "status"), None)
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in WRITERS and status is not None:
            if self.about_ours(func.value, status):
                self.flag(node, f".{func.attr}(status=…)")
        elif isinstance(func, ast.Name) and func.id in self.models and status is not None:
            self.flag(node, f"{func.id}(status=…)")
        elif isinstance(func, ast.Attribute) and func.attr == "bulk_update":
            named = [n for arg in [*node.args[1:], *(kw.value for kw in node.keywords)] for n in ast.walk(arg)]
            if any(isinstance(n, ast.Constant) and n.value == "status" for n in named):
                if self.about_ours(func.value, node.args[0] if node.args else func.value):
                    self.flag(node, 'bulk_update(…, ["status"])')
        elif isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) == 3:
            if isinstance(node.args[1], ast.Constant) and node.args[1].value == "status":
                if self.is_ours(node.args[2]) or (self.mentions_ours and not self.is_foreign(node.args[2])):
                    self.flag(node, 'setattr(…, "status", …)')
        self.generic_visit(node)

    def _assigned(self, targets, value, node) -> None:
        for target in targets:
            if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
                self._assigned(target.elts, None, node)
                for sub, sub_value in zip(target.elts, value.elts):
                    if isinstance(sub, ast.Attribute) and sub.attr == "status":
                        self._check_value(sub_value, node)
            elif isinstance(target, ast.Attribute) and target.attr == "status" and value is not None:
                self._check_value(value, node)

    def _check_value(self, value, node) -> None:
        if self.is_ours(value) or (self.mentions_ours and not self.is_foreign(value)):
            self.flag(node, "….status = …")

    def visit_Assign(self, node: ast.Assign) -> None:
        self._assigned(node.targets, node.value, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._assigned([node.target], node.value, node)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and id(node) not in self.docstrings and RAW_SET_STATUS.search(node.value):
            self.flag(node, "SQL SET status")

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        if RAW_SET_STATUS.search(text):
            self.flag(node, "SQL SET status")
        self.generic_visit(node)


def status_writes(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    finder = _Finder(tree)
    finder.visit(tree)
    return sorted(set(finder.found))


def test_no_module_but_the_state_machines_writes_a_status():
    modules = product_modules()
    assert len(modules) > 100 and {m.relative_to(ROOT).as_posix() for m in modules} >= OWNERS
    writes = {
        f"{path.relative_to(ROOT).as_posix()}:{line}: {what}"
        for path in modules if path.relative_to(ROOT).as_posix() not in OWNERS
        for line, what in status_writes(path.read_text("utf-8"))
    }
    assert not writes, "status written outside transactions/lifecycle.py and batches/lifecycle.py:\n" + "\n".join(
        sorted(writes))


def test_the_checker_finds_the_state_machines_own_writes():
    lines = status_writes((ROOT / "transactions/lifecycle.py").read_text("utf-8"))
    batches = status_writes((ROOT / "batches/lifecycle.py").read_text("utf-8"))
    assert {what for _, what in lines} >= {".update(status=…)", "….status = …", "SQL SET status"}
    assert {what for _, what in batches} >= {".update(status=…)", ".create(status=…)"}


PLANTED = {
    "an update on a query": """
from transactions.models import Transaction, TransactionStatus
def void(pks):
    Transaction.objects.filter(pk__in=pks).update(status=TransactionStatus.NEEDS_REVIEW)
""",
    "an update on a query kept in a variable": """
from batches.models import ExportBatch
def apply(batch, target):
    qs = ExportBatch.objects.filter(pk=batch.pk)
    qs.update(status=target)
""",
    "an assignment then save": """
from transactions.models import TransactionStatus as TS
def approve(txn):
    txn.status = TS.APPROVED
    txn.save()
""",
    "an assignment in a tuple": """
from transactions.models import Transaction
def move(txn, target):
    before, txn.status = txn.status, target
""",
    "a string state": """
def reject(txn):
    txn.status = "rejected"
    txn.save(update_fields=["status"])
""",
    "a bulk update": """
from transactions.models import Transaction
def flag(txns):
    Transaction.objects.bulk_update(txns, ["status", "version"])
""",
    "a new row in a state": """
from batches.models import BatchStatus, ExportBatch
def start(n):
    return ExportBatch.objects.create(number=n, status=BatchStatus.WRITING)
""",
    "raw SQL": """
from django.db import connection
def claim(table):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET version = version + 1, status = %s WHERE status = %s", ["exported", "approved"])
""",
    "setattr": """
from transactions.models import TransactionStatus
def approve(txn):
    setattr(txn, "status", TransactionStatus.APPROVED)
""",
}


@pytest.mark.parametrize("planted", sorted(PLANTED))
def test_the_checker_catches_a_planted_status_write(planted):
    assert status_writes(PLANTED[planted]), planted


def test_the_checker_leaves_other_models_states_and_plain_reads_alone():
    assert not status_writes('''
"""Docstrings may say ``UPDATE … SET status = 'exported'``."""
from transactions.models import Transaction, TransactionStatus
from syncconfig.models import PullRun, PullStatus
def finish(run, errors):
    run.status = PullStatus.FAILED if errors else PullStatus.SUCCEEDED
    PullRun.objects.filter(pk=run.pk).update(status=run.status)
    return Transaction.objects.filter(status=TransactionStatus.APPROVED).count()
''')
