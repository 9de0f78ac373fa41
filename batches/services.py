"""The export's state changes (STYLE.md): export, finish, acknowledge, re-export, void.

A batch moves ``writing → exported → imported → posted`` (the last two also by the MAS
reconciliation, ``batches.reconcile``), or ``imported → deleted_in_mas``, from which a
permitted user re-exports it (``reexported``, its lines go to a new batch) or voids it
(``voided``, its lines go back to the review queue, where their findings say). Every move of a
batch is ``batches.lifecycle.move`` and every move of a line ``transactions.lifecycle``; who acts
is always said (``by``: a user or a ``lifecycle.Actor``, never ``None``).

Exactly once, whatever crashes:

1. In one database transaction the approved lines are claimed in one statement
   (compare-and-set ``approved → exported``, version + 1: ``batches.claim``), the batch is
   created in ``writing`` and its lines are stored with the values the file will hold, read
   once, a chunk at a time. When the claimed lines are not the ones the user confirmed (the
   fingerprint of their ``(id, version)``), the transaction is rolled back and nothing is sent.
   A crash before the commit leaves nothing: the lines are still approved and no file was written.
2. After the commit the files are written (``batches.writer``: CSV, then the control file,
   each to a temporary name and renamed) and the batch is marked ``exported``. Before the
   control file's rename the batch records the staged file's name (``publishing``), so that a
   crash at any moment leaves a ``writing`` batch of which recovery can tell *never published*
   (write it, or rename the staged control file) from *published* (the importer may have taken
   it: never written again) — ``finish_batch``.
3. ``recover_batches()`` — run at the start of every export, by the schedule and by
   ``manage.py export_batches --recover`` — finishes every ``writing`` batch that way (the
   content comes from the database, so the bytes are the same) and marks it exported. It
   also writes again the files of an ``exported`` batch that were changed on the share or that
   the importer refused (same bytes, same SHA-256), retires the files of re-exported and voided
   batches that are still in the folder, and removes the temporary files a crash left.

A re-exported or voided batch must never be taken again: after the commit its files are moved
into ``retired/`` (``writer.retire``), the control file first. A share out of reach does not
undo the state change; the next ``recover_batches()`` moves them.

An export folder that cannot be read stops an export before anything is created
(``ExportFolderError``: nothing was sent).

A transaction is in at most one live batch, ever: a partial unique constraint on
``BatchLine(transaction) WHERE live`` holds it in the database itself.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from itertools import islice
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import capfirst

from audit.actions import AuditAction
from audit.log import record
from batches import claim, folder_lock, lifecycle, writer
from batches.models import RETIRED_STATUSES, BatchLine, BatchStatus, ExportBatch
from kernel.bulk import insert_rows
from transactions import lifecycle as line_states
from transactions.lifecycle import Actor
from transactions.models import DecisionSource, Transaction, TransactionStatus, line_text

log = logging.getLogger(__name__)

CHUNK = 900  # ids per IN (...) list and rows per bulk write
READ_CHUNK = 2_000  # approved lines read at a time for the confirmation page
PREVIEW_ROWS = 200  # lines of a selection kept for the confirmation page's list (views.SEND_PREVIEW_LINES)
SCHEDULE_LABEL = "schedule (automatic processing)"
SCHEDULE = Actor.system(SCHEDULE_LABEL)  # the export schedule (batches.tasks)
WRITER = Actor.system("Export folder")  # what writes, rewrites and retires the files
_FILE_NUMBER = re.compile(r"^WOS(\d{6,})\.(csv|ctl)$")
# Read for each line to export: what the totals and the batch line need.
_SELECT = ("pk", "version", "type", "work_order", "hours", "start", "stop", "quantity", "qty_completed")
# What the export reads of each claimed line: _SELECT, then the CSV's other columns (writer.TXN_FIELDS).
_CLAIMED = _SELECT + ("collected_at", "step", "employee", "crew", "step_complete", "item_code", "warehouse",
                      "lot_serial", "qty_scrapped", "close_order", "amount", "comment")


class BatchStateError(Exception):
    """The batch is not in a state that allows this; the message says why, for the page or the API."""


class ExportFolderError(Exception):
    """The export folder cannot be read: nothing was sent. The message names the folder."""


class Tally:
    """Counts, totals by type and the fingerprint of lines seen in order, oldest first, a chunk at a time."""

    def __init__(self):
        self.count = 0
        self.by_type: dict[str, dict] = {}
        self.total_hours = Decimal(0)
        self.total_quantity = Decimal(0)
        self._digest = hashlib.sha256()

    def add_many(self, lines: list[tuple]) -> None:
        """Lines given as ``(pk, version, type, hours, quantity)``, in turn: their hours and
        quantities are added one line after the other, and the fingerprint is the same however
        the lines are split into calls (one digest update with the text of several lines is the
        digest of one update per line)."""
        zero, by_type = Decimal(0), self.by_type
        total_hours, total_quantity = self.total_hours, self.total_quantity
        for _pk, _version, type_, hours, quantity in lines:
            h, q = hours or zero, quantity or zero
            bucket = by_type.get(type_)
            if bucket is None:
                bucket = by_type[type_] = {"lines": 0, "hours": Decimal(0), "quantity": Decimal(0)}
            bucket["lines"] += 1
            bucket["hours"] += h
            bucket["quantity"] += q
            total_hours += h
            total_quantity += q
        self.total_hours, self.total_quantity = total_hours, total_quantity
        self.count += len(lines)
        self._digest.update("".join([f"{pk}:{version};" for pk, version, *_ in lines]).encode())

    @property
    def fingerprint(self) -> str:
        """Changes when any line is added, removed or changed (its version moves)."""
        return self._digest.hexdigest()


@dataclass
class Selection:
    """Approved lines about to be exported, with their totals (for the confirmation page).

    ``rows`` holds the first ``PREVIEW_ROWS`` lines only (the page lists no more); ``count``,
    the totals and ``fingerprint`` are of all of them.
    """

    rows: list[tuple]
    count: int = 0
    by_type: dict[str, dict] = field(default_factory=dict)
    total_hours: Decimal = Decimal(0)
    total_quantity: Decimal = Decimal(0)
    fingerprint: str = ""


@dataclass
class ExportOutcome:
    batch: ExportBatch | None = None
    changed: bool = False  # the lines differ from what the caller confirmed: nothing was done
    written: bool = False  # the files are written and the batch is exported
    recovered: list[int] = field(default_factory=list)


# --- what would be exported ---------------------------------------------------------------
def approved_lines(ids=None, *, automatic_only: bool = False):
    """The approved transactions to export, oldest first.

    ``automatic_only``: only lines approved by the automatic processing option (their
    ``decision_source``) — what the export schedule sends.
    """
    qs = Transaction.objects.filter(status=TransactionStatus.APPROVED)
    if automatic_only:
        qs = qs.filter(decision_source=DecisionSource.AUTOMATIC)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.order_by("collected_at", "pk")


def select(ids=None, *, automatic_only: bool = False) -> Selection:
    """What an export would send now, read a chunk at a time: memory does not grow with the lines."""
    tally, head = Tally(), []
    rows = approved_lines(ids, automatic_only=automatic_only).values_list(*_SELECT).iterator(chunk_size=READ_CHUNK)
    line_hours, line_quantity = writer.line_hours, writer.line_quantity
    while chunk := list(islice(rows, READ_CHUNK)):
        tally.add_many([(pk, version, type_, line_hours(hours, start, stop), line_quantity(quantity, qty_completed))
                        for pk, version, type_, _wo, hours, start, stop, quantity, qty_completed in chunk])
        head.extend(chunk[:PREVIEW_ROWS - len(head)])
    return Selection(rows=head, count=tally.count, by_type=tally.by_type, total_hours=tally.total_hours,
                     total_quantity=tally.total_quantity, fingerprint=tally.fingerprint)


# --- export ---------------------------------------------------------------------------------
def next_number() -> int:
    """One more than any batch in the database or any batch file in the export folder.

    Numbers may have gaps (a rolled-back export) but are never reused, even for files of an
    export whose transaction never committed.
    """
    _directory, in_folder = _read_folder()
    return max((ExportBatch.objects.aggregate(n=Max("number"))["n"] or 0, *in_folder)) + 1


def _read_folder() -> tuple[Path, set[int]]:
    """The export folder and the batch numbers of the WOS files in it (not those in ``retired/``:
    their batches are in the database, which keeps their numbers). ``ExportFolderError`` when the
    folder cannot be read."""
    try:
        directory = writer.export_dir()
        names = [entry.name for entry in directory.iterdir()]
    except OSError as exc:
        raise ExportFolderError(
            f"{capfirst(writer.unreadable(exc))}: nothing was sent to MAS. Check that the share is reachable, "
            "then send again."
        ) from exc
    return directory, {int(m[1]) for name in names if (m := _FILE_NUMBER.match(name))}


class _Changed(Exception):
    """The claimed lines are not the ones the user confirmed: the export's transaction is rolled back."""


