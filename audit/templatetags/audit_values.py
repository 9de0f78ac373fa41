"""How a recorded change's value reads on a page: the audit list's own rule, for the pages that
show an object's history themselves (a line's History)."""
from __future__ import annotations

from django import template

from audit.tables import _show

register = template.Library()


@register.filter
def change_value(value):
    """"—" for none; a moment in plant time; anything else as recorded."""
    return _show(value)
