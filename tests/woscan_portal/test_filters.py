"""The free-text search box every list page shares."""
from __future__ import annotations

import pytest

from mas.filtersets import ItemFilterSet
from mas.models import Item
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


def test_the_text_matches_any_of_the_fields_and_blank_text_filters_nothing():
    bracket = ItemFactory(code="BRK-0001", description="STEEL BRACKET")
    panel = ItemFactory(code="PNL-0002", description="SIDE PANEL")

    def found(text):
        return set(ItemFilterSet({"q": text}, queryset=Item.objects.all()).qs)

    assert found("  bracket ") == {bracket}  # stripped, any case, description
    assert found("PNL") == {panel}  # code
    assert found("   ") == found("") == {bracket, panel}