def export_transactions(
    ids=None, *, by, automatic_only: bool = False, confirmed: str | None = None
) -> ExportOutcome:
    """Export the approved lines (all, or those of ``ids``) as one new batch, ``by`` a user who
    may export or a system actor (``SCHEDULE``, a command).

    ``confirmed`` is the fingerprint of the selection the user saw: when the lines changed
    since, nothing is exported and ``changed`` says so. Returns the batch, or none when no
    line was approved. Raises ``ExportFolderError`` (nothing created) when the export folder
    cannot be read.

    The lines are claimed in one statement (``batches.claim``), then read once, a chunk at a
    time, to store the batch lines and the audit rows: the cost follows the lines exported.
    """
    actor = line_states.check("export", by)
    outcome = ExportOutcome(recovered=recover_batches())
    for attempt in range(3):
        staged: list[writer.StagedCsv] = []
        try:
            with transaction.atomic():
                batch = _export(ids, by=actor, automatic_only=automatic_only, confirmed=confirmed, staged=staged)
                if batch is None:
                    return outcome
                staged_file = staged[0]
                facts = staged_file.close()
                transaction.on_commit(partial(
                    finish_batch, batch.pk, staged_csv=(staged_file.path, facts) if facts else None))
            break
        except _Changed:
            outcome.changed = True
            return outcome
        except IntegrityError:
            # Another export took the same number at the same moment; try the next one.
            if attempt == 2:
                raise
        finally:
            for staged_file in staged:  # placed by finish_batch, or not to be used (rolled back, folder held)
                staged_file.discard()
    batch.refresh_from_db()
    outcome.batch = batch
    outcome.written = batch.status == BatchStatus.EXPORTED
    return outcome


