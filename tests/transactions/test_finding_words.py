"""Every finding code in plain words."""
from __future__ import annotations


def test_every_finding_code_has_its_plain_words():
    """The queue's rows and its Finding filter show a code in words: every code the checks raise has them."""
    from tests.plant import finding_codes
    from transactions.validation import FINDING_SUMMARIES

    assert finding_codes(collected=False) <= set(FINDING_SUMMARIES)
