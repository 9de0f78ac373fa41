"""Work-order transactions collected on the floor (PRODUCT.md §4) and their review state."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from kernel.permissions import restrict


class TransactionType(models.TextChoices):
    LABOR = "labor", "Labor"
    CREW_LABOR = "crew_labor", "Crew labor"
    MATERIAL_ISSUE = "material_issue", "Material issue"
    COMPLETION = "completion", "Completion"
    MISC_LABOR = "misc_labor", "Misc labor charge"
    MISC_MATERIAL = "misc_material", "Misc material charge"
    OUTSIDE_PROCESSING = "outside_processing", "Outside processing charge"


# The collected fields of a transaction (PRODUCT.md §5, in its order): what a device or a form
# sends, what the reader reads, what a supervisor may correct.
FIELDS = (
    "work_order", "step", "employee", "crew", "start", "stop", "hours", "qty_completed", "step_complete",
    "item_code", "warehouse", "quantity", "lot_serial", "qty_scrapped", "close_order", "amount", "comment",
)
_T = TransactionType
_MISC = {"required": ("work_order", "step", "amount"), "optional": ("comment",)}
# Per type: the fields it must have and the ones it may have (PRODUCT.md §4), for reading a
# collected line and for correcting one. "comment" is the free text of every type (the misc
# types call it "description"). A timed type also needs the hours, or both start and stop.
TYPE_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    _T.LABOR: {
        "required": ("work_order", "step", "employee"),
        "optional": ("hours", "start", "stop", "qty_completed", "step_complete", "comment"),
    },
    _T.CREW_LABOR: {
        "required": ("work_order", "step", "crew"),
        "optional": ("hours", "start", "stop", "qty_completed", "step_complete", "comment"),
    },
    _T.MATERIAL_ISSUE: {
        "required": ("work_order", "item_code", "warehouse", "quantity"),
        "optional": ("step", "lot_serial", "comment"),
    },
    _T.COMPLETION: {
        "required": ("work_order", "qty_completed"),
        "optional": ("qty_scrapped", "warehouse", "lot_serial", "close_order", "comment"),
    },
    _T.MISC_LABOR: _MISC,
    _T.MISC_MATERIAL: _MISC,
    _T.OUTSIDE_PROCESSING: _MISC,
}
# Per type: every field it has (required or optional).
TYPE_HAS: dict[str, frozenset[str]] = {
    type_: frozenset(spec["required"]) | frozenset(spec["optional"]) for type_, spec in TYPE_FIELDS.items()
}
TIMED_TYPES = (_T.LABOR, _T.CREW_LABOR)
# MAS keys are fixed-width and zero-filled: "20" typed by a person is step 0020, "42" employee 0000042.
PADDED_KEYS = {"work_order": 7, "step": 4, "employee": 7}


class TransactionStatus(models.TextChoices):
    # A line is checked before it is stored: it arrives in one of the first three states
    # (transactions.lifecycle holds every move between them).
    NEEDS_REVIEW = "needs_review", "Needs review"
    FLAGGED = "flagged", "Flagged"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    EXPORTED = "exported", "Exported"


class DecisionSource(models.TextChoices):
    """Who decided a line (approved or rejected it): stored with the decision, never inferred."""

    NONE = "", "Not decided"
    SUPERVISOR = "supervisor", "A supervisor"
    AUTOMATIC = "automatic", "The processing option: process automatically"
    READY_AT_ONCE = "ready_at_once", "The processing option: ready at once"
    SYSTEM = "system", "The portal (before decisions named their source)"


class TransactionSource(models.TextChoices):
    DEVICE = "device", "Handheld (Sync Mode)"
    USER = "user", "Desktop (Direct Connect)"


# The states of a line waiting for a supervisor, as one condition: the partial indexes of
# ``Transaction.Meta`` hold only those lines.
TO_REVIEW_STATES = ("flagged", "needs_review")
WAITING_FOR_REVIEW = models.Q(status__in=TO_REVIEW_STATES)
_TYPE_LABELS = dict(TransactionType.choices)  # made once: get_type_display() rebuilds the choices each call


def line_text(type_: str, work_order: str, pk) -> str:
    """A line's text ("Labor 0001001 #42"), as its audit rows name it: from its type, work order and
    pk alone, so a push or an export can name thousands of lines without a model instance each."""
    return f"{_TYPE_LABELS.get(type_, type_)} {work_order} #{pk}"

# What the queue adds up for the lines a filter matches (hours and quantities, reviews.views).
TOTALLED = ("hours", "qty_completed", "quantity")


def waiting_for_review():
    """The partial indexes' condition as a query term with its values written out: SQLite uses a
    partial index only for a query carrying the very term of the index (a bound parameter does
    not count), PostgreSQL whenever the query implies it. For ``.filter()`` beside the query's
    own ``status`` condition."""
    values = ", ".join(f"'{value}'" for value in TO_REVIEW_STATES)
    return models.expressions.RawSQL(f'"reviews_transaction"."status" IN ({values})', [],
                                     output_field=models.BooleanField())


class TransactionQuerySet(models.QuerySet):
    """Lines per user and action (``kernel.permissions.restrict``): every line for a user
    with the action's permission, none without (which states allow a move is the services' call)."""

    def visible_to(self, user) -> TransactionQuerySet:
        return restrict(self, user, "view")

    def reviewable_by(self, user) -> TransactionQuerySet:
        """Rows the user may approve or reject."""
        return restrict(self, user, "review")

    def editable_by(self, user) -> TransactionQuerySet:
        """Rows the user may correct."""
        return restrict(self, user, "change")


class Transaction(models.Model):
    """One collected line. Field names follow the SyncServices API (PRODUCT.md §5)."""

    client_txn_id = models.UUIDField(unique=True)
    type = models.CharField(max_length=24, choices=TransactionType.choices)
    status = models.CharField(
        max_length=16, choices=TransactionStatus.choices, default=TransactionStatus.NEEDS_REVIEW
    )  # indexed by reviews_txn_status_queue (status, collected_at, id); written by transactions.lifecycle only
    version = models.PositiveIntegerField(default=1)
    source = models.CharField(max_length=8, choices=TransactionSource.choices)
    collected_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    # Indexed by the queue indexes below, not on their own: each index here is rewritten for
    # every line a decision or an export moves, so there is one per filter and no more.
    device = models.ForeignKey(
        "transactions.Device", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    content_hash = models.CharField(max_length=64, help_text="Hash of the collected content, to tell a replay from a conflict.")
    raw = models.JSONField(default=dict, blank=True, help_text="The transaction as the device or form sent it.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(  # not indexed: never filtered on, and every decision rewrites it
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(  # not indexed: never filtered on, and every decision rewrites it
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    review_reason = models.TextField(blank=True)
    # Who made the line's current decision (set with approved/rejected, cleared when it goes back
    # to review); the export schedule sends the lines the automatic option approved. Not indexed:
    # the schedule's claim filters the approved lines, few at any time, by it.
    decision_source = models.CharField(max_length=16, choices=DecisionSource.choices, blank=True, default="")

    work_order = models.CharField(max_length=7)  # indexed by reviews_txn_wo_queue
    step = models.CharField(max_length=4, blank=True)
    # The work center of the mirror step (work_order, step), "" when the mirror has no such step.
    # Derived, stored so the queue's work-center filter is an index (reviews_txn_work_center_queue);
    # set on arrival (intake.services), on every edit (reviews.services.edit) and
    # for open lines after each pull (transactions.revalidation).
    work_center = models.CharField(max_length=5, blank=True)
    employee = models.CharField(max_length=10, blank=True)
    crew = models.CharField(max_length=10, blank=True)
    start = models.DateTimeField(null=True, blank=True)
    stop = models.DateTimeField(null=True, blank=True)
    hours = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    qty_completed = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    step_complete = models.BooleanField(null=True, blank=True)
    item_code = models.CharField(max_length=30, blank=True)
    warehouse = models.CharField(max_length=3, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    lot_serial = models.CharField(max_length=30, blank=True)
    qty_scrapped = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    close_order = models.BooleanField(null=True, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    comment = models.CharField(max_length=2048, blank=True)
    # A reversal line (reviews.reversal) points at the exported line it takes back out of MAS: the
    # negative of its hours or quantities, a labor line's hours in lines of at most 8 (PRODUCT.md §4).
    # A line is reversed once: its reversals are all the lines pointing at it.
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals", db_index=False,
        help_text="The exported line this line reverses.",
    )  # indexed by reviews_txn_reverses, over the few reversal lines only

    objects = TransactionQuerySet.as_manager()

    class Meta:
        db_table = "reviews_transaction"  # the table it had in the reviews app
        ordering = ["-collected_at", "-id"]
        # The queue pages in (collected_at, id) order, optionally within one state, work order,
        # employee, crew, work center, device or person who entered it: each has an index that
        # serves "the next 50" without a sort or a count.
        indexes = [
            models.Index(fields=["status", "collected_at", "id"], name="reviews_txn_status_queue"),
            models.Index(fields=["collected_at", "id"], name="reviews_txn_queue"),
            models.Index(fields=["work_order", "collected_at", "id"], name="reviews_txn_wo_queue"),
            models.Index(fields=["employee", "collected_at", "id"], name="reviews_txn_employee_queue"),
            models.Index(fields=["crew", "collected_at", "id"], name="reviews_txn_crew_queue"),
            models.Index(fields=["work_center", "collected_at", "id"], name="reviews_txn_work_center_queue"),
            models.Index(fields=["device", "collected_at", "id"], name="reviews_txn_device_queue"),
            models.Index(fields=["entered_by", "collected_at", "id"], name="reviews_txn_entered_by_queue"),
            # The keyed filters of the lines waiting for review ("this employee, to review"): partial
            # indexes of those lines only (a few thousand at any time, whatever the history). A
            # query uses them when it carries the ``waiting_for_review()`` term (below).
            *(models.Index(fields=[field, "collected_at", "id"], condition=WAITING_FOR_REVIEW,
                           name=f"reviews_txn_{short}_waiting")
              for field, short in (("work_order", "wo"), ("employee", "employee"), ("crew", "crew"),
                                   ("work_center", "wc"), ("device", "device"),
                                   ("entered_by", "entered"))),
            # A state's lines under one work order, employee or device, in the queue's order: the
            # queue's tab counts under those filters ("this work order: 12 approved") read only the
            # lines they count — on the keyed indexes above they read the key's whole history to
            # find them. The work order's and the employee's also hold what the queue totals, so a
            # search's totals add up a work order's lines from the index alone (kernel.parts).
            models.Index(fields=["work_order", "status", "collected_at", "id", *TOTALLED],
                         name="reviews_txn_wo_state"),
            models.Index(fields=["employee", "status", "collected_at", "id", *TOTALLED],
                         name="reviews_txn_employee_state"),
            models.Index(fields=["device", "status", "collected_at", "id"], name="reviews_txn_device_state"),
            # The overlap check of a new labor line (transactions.validation): an employee's timed
            # labor lines that end after the new ones start — the last days', where the employee's
            # keyed index holds years of them (a push read every such line, the whole table at 2M).
            models.Index(fields=["employee", "stop"], condition=models.Q(type="labor", stop__isnull=False),
                         name="reviews_txn_labor_peers"),
            # "My lines" of the device API: one device's lines changed since a cursor, in change order.
            models.Index(fields=["device", "updated_at", "id"], name="reviews_txn_device_changes"),
            # "Reversed by …" on a line page: the reversal lines of a line (nearly every line has none).
            models.Index(fields=["reverses"], condition=models.Q(reverses__isnull=False), name="reviews_txn_reverses"),
        ]
        permissions = [
            ("review_transaction", "Can approve or reject collected transactions"),
            ("approve_over_error", "Can approve a transaction over an error-level finding"),
            ("export_transactions", "Can send approved transactions to MAS"),
            ("reverse_transaction", "Can reverse an exported transaction with a negative line"),
        ]

    def __str__(self) -> str:
        return line_text(self.type, self.work_order, self.pk)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reviews:transaction_detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        """Exported lines are never edited, approved or rejected again."""
        return self.status == TransactionStatus.EXPORTED

    @property
    def is_reversal(self) -> bool:
        """A line the portal made to reverse an exported one: its negative values are meant."""
        return self.reverses_id is not None


class Severity(models.TextChoices):
    ERROR = "error", "Error"
    WARNING = "warning", "Warning"


class Finding(models.Model):
    """One validation finding on a transaction, in words a supervisor understands."""

    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE, related_name="findings")
    severity = models.CharField(max_length=8, choices=Severity.choices)
    code = models.SlugField(max_length=40, help_text="Stable name of the check, e.g. closed_work_order.")
    field = models.CharField(max_length=30, blank=True, help_text="The transaction field it is about, if one.")
    message = models.CharField(max_length=300)

    class Meta:
        db_table = "reviews_finding"  # the table it had in the reviews app
        ordering = ["transaction", "-severity", "code"]
        indexes = [models.Index(fields=["code", "severity"])]

    def __str__(self) -> str:
        return f"{self.get_severity_display()}: {self.message}"