def _export(ids, *, by: Actor, automatic_only: bool, confirmed: str | None, staged: list) -> ExportBatch | None:
    """Claim, create the batch, store its lines and audit rows, and stage its CSV from the same
    rows (``writer.StagedCsv``, appended to ``staged``); in the caller's transaction."""
    now = timezone.now()
    count = claim.claim(ids, automatic_only=automatic_only, now=now)
    if not count:
        claim.release()
        if confirmed is not None and confirmed != Tally().fingerprint:
            raise _Changed
        return None
    batch = lifecycle.create(by=by, number=next_number(), lines=count)
    staged_file = writer.StagedCsv(batch)
    staged.append(staged_file)
    tally = Tally()
    for chunk in claim.claimed_chunks(*_CLAIMED):
        lines, refs = _export_chunk(chunk, batch_pk=batch.pk, first_line_no=tally.count + 1, tally=tally,
                                    staged_file=staged_file)
        _insert_lines(lines)
        line_states.record_exported(refs, batch_label=batch.label, by=by)
    if tally.count != count:
        raise RuntimeError(f"{count} lines were claimed but {tally.count} were read")
    if confirmed is not None and confirmed != tally.fingerprint:
        raise _Changed
    claim.release()
    ExportBatch.objects.filter(pk=batch.pk).update(total_hours=tally.total_hours, total_quantity=tally.total_quantity)
    batch.total_hours, batch.total_quantity = tally.total_hours, tally.total_quantity
    # The batch's own audit row, once its lines are stored.
    lifecycle.record_created(batch, by=by, changes={"lines": [None, batch.lines], "total_hours": [None, batch.total_hours]})
    return batch


