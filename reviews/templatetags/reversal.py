"""``{% reversal_block txn %}``: the line page's reversal block (templates/reviews/_reversal.html)."""
from __future__ import annotations

from django import template

from kernel.permissions import may
from reviews import reversal
from transactions.models import Transaction

register = template.Library()


@register.inclusion_tag("reviews/_reversal.html", takes_context=True)
def reversal_block(context, txn: Transaction) -> dict:
    """The links both ways ("Reverses …", "Reversed by …") and, for a supervisor, "Reverse" or why
    not. Nothing at all for a line that is not exported and has no link."""
    request = context.get("request")
    reversals = reversal.reversals_of(txn)
    can = request is not None and may(request.user, Transaction, "reverse")
    refusal = reversal.why_not(txn) if can and txn.is_locked and not reversals and not txn.is_reversal else ""
    return {
        "txn": txn, "reverses": txn.reverses if txn.is_reversal else None, "reversals": reversals,
        "show": bool(reversals) or txn.is_reversal or (can and txn.is_locked),
        "can_reverse": can and txn.is_locked and not reversals and not txn.is_reversal and not refusal,
        "refusal": refusal, "csrf_token": context.get("csrf_token"),
    }
