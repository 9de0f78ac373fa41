"""The "Reverse" step of an exported line: a confirmation (what will be made), then the service."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views import View

from kernel.mixins import ObjectPermissionMixin
from reviews import reversal
from transactions.lifecycle import Actor
from transactions.models import Transaction

REASON_MAX = 2000


class TransactionReverseView(ObjectPermissionMixin, View):
    """GET or POST without ``_apply``: the confirmation, listing the reversal lines to be made (or
    why the line cannot be reversed); POST with ``_apply`` and a reason: reverse it."""

    model = Transaction
    action = "reverse"
    template_name = "reviews/transaction_reverse.html"

    def get(self, request, pk):
        return self.confirm(self.get_row(pk=pk))

    def post(self, request, pk):
        txn = self.get_row(pk=pk)
        if "_apply" not in request.POST:
            return self.confirm(txn)
        reason = request.POST.get("reason", "").strip()
        if not reason or len(reason) > REASON_MAX:
            return self.confirm(txn, error=f"Say why the line is reversed (at most {REASON_MAX} characters).",
                                reason=reason[:REASON_MAX], status=400)
        outcome = reversal.reverse(txn, by=request.user, reason=reason)
        level = messages.SUCCESS if outcome.ok else messages.INFO if outcome.already else messages.ERROR
        messages.add_message(request, level, outcome.summary(txn.pk))
        return redirect(txn.get_absolute_url())

    def confirm(self, txn, *, error="", reason="", status=200):
        existing = reversal.reversals_of(txn)
        refusal = "" if existing else reversal.why_not(txn)
        lines = [] if existing or refusal else reversal.plan(txn, by=Actor.of(self.request.user))
        context = {
            "page_title": f"Reverse line {txn.pk}?", "txn": txn, "existing": existing, "refusal": refusal,
            "lines": lines, "error": error, "reason": reason, "cancel_url": txn.get_absolute_url(),
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)