def _export_chunk(chunk: list[tuple], *, batch_pk: int, first_line_no: int, tally: Tally,
                  staged_file: writer.StagedCsv) -> tuple[list[tuple], list[_TxnRef]]:
    """One chunk of claimed lines (``_CLAIMED`` values): counted, its CSV rows staged; returns
    its batch lines (``_LINE_COLUMNS``) and what their audit rows need.

    One pass per line, with the functions it calls bound once (it runs for every line exported).
    """
    line_hours, line_quantity, ref = writer.line_hours, writer.line_quantity, _TxnRef
    counted, lines, refs, csv_rows = [], [], [], []
    for line_no, (pk, version, type_, wo, hours, t0, t1, quantity, qty_completed, collected_at, step, employee, crew,
                  step_complete, item_code, warehouse, lot_serial, qty_scrapped, close_order, amount,
                  comment) in enumerate(chunk, first_line_no):
        h, q = line_hours(hours, t0, t1), line_quantity(quantity, qty_completed)
        counted.append((pk, version - 1, type_, h, q))  # the version the supervisor saw, before the claim
        lines.append((batch_pk, pk, line_no, True, type_, h, q))
        refs.append(ref(pk, type_, wo))
        csv_rows.append((pk, line_no, type_, h, q, collected_at, wo, step, employee, crew, t0, t1, qty_completed,
                         step_complete, item_code, warehouse, quantity, lot_serial, qty_scrapped, close_order, amount,
                         comment))
    tally.add_many(counted)
    staged_file.add_many(csv_rows)
    return lines, refs


_LINE_COLUMNS = ("batch_id", "transaction_id", "line_no", "live", "type", "hours", "quantity")


def _insert_lines(rows) -> None:
    """Store up to ``CHUNK`` batch lines in bulk (``bulk_create`` built a model per row, which was
    most of the time of a 50,000-line export). The constraints still hold in the database."""
    adapt = connection.ops.adapt_decimalfield_value
    insert_rows(BatchLine._meta.db_table, _LINE_COLUMNS, (
        (b, t, n, live, ty, None if h is None else adapt(h, 9, 3), None if q is None else adapt(q, 14, 4))
        for b, t, n, live, ty, h, q in rows
    ))


class _TxnRef:
    """What ``audit.log.record`` needs of a transaction (its pk, model and text), without
    building a full model instance for each of 50,000 lines."""

    __slots__ = ("pk", "text")
    _meta = Transaction._meta

    def __init__(self, pk: int, type_: str, work_order: str):
        self.pk = pk
        self.text = line_text(type_, work_order, pk)

    def __str__(self) -> str:
        return self.text


def finish_batch(batch_id: int, *, files_taken: bool = False, staged_csv: tuple | None = None) -> bool:
    """Write a committed batch's files (CSV, then control) and mark it exported. Run outside a
    transaction (after the export's commit, or by recovery): what it records before renaming the
    control file must be committed before the rename.

    Idempotent: a batch already past ``writing`` is left alone. A folder that cannot be
    written (full disk, share gone) leaves the batch in ``writing`` for the next run, and so
    does a batch whose predecessor's files are still in the folder (a re-export whose old files
    could not be retired): the importer must never find both ready. ``files_taken``: the
    importer has already taken the files (it acknowledged the batch), so they are not written
    again — only what they held is worked out, for the record. ``staged_csv``: (path, facts) of
    the CSV the export staged from the lines it claimed (``writer.StagedCsv``), renamed into place
    in step 1 instead of writing the CSV again.

    A batch reaches the folder once, whatever the moment of a crash (one process at a time,
    ``batches.folder_lock``):

    1. the CSV is written (temporary name, fsync, rename) — not yet a batch for the importer;
    2. the control file is staged under its temporary name and fsynced;
    3. the batch records that name and the CSV's SHA-256 (``publishing``, committed);
    4. the staged file is renamed to ``WOS<N>.ctl`` — from here WOScan Sync may take the batch;
    5. the batch is marked exported.

    A run that finds a batch still ``writing`` tells the cases apart: no ``publishing`` — never
    published (3 not reached): its leftover temporary files are removed and it is written from
    the start; ``publishing`` names a file still there — never published (4 not reached): the
    staged control file is renamed now; that file gone — it was renamed: the batch was
    published, and perhaps taken by WOScan Sync already, so nothing is written again.
    """
    with folder_lock.export_folder_lock() as held:
        if not held:
            log.warning("Batch %s: another process is writing the export folder; the next run finishes it.", batch_id)
            return False
        return _finish_batch(batch_id, files_taken=files_taken, staged_csv=staged_csv)


