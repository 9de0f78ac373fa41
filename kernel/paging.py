"""The list pages' paging parameters, read the same way on every list and every table prefix.

``?page=`` (or ``?lines-page=`` for a table with the prefix ``lines-``) and ``?per_page=`` come
from links people share and edit by hand. Read here, for every table of every list:

- not a whole number of 1 or more (``abc``, ``-5``, ``1.5``) → a 400 page that says which
  parameter and why;
- a page past the end (however large the number) → the last page;
- a page size above ``MAX_PER_PAGE`` → ``MAX_PER_PAGE`` rows: no address returns a whole table.

Only a page past the end counts the rows (to find the last page); every other page is read
lazily, as ``LazyPaginator`` does.
"""
from __future__ import annotations

import re

from django.core.paginator import EmptyPage
from django.shortcuts import render
from django_tables2 import RequestConfig

MAX_PER_PAGE = 500
MAX_PAGE = 1_000_000  # beyond it a page is past the end of any list the portal holds
_WHOLE = re.compile(r"[0-9]+")


class BadListParameter(Exception):
    """A list parameter that cannot be read; ``str()`` says which and why, for the page."""


def whole_number(params, name: str) -> int | None:
    """The parameter ``name`` as a whole number of 1 or more, ``None`` when absent or empty; a
    number too long to matter reads as ``MAX_PAGE + 1``."""
    value = params.get(name, "").strip()
    if value == "":
        return None
    digits = value.lstrip("0") if _WHOLE.fullmatch(value) else ""
    if not digits:
        raise BadListParameter(f"{name} must be a whole number, 1 or more (not “{value[:40]}”).")
    return MAX_PAGE + 1 if len(digits) > 18 else int(digits)


class ListRequestConfig(RequestConfig):
    """``RequestConfig`` (sorting and paging from the request) with the paging bounds above."""

    def configure(self, table):
        RequestConfig(self.request, paginate=False).configure(table)  # the sort order
        if not self.paginate:
            return table
        options = dict(self.paginate) if hasattr(self.paginate, "items") else {}
        options.pop("silent", None)
        params = self.request.GET
        page = whole_number(params, table.prefixed_page_field) or 1
        per_page = whole_number(params, table.prefixed_per_page_field) or options.pop("per_page", None)
        options.pop("per_page", None)
        per_page = min(per_page or table._meta.per_page, MAX_PER_PAGE)
        try:
            if page > MAX_PAGE:
                raise EmptyPage
            table.paginate(page=page, per_page=per_page, **options)
        except EmptyPage:
            last = max(1, -(-len(table.rows) // per_page))  # the one count, past the end only
            table.paginate(page=last, per_page=per_page, **options)
        return table


class ListParametersMixin:
    """For a view with tables configured by ``ListRequestConfig``: a bad parameter answers 400."""

    def check_parameters(self, params) -> None:
        """Raise ``BadListParameter`` for a parameter of the view's own (e.g. ``_export``)."""

    def get(self, request, *args, **kwargs):
        try:
            self.check_parameters(request.GET)
            return super().get(request, *args, **kwargs)
        except BadListParameter as exc:
            return bad_parameter(request, str(exc))


def bad_parameter(request, message: str):
    """The 400 page: what is wrong, and a link to the same list (its filters kept) without the
    paging and export parameters."""
    query = request.GET.copy()
    for key in list(query):
        if key.endswith(("page", "per_page")) or key == "_export":
            del query[key]
    back = f"{request.path}?{query.urlencode()}" if query else request.path
    return render(request, "bad_request.html", {"message": message, "back_url": back}, status=400)
