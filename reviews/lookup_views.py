"""Suggestions from the mirror while a line is corrected (issue 14 item 6): the work orders, steps
of one work order, employees, crews and items whose code begins with the typed text or whose
name contains it, as JSON for the correction form's comboboxes (static/reviews/lookups.js).

Whoever may correct a line may ask (the ``change`` action on lines); every other answer is a
JSON error naming the parameter and why, never a page.
"""
from __future__ import annotations

from django.http import JsonResponse
from django.views import View

from kernel.mixins import ObjectPermissionMixin
from mas import names
from transactions.models import PADDED_KEYS, Transaction

# lookup kind -> the line's field it fills (whose MAS key width pads a typed number)
FIELDS = {"work_order": "work_order", "step": "step", "employee": "employee", "crew": "crew", "item": "item_code"}
MAX_TEXT = 60  # the longest name in the mirror (a code is at most 30)


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _bad_text(value: str, name: str, longest: int) -> str:
    """Why ``value`` cannot be looked up, or "" when it can."""
    if len(value) > longest:
        return f"{name}: at most {longest} characters."
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return f"{name}: no control characters."
    return ""


class LookupView(ObjectPermissionMixin, View):
    """``GET /review/lookups/<kind>/?q=…`` (``&work_order=…`` for steps): at most 20 rows of the
    mirror, ``{"kind", "q", "results": [{"code", "name", "usable", "note"}], "complete"}``, the rows
    to pick first (``mas.names.lookup``); ``complete`` is false when a search by name ran out of
    its time and more may match. Nothing typed: no suggestions."""

    model = Transaction
    action = "change"  # the same as correcting a line
    http_method_names = ["get"]

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            return _error(403, "You may not use this page: suggestions are for those who may correct lines.")
        return super().handle_no_permission()

    def get(self, request, kind):
        if kind not in FIELDS:
            return _error(400, f"kind: no lookup of {kind[:30]!r}; one of {', '.join(FIELDS)}.")
        text = request.GET.get("q", "").strip()
        problem = _bad_text(text, "q", MAX_TEXT)
        work_order = ""
        if kind == "step":
            work_order = request.GET.get("work_order", "").strip().upper()
            problem = problem or _bad_text(work_order, "work_order", PADDED_KEYS["work_order"])
            if work_order.isdigit():
                work_order = work_order.zfill(PADDED_KEYS["work_order"])
            if text and not work_order and not problem:
                problem = "work_order: give the work order whose steps to suggest."
        if problem:
            return _error(400, problem)
        if not text:
            return JsonResponse({"kind": kind, "q": "", "results": [], "complete": True})
        found = names.lookup(kind, text, work_order=work_order, width=PADDED_KEYS.get(FIELDS[kind], 0))
        return JsonResponse({"kind": kind, "q": text, "results": found.results, "complete": found.complete})