def _finish_batch(batch_id: int, *, files_taken: bool, staged_csv: tuple | None = None) -> bool:
    batch = ExportBatch.objects.select_related("replaces").get(pk=batch_id)
    if batch.status != BatchStatus.WRITING:
        return False
    try:
        directory = writer.export_dir()
        staged = directory / batch.publishing if batch.publishing else None
        if not files_taken and staged is None and _complete_control_file(batch, directory):
            files_taken = True  # a control file of this batch stands in the folder: it was published
        elif not files_taken and staged is not None and not staged.exists():
            log.warning("%s was published before a crash (its control file was renamed into place); "
                        "it is not written again.", batch)
            files_taken = True
        if files_taken:
            facts = writer.csv_facts(batch)
            if batch.sha256 and facts.sha256 != batch.sha256:
                raise RuntimeError(f"{batch} holds other lines than its published files (SHA-256 {facts.sha256})")
        else:
            if batch.replaces and writer.ctl_path(batch.replaces, directory).exists():
                log.error("%s is not written yet: the files of %s, which it replaces, are still in the export "
                          "folder (they could not be moved to %s/); the next run tries again.",
                          batch, batch.replaces, writer.RETIRED_DIR)
                return False
            ours = staged_csv[0] if staged_csv and staged is None else None
            if staged is None:
                stray = writer.remove_temporaries(
                    path for path in writer.temporaries(directory).get(batch.number, []) if path != ours)
                if stray:
                    log.warning("%s: removed %s, left by a crash.", batch, ", ".join(stray))
            if ours is not None and ours.parent == directory and ours.exists() and staged_csv[1].lines == batch.lines:
                writer.place_staged(ours, batch, directory)
                facts = staged_csv[1]
            else:
                facts = _write_csv_once(batch, directory, staged)
            if staged is None:
                staged = writer.stage_ctl(batch, facts, directory)
                if not _mark_publishing(batch, staged.name, facts.sha256):
                    staged.unlink(missing_ok=True)
                    return False
            writer.publish(staged, batch, directory)
    except OSError as exc:
        log.error("%s: its files could not be written (%s); the next run will write them.", batch, exc)
        return False
    return lifecycle.move(
        batch, BatchStatus.EXPORTED, by=WRITER,
        values={"sha256": facts.sha256, "written_at": timezone.now(), "publishing": ""},
        changes={"sha256": [None, facts.sha256]},
    )


def _write_csv_once(batch: ExportBatch, directory: Path, staged: Path | None) -> writer.FileFacts:
    """The CSV, written (first time) or checked (the control file is staged: the CSV was complete
    then, and is written again only if it changed on the share since)."""
    if staged is not None:
        data = writer.csv_path(batch, directory)
        if data.is_file() and writer.sha256_of(data) == batch.sha256:
            return writer.csv_facts(batch)
    facts = writer.write_csv(batch, directory)
    if facts.lines != batch.lines:
        raise RuntimeError(f"{batch} has {batch.lines} lines but {facts.lines} were written")
    return facts


