"""The transaction core's models: collected lines and their findings (``transaction.py``), the
devices they come from, the processing option per type and the validation thresholds
(``intake.py``). Import them from here: ``from transactions.models import Transaction``."""
from transactions.models.transaction import (
    FIELDS, PADDED_KEYS, TIMED_TYPES, TYPE_FIELDS, DecisionSource, Finding, Severity, Transaction, TransactionQuerySet,
    TransactionSource, TransactionStatus, TransactionType, TO_REVIEW_STATES, TOTALLED, TYPE_HAS, line_text, waiting_for_review,
)
from transactions.models.intake import Device, IntakeSettings, ProcessingMode, ProcessingOption

__all__ = [
    "FIELDS", "PADDED_KEYS", "TIMED_TYPES", "TYPE_FIELDS", "DecisionSource", "Device", "Finding", "IntakeSettings", "ProcessingMode",
    "ProcessingOption", "Severity", "Transaction", "TransactionQuerySet", "TransactionSource", "TransactionStatus",
    "TransactionType", "TO_REVIEW_STATES", "TOTALLED", "TYPE_HAS", "line_text", "waiting_for_review",
]
