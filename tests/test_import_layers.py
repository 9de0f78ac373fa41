"""The layer contract (pyproject.toml, checked by import-linter) holds, and the README's list of
layers is the contract's: a room added, moved or imported against the order fails here."""
from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def contract_layers() -> list[set[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    return [{room.strip() for room in layer.split("|")} for layer in layers]


def readme_layers() -> list[set[str]]:
    section = (ROOT / "README.md").read_text("utf-8").split("### Layers", 1)[1].split("\n## ", 1)[0]
    found: dict[int, set[str]] = {}
    for number, room in re.findall(r"^- (\d+) `(\w+)`", section, flags=re.M):
        found.setdefault(int(number), set()).add(room)
    return [found[n] for n in sorted(found)]


def test_the_imports_keep_the_layer_contract():
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_top_level_package_of_the_product_is_in_a_layer():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "bench"}
    assert set(config["root_packages"]) == packages
    assert set().union(*contract_layers()) == packages


def test_the_readme_lists_the_layers_of_the_contract():
    assert readme_layers() == contract_layers()
