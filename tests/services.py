"""What a test does when a server it needs is not there: skipped on a developer's machine, failed in CI.

CI (``.ci/run``, which sets ``CI=true``) starts every server the suite uses, so there a test
that cannot reach one fails, never skips: a pass that skipped its MariaDB tests would look green.
"""
from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str) -> NoReturn:
    """Skip the test with ``reason``, or fail it when the environment variable ``CI`` is set."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set: a test that needs it fails)", pytrace=False)
    pytest.skip(reason)