def _complete_control_file(batch: ExportBatch, directory: Path) -> bool:
    """A control file naming this batch is in the folder (a crash of an export from before the
    ``publishing`` record, after its rename)."""
    try:
        content = json.loads(writer.ctl_path(batch, directory).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(content, dict) and content.get("batch") == batch.number and content.get("lines") == batch.lines


def _mark_publishing(batch: ExportBatch, staged_name: str, sha256: str) -> bool:
    """Record, committed, that the control file ``staged_name`` is about to be renamed into place."""
    updated = ExportBatch.objects.filter(pk=batch.pk, status=BatchStatus.WRITING, version=batch.version).update(
        publishing=staged_name, sha256=sha256, version=F("version") + 1
    )
    if updated:
        batch.version += 1
        batch.publishing, batch.sha256 = staged_name, sha256
    return bool(updated)


def rewrite_files(batch: ExportBatch, directory: Path | None = None) -> bool:
    """Write the files of an ``exported`` batch again when WOScan Sync cannot have imported them
    as they are: both are there but do not match (changed on the share), or the importer
    refused the batch. Files that are simply gone are not written again: WOScan Sync may have
    taken them away after importing them, and writing them back would offer MAS the batch a
    second time; the batch page says they are missing, and the next pull shows whether MAS
    holds the batch.

    The content comes from the database, so the bytes and the SHA-256 are the ones the batch
    holds; if they are not, the control file is not written (the batch stays not ready) and the
    error is logged. One check per batch (``writer.file_problem``).
    """
    with folder_lock.export_folder_lock() as held:
        return held and _rewrite_files(batch, directory)


def _rewrite_files(batch: ExportBatch, directory: Path | None) -> bool:
    try:
        problem = writer.file_problem(batch, directory)
        if problem is None:
            return False
        present = writer.csv_path(batch, directory).is_file() and writer.ctl_path(batch, directory).is_file()
        if not present and not batch.import_error:
            log.warning("%s: %s; not written again (WOScan Sync may have taken it).", batch, problem)
            return False
        log.warning("%s: %s; writing its files again.", batch, problem)
        facts = writer.write_csv(batch, directory)
        if facts.sha256 != batch.sha256:
            log.error("%s: its files written again differ from the batch (SHA-256 %s, not %s); "
                      "the control file is not written.", batch, facts.sha256, batch.sha256)
            return False
        writer.write_ctl(batch, facts, directory)
    except OSError as exc:
        log.error("%s: its files could not be written again (%s); the next run tries again.", batch, exc)
        return False
    record([batch], AuditAction.REWRITTEN, actor_label=WRITER.label,
           changes={"files": [problem, f"written again, SHA-256 {facts.sha256}"]})
    return True


def retire_files(batch_id: int) -> bool:
    """Move the files of a re-exported or voided batch into ``retired/`` so the importer never
    takes them again. Run after the commit; a share out of reach is logged (the state change
    stands) and the next ``recover_batches()`` moves them."""
    batch = ExportBatch.objects.get(pk=batch_id)
    if batch.status not in RETIRED_STATUSES:
        return False
    try:
        moved = writer.retire(batch)
    except OSError as exc:
        log.error("%s is %s but its files could not be moved to %s/ (%s); the next run moves them.",
                  batch, batch.get_status_display().lower(), writer.RETIRED_DIR, exc)
        return False
    if moved:
        record([batch], AuditAction.FILES_RETIRED, actor_label=WRITER.label,
               changes={"files": [", ".join(moved), f"moved to {writer.RETIRED_DIR}/"]})
    return bool(moved)


def recover_batches() -> list[int]:
    """Put the export folder right; returns the numbers of the batches whose files it wrote.

    Finishes every batch left in ``writing`` by a crash (publishing it, or marking it exported
    when it was published already — ``finish_batch``), writes again the files of an ``exported``
    batch whose files were changed, retires the files of re-exported and voided batches still in
    the folder, and removes the temporary files a crash left. ``ExportFolderError`` when the
    folder cannot be read.
    """
    with folder_lock.export_folder_lock() as held:
        if not held:
            log.warning("Another process is writing the export folder; the next run puts it right.")
            return []
        return _recover_batches()


def _recover_batches() -> list[int]:
    directory, in_folder = _read_folder()
    written = []
    # Retired batches' files go first: a re-export's new batch is written only once they are gone.
    for pk, number in ExportBatch.objects.filter(status__in=RETIRED_STATUSES).values_list("pk", "number"):
        if number in in_folder:
            retire_files(pk)
    for pk, number in ExportBatch.objects.filter(status=BatchStatus.WRITING).order_by("number").values_list("pk", "number"):
        log.warning("Batch %06d was left half-written; finishing it.", number)
        if finish_batch(pk) and writer.ctl_path(ExportBatch(number=number), directory).exists():
            written.append(number)
    exported = ExportBatch.objects.filter(status=BatchStatus.EXPORTED).exclude(number__in=written).order_by("number")
    for batch in exported:
        if rewrite_files(batch, directory):
            written.append(batch.number)
    _remove_stray_temporaries(directory)
    return written


def _remove_stray_temporaries(directory: Path) -> None:
    """Temporary files of the portal's that no write is using: of a batch past ``writing`` (or
    unknown), left by a crash during a write. A batch still ``writing`` keeps its own: its next
    finish decides from them."""
    try:
        found = writer.temporaries(directory)
        writing = set(ExportBatch.objects.filter(number__in=found, status=BatchStatus.WRITING).values_list("number", flat=True))
        for number, paths in found.items():
            if number not in writing and (removed := writer.remove_temporaries(paths)):
                log.warning("Removed %s from the export folder, left by a crash.", ", ".join(removed))
    except OSError as exc:
        log.error("Temporary files in the export folder could not be removed (%s); the next run tries again.", exc)


# --- the importer's answers ----------------------------------------------------------------
def acknowledge_import(number: int, *, actor_label: str) -> tuple[ExportBatch, bool]:
    """WOScan Sync imported batch ``number``: ``exported → imported``. Idempotent.

    Only an exported batch moves; an imported or posted one is left as it is (a retried
    acknowledgement); any other, and above all one deleted in MAS, is a ``BatchStateError``:
    a late acknowledgement must not undo what the reconciliation found.

    Returns the batch and whether this call changed it. A batch still marked ``writing`` (a crash
    after its control file was renamed) is finished first: its files were complete. If the
    importer has taken them already (no control file left), they are not written back.
    """
    writing = ExportBatch.objects.filter(number=number, status=BatchStatus.WRITING).first()
    if writing:
        finish_batch(writing.pk, files_taken=not writer.ctl_path(writing).exists())
    with transaction.atomic():
        batch = _get(number)
        if batch.status in (BatchStatus.IMPORTED, BatchStatus.POSTED):
            return batch, False
        if batch.status == BatchStatus.DELETED_IN_MAS:
            raise BatchStateError(
                f"{batch} was deleted in MAS (gone from Transaction Entry and not in history): an acknowledgement "
                "does not bring it back. If MAS holds it again, the next pull shows it as imported."
            )
        if batch.status != BatchStatus.EXPORTED:
            raise BatchStateError(f"{batch} is {batch.get_status_display().lower()}: it must not be imported.")
        changed = lifecycle.move(batch, BatchStatus.IMPORTED, by=Actor.system(actor_label),
                                 values={"imported_at": timezone.now(), "import_error": ""})
    batch.refresh_from_db()
    return batch, changed


def refuse_import(number: int, reason: str, *, actor_label: str) -> tuple[ExportBatch, bool]:
    """WOScan Sync refused batch ``number`` (its files did not match): it stays exported, with the reason."""
    reason = (reason or "").strip()[:2000] or "refused without a reason"
    with transaction.atomic():
        batch = _get(number)
        if batch.status != BatchStatus.EXPORTED:
            raise BatchStateError(f"{batch} is {batch.get_status_display().lower()}: nothing to refuse.")
        if batch.import_error == reason:
            return batch, False
        lifecycle.move(batch, BatchStatus.EXPORTED, by=Actor.system(actor_label), values={"import_error": reason},
                       reason=reason, changes={"import_error": [batch.import_error, reason]})
    batch.refresh_from_db()
    return batch, True


# --- the accountant's actions on a batch deleted in MAS -------------------------------------
def reexport(batch_id: int, *, by, reason: str) -> ExportBatch:
    """Export the lines of a batch deleted in MAS again, as a new batch; the old one is kept and,
    after the commit, its files are retired (``retire_files``)."""
    reason = _reason(reason)
    actor = lifecycle.check(BatchStatus.DELETED_IN_MAS, BatchStatus.REEXPORTED, by)
    with transaction.atomic():
        old = ExportBatch.objects.select_for_update().get(pk=batch_id)
        _require(old, BatchStatus.DELETED_IN_MAS, "re-exported")
        batch_lines = list(old.batch_lines.filter(live=True).order_by("line_no").values_list("transaction_id", "line_no", "type", "hours", "quantity"))
        new = lifecycle.create(by=actor, number=next_number(), lines=len(batch_lines), total_hours=old.total_hours,
                               total_quantity=old.total_quantity, replaces=old)
        # The old files go first (after the commit): never both ready.
        if not lifecycle.move(old, BatchStatus.REEXPORTED, by=actor, reason=reason,
                              changes={"replaced_by": [None, new.label]}, then=partial(retire_files, old.pk)):
            raise BatchStateError(f"{old} was changed by someone else; look again.")
        old.batch_lines.update(live=False)
        for start in range(0, len(batch_lines), CHUNK):
            chunk = batch_lines[start : start + CHUNK]
            BatchLine.objects.bulk_create(
                [BatchLine(batch=new, transaction_id=t, line_no=n, type=ty, hours=h, quantity=q) for t, n, ty, h, q in chunk]
            )
            line_states.move("reexport", _lines_of([t for t, *_ in chunk]), by=actor, reason=reason,
                       changes={"batch": [old.label, new.label]})
        lifecycle.record_created(new, by=actor, reason=reason, changes={"replaces": [None, old.label], "lines": [None, new.lines]})
        transaction.on_commit(partial(finish_batch, new.pk))
    new.refresh_from_db()
    return new


def void(batch_id: int, *, by, reason: str) -> ExportBatch:
    """Give up a batch deleted in MAS: it is kept for the record and its lines go back to review.

    The lines return to where their findings say — ``flagged`` with a finding, else
    ``needs_review`` (never ``approved``, which the schedule would export again): a supervisor
    decides whether each one is approved again or rejected. After the commit its files are
    retired (``retire_files``).
    """
    reason = _reason(reason)
    actor = lifecycle.check(BatchStatus.DELETED_IN_MAS, BatchStatus.VOIDED, by)
    with transaction.atomic():
        batch = ExportBatch.objects.select_for_update().get(pk=batch_id)
        _require(batch, BatchStatus.DELETED_IN_MAS, "voided")
        if not lifecycle.move(batch, BatchStatus.VOIDED, by=actor, reason=reason, then=partial(retire_files, batch.pk)):
            raise BatchStateError(f"{batch} was changed by someone else; look again.")
        pks = list(batch.batch_lines.filter(live=True).values_list("transaction_id", flat=True))
        batch.batch_lines.update(live=False)
        for start in range(0, len(pks), CHUNK):
            line_states.move("return", _lines_of(pks[start : start + CHUNK]), by=actor, reason=reason,
                       values={"review_reason": f"{batch} was voided: {reason}"[:2000]},
                       changes={"batch": [batch.label, None]})
    batch.refresh_from_db()
    return batch


# --- helpers ---------------------------------------------------------------------------------
def _get(number: int) -> ExportBatch:
    try:
        return ExportBatch.objects.select_for_update().get(number=number)
    except ExportBatch.DoesNotExist:
        raise BatchStateError(f"There is no batch {number:06d}.") from None


def _lines_of(pks: list[int]) -> list[Transaction]:
    """The lines as they are now, with what a move and its audit rows need."""
    return list(Transaction.objects.filter(pk__in=pks).order_by("pk").only("pk", "status", "version", "type", "work_order"))


def _require(batch: ExportBatch, status: str, verb: str) -> None:
    if batch.status != status:
        raise BatchStateError(
            f"{batch} is {batch.get_status_display().lower()}: only a batch deleted in MAS can be {verb}."
        )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise BatchStateError("Say why: a reason is required.")
    return reason
