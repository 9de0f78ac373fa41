"""How a recorded change reads on a page: the audit list's own rule, for the pages that
show an object's history themselves (a line's History)."""
from __future__ import annotations

from django import template

from audit.display import change_rows as _change_rows
from audit.tables import _show

register = template.Library()


@register.filter
def change_value(value):
    """"—" for none; a moment in plant time; anything else as recorded."""
    return _show(value)


@register.filter
def change_rows(entry):
    """(label, before, after) of each change of an audit row, in words."""
    return _change_rows(entry)
