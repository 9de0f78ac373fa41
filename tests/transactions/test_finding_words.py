"""Every finding code in plain words."""
from __future__ import annotations


def test_every_finding_code_has_its_plain_words():
    """The queue's rows and its Finding filter show a code in words: every code the checks raise has them."""
    from tests.plant import finding_codes
    from transactions.validation import FINDING_SUMMARIES

    assert finding_codes(collected=False) <= set(FINDING_SUMMARIES)


def test_each_code_is_listed_under_the_severity_the_checks_give_it():
    """The Finding filter groups codes as errors and warnings from these lists: a code raised as
    an error must be listed as one (else "Has an error" and the filter's group disagree)."""
    import re

    from tests.plant import VALIDATION_SOURCE
    from transactions.validation import FINDING_ERRORS, FINDING_WARNINGS

    raised = re.findall(r'add\(\s*(ERROR|WARNING),\s*"([a-z_]+)"', VALIDATION_SOURCE.read_text())
    assert raised, "the checks' add(SEVERITY, code, …) calls were not found"
    for severity, code in raised:
        assert code in (FINDING_ERRORS if severity == "ERROR" else FINDING_WARNINGS), (severity, code)
    assert not set(FINDING_ERRORS) & set(FINDING_WARNINGS)
