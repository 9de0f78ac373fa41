"""Template filters of the portal's one way to show a value (see ``kernel.display``)."""
from __future__ import annotations

from django import template

from kernel.display import number_text

register = template.Library()


@register.filter
def number(value):
    """``6.0000`` → ``6``, ``2.500`` → ``2.5``; anything not a number as it is."""
    if value is None or value == "":
        return value
    try:
        return number_text(value)
    except (TypeError, ValueError, AttributeError):
        return value
