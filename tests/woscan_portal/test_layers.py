"""Which package may import which: the kernel imports no app, and nothing of the product imports the demo.

Read from the source (every ``import`` and ``from … import``, at any depth of a module), so that an
import inside a function counts as much as one at the top."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "audit", "mas", "intake", "syncconfig", "reviews", "batches")
PRODUCT = ("woscan_portal", "kernel", *APPS)


def imported_packages(package: str) -> dict[str, set[str]]:
    """Top-level package of every import in ``package``, with the files that make it."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def test_the_kernel_imports_no_app():
    imports = imported_packages("kernel")
    assert {app: sorted(imports[app]) for app in (*APPS, "woscan_portal", "demo") if app in imports} == {}


@pytest.mark.parametrize("package", PRODUCT)
def test_nothing_of_the_product_imports_the_demo(package):
    assert sorted(imported_packages(package).get("demo", ())) == []


def test_the_demo_is_a_package_of_its_own_with_its_commands():
    commands = {p.stem for p in (ROOT / "demo" / "management" / "commands").glob("*.py")} - {"__init__"}
    assert commands == {"build_demo_mas", "create_demo_users", "demo_import_batch", "demo_post_batch"}
    assert not list((ROOT / "mas").glob("demo/*.py")) and not list((ROOT / "mas").glob("management/**/*.py"))
