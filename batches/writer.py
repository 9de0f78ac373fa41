"""Writing a batch's files for WOScan Sync, exactly as PRODUCT.md §6 says.

For batch N: ``WOS<N:06>.csv`` first, then ``WOS<N:06>.ctl`` (a small JSON control file).
Each is written to a temporary name in the same folder, flushed to disk (fsync) and renamed
(``os.replace``), so a reader never sees half a file; the control file is written last, so
a batch is ready for the importer only when its ``.ctl`` exists and matches its CSV.

The content comes only from the database (the batch's frozen lines), so writing a batch
again after a crash produces the same bytes and the same SHA-256.

The control file is written in two steps, so that the export can record what it is about to
do between them (``batches.services.finish_batch``): ``stage_ctl`` writes it under its
temporary name, ``publish`` renames it into place — from that moment WOScan Sync may take the
batch. Temporary files are named ``.WOS<N:06>.csv.<random>.tmp`` / ``.WOS<N:06>.ctl.<random>.tmp``;
``temporaries`` finds the ones a crash left behind.

The files of a batch that is no longer live (re-exported or voided) are moved into the
``retired/`` subfolder, control file first, so the importer never takes them again.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from kernel import jsonbody
from kernel.clock import HOURS, elapsed_hours

CSV_COLUMNS = (
    "BatchNo", "LineNo", "PortalTxnId", "TransType", "TransDate", "WorkOrder", "StepNo", "EmployeeNo",
    "CrewNo", "StartTime", "StopTime", "Hours", "QtyCompleted", "StepComplete", "ItemCode", "Warehouse",
    "Quantity", "LotSerial", "QtyScrapped", "CloseOrder", "Amount", "Comment",
)
# Transaction fields read for a row, in the order _row_of()'s rows take them.
TXN_FIELDS = (
    "transaction_id", "line_no", "type", "hours", "quantity",
    "transaction__collected_at", "transaction__work_order", "transaction__step", "transaction__employee",
    "transaction__crew", "transaction__start", "transaction__stop", "transaction__qty_completed",
    "transaction__step_complete", "transaction__item_code", "transaction__warehouse", "transaction__quantity",
    "transaction__lot_serial", "transaction__qty_scrapped", "transaction__close_order", "transaction__amount",
    "transaction__comment",
)
ROWS_PER_WRITE = 2000
MAX_CTL_BYTES = 64 * 1024  # a control file the portal writes is about 250 bytes
RETIRED_DIR = "retired"  # files of re-exported and voided batches, out of the importer's way
QUANTITY = Decimal("0.0001")


@dataclass(frozen=True)
class FileFacts:
    """What a CSV holds, as the control file states it."""

    sha256: str
    lines: int
    total_hours: Decimal
    total_quantity: Decimal


# --- the values of one line ----------------------------------------------------------------
def line_hours(hours, start, stop) -> Decimal | None:
    """A line's hours as written to the file: the hours given, else stop − start."""
    if hours is not None:
        return Decimal(hours).quantize(HOURS)
    if start and stop:
        return elapsed_hours(start, stop)
    return None


def line_quantity(quantity, qty_completed) -> Decimal | None:
    """A line's quantity for the batch totals: Quantity (material, completion), else QtyCompleted."""
    value = quantity if quantity is not None else qty_completed
    return None if value is None else Decimal(value).quantize(QUANTITY)


# --- formatting (PRODUCT.md §6) ----------------------------------------------------------
_PLACES = {places: f".{places}f" for places in (2, 3, 4)}


def _dec(value, places: int) -> str:
    """A number with ``places`` decimals (an empty value is the row's to leave blank)."""
    return format(value if type(value) is Decimal else Decimal(value), _PLACES[places])


def _time(value: datetime, tz) -> str:
    """HH:MM in ``tz`` (an empty value is the row's to leave blank)."""
    local = value.astimezone(tz)
    return f"{local.hour:02d}:{local.minute:02d}"


def _row_of(number: int, tz) -> Callable[[tuple], list]:
    """The function making one CSV row of a line's values (``TXN_FIELDS`` order); dates and times
    in the plant's time zone ``tz`` (settings.TIME_ZONE).

    It runs for every line of every batch: the empty value of a column is tested here rather
    than in a call of its formatter, and the line and transaction numbers are left to the
    ``csv`` writer, which writes an ``int`` as ``str`` does."""
    batch_no = f"{number:06d}"

    def row(values: tuple) -> list:
        (txn_id, line_no, type_, hours, quantity, collected_at, work_order, step, employee, crew, start, stop,
         qty_completed, step_complete, item_code, warehouse, txn_quantity, lot_serial, qty_scrapped, close_order,
         amount, comment) = values
        return [
            batch_no, line_no, txn_id, type_, collected_at.astimezone(tz).date().isoformat(), work_order, step,
            employee, crew,
            "" if start is None else _time(start, tz),
            "" if stop is None else _time(stop, tz),
            "" if hours is None else _dec(hours, 3),
            "" if qty_completed is None else _dec(qty_completed, 4),
            "" if step_complete is None else ("Y" if step_complete else "N"),
            item_code, warehouse,
            "" if txn_quantity is None else _dec(txn_quantity, 4),
            lot_serial,
            "" if qty_scrapped is None else _dec(qty_scrapped, 4),
            "" if close_order is None else ("Y" if close_order else "N"),
            "" if amount is None else _dec(amount, 2),
            comment,
        ]

    return row


def export_dir() -> Path:
    path = Path(settings.WOSCAN_EXPORT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def csv_path(batch, directory: Path | None = None) -> Path:
    return (directory or export_dir()) / f"{batch.file_stem}.csv"


def ctl_path(batch, directory: Path | None = None) -> Path:
    return (directory or export_dir()) / f"{batch.file_stem}.ctl"


# --- writing -----------------------------------------------------------------------------
class _Rows:
    """The CSV's text, rows added a chunk at a time, with the lines, hours and quantity since the last ``take``."""

    def __init__(self, number: int):
        self.row = _row_of(number, timezone.get_default_timezone())
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")
        self.writer.writerow(CSV_COLUMNS)
        self.lines, self.hours, self.quantity = 0, Decimal(0), Decimal(0)

    def add_many(self, values: list[tuple]) -> None:
        """Lines in turn, their values in ``TXN_FIELDS`` order; their hours and quantity are added
        one line after the other."""
        self.writer.writerows(map(self.row, values))
        self.lines += len(values)
        self.hours = sum([v[3] or 0 for v in values], self.hours)
        self.quantity = sum([v[4] or 0 for v in values], self.quantity)

    def take(self) -> tuple[bytes, int, Decimal, Decimal]:
        taken = self.buffer.getvalue().encode("utf-8"), self.lines, self.hours, self.quantity
        self.buffer.seek(0)
        self.buffer.truncate()
        self.lines, self.hours, self.quantity = 0, Decimal(0), Decimal(0)
        return taken


def _csv_chunks(batch) -> Iterator[tuple[bytes, int, Decimal, Decimal]]:
    """The CSV as encoded chunks, with the lines, hours and quantity each chunk adds."""
    from batches.models import BatchLine

    rows = _Rows(batch.number)
    stored = (BatchLine.objects.filter(batch_id=batch.pk).order_by("line_no").values_list(*TXN_FIELDS)
              .iterator(chunk_size=ROWS_PER_WRITE))
    while chunk := list(islice(stored, ROWS_PER_WRITE)):
        rows.add_many(chunk)
        if rows.lines == ROWS_PER_WRITE:
            yield rows.take()
    yield rows.take()


class StagedCsv:
    """A batch's CSV written while its export reads the claimed lines — the same bytes
    ``write_csv`` makes from the committed batch lines, without reading the lines a second time.

    It is staged under a temporary name (``.WOS<N>.csv.<random>.tmp``) and fsynced; after the
    export's commit ``finish_batch`` renames it into place. An export that does not commit
    discards it; one killed before the rename leaves it to the recovery, which removes the
    batch's temporary files and writes the CSV from the database. Any error of the folder
    (full disk, share gone) drops the staged file and leaves the CSV to ``finish_batch``, as
    before: staging never makes an export fail."""

    def __init__(self, batch, directory: Path | None = None):
        self.rows = _Rows(batch.number)
        self.measured = _Measured()
        self.path: Path | None = None
        self.out = None
        try:
            target = csv_path(batch, directory)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            self.path, self.out = Path(tmp), os.fdopen(fd, "wb")
        except OSError:
            self.discard()

    def add_many(self, values: list[tuple]) -> None:
        """Lines in turn (``TXN_FIELDS`` order), written every ``ROWS_PER_WRITE`` lines whatever
        the lines given at once: the chunks hashed and counted are those of ``write_csv``."""
        start = 0
        while self.out is not None and start < len(values):
            room = ROWS_PER_WRITE - self.rows.lines
            self.rows.add_many(values[start : start + room])
            start += room
            if self.rows.lines == ROWS_PER_WRITE:
                self._write()

    def _write(self) -> None:
        taken = self.rows.take()
        try:
            self.out.write(taken[0])
        except OSError:
            self.discard()
            return
        self.measured.count(*taken)

    def close(self) -> FileFacts | None:
        """Flush and fsync; the facts of the staged file, or None when nothing is staged."""
        if self.out is None:
            return None
        self._write()
        try:
            if self.out is not None:
                self.out.flush()
                os.fsync(self.out.fileno())
                self.out.close()
                self.out = None
                return self.measured.facts()
        except OSError:
            pass
        self.discard()
        return None

    def discard(self) -> None:
        if self.out is not None:
            try:
                self.out.close()
            except OSError:
                pass
            self.out = None
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


def place_staged(staged: Path, batch, directory: Path | None = None) -> None:
    """Rename a staged CSV (``StagedCsv``) into place as ``WOS<N>.csv``."""
    os.replace(staged, csv_path(batch, directory))
    _fsync_dir(staged.parent)


_TEMPORARY = re.compile(r"^\.WOS(\d{6,})\.(csv|ctl)\..+\.tmp$")


def _stage(path: Path, chunks: Iterable[bytes]) -> Path:
    """Write ``chunks`` to a temporary file beside ``path`` and fsync it; returns its path."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _replace_atomically(path: Path, chunks: Iterable[bytes]) -> None:
    """Write ``chunks`` to a temporary file beside ``path``, fsync it, rename it over ``path``."""
    tmp = _stage(path, chunks)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def temporaries(directory: Path | None = None) -> dict[int, list[Path]]:
    """The portal's temporary files in the export folder, by batch number."""
    found: dict[int, list[Path]] = {}
    for entry in (directory or export_dir()).iterdir():
        if m := _TEMPORARY.match(entry.name):
            found.setdefault(int(m[1]), []).append(entry)
    return found


def remove_temporaries(paths: Iterable[Path]) -> list[str]:
    """Remove temporary files a crash left behind; returns the names removed."""
    removed = []
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path.name)
    return removed


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; its rename is durable enough
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class _Measured:
    """The CSV's chunks, hashed and counted as they pass (those of ``batch``'s stored lines when
    iterated; ``count`` takes them one by one)."""

    def __init__(self, batch=None):
        self.batch = batch
        self.digest = hashlib.sha256()
        self.lines, self.hours, self.quantity = 0, Decimal(0), Decimal(0)

    def count(self, chunk: bytes, lines: int, hours: Decimal, quantity: Decimal) -> bytes:
        self.digest.update(chunk)
        self.lines += lines
        self.hours += hours
        self.quantity += quantity
        return chunk

    def __iter__(self):
        for taken in _csv_chunks(self.batch):
            yield self.count(*taken)

    def facts(self) -> FileFacts:
        return FileFacts(self.digest.hexdigest(), self.lines, self.hours, self.quantity)


def write_csv(batch, directory: Path | None = None) -> FileFacts:
    """Write ``WOS<N>.csv`` and return what it holds."""
    measured = _Measured(batch)
    _replace_atomically(csv_path(batch, directory), measured)
    return measured.facts()


def csv_facts(batch) -> FileFacts:
    """What ``write_csv`` writes, without writing it (for files the importer has already taken)."""
    measured = _Measured(batch)
    for _chunk in measured:
        pass
    return measured.facts()


def control(batch, facts: FileFacts) -> dict:
    """The control file's content (PRODUCT.md §6)."""
    return {
        "batch": batch.number,
        "lines": facts.lines,
        "total_hours": float(facts.total_hours.quantize(HOURS)),
        "total_quantity": float(facts.total_quantity.quantize(QUANTITY)),
        "sha256": facts.sha256,
        "created_at": batch.created_at.isoformat(timespec="seconds"),
    }


def _ctl_bytes(batch, facts: FileFacts) -> bytes:
    return json.dumps(control(batch, facts), indent=2).encode("utf-8") + b"\n"


def write_ctl(batch, facts: FileFacts, directory: Path | None = None) -> dict:
    """Write ``WOS<N>.ctl`` last: from now on the importer may take the batch."""
    _replace_atomically(ctl_path(batch, directory), [_ctl_bytes(batch, facts)])
    return control(batch, facts)


def stage_ctl(batch, facts: FileFacts, directory: Path | None = None) -> Path:
    """Write the control file under its temporary name (flushed to disk); ``publish`` renames it."""
    return _stage(ctl_path(batch, directory), [_ctl_bytes(batch, facts)])


def publish(staged: Path, batch, directory: Path | None = None) -> None:
    """Rename a staged control file into place: from now on the importer may take the batch.
    ``FileNotFoundError`` when the staged file is gone (another process took the batch over)."""
    path = ctl_path(batch, directory)
    os.replace(staged, path)
    _fsync_dir(path.parent)


def retire(batch, directory: Path | None = None) -> list[str]:
    """Move a batch's files into ``retired/`` of the export folder, the control file first, so the
    importer no longer treats the batch as ready (PRODUCT.md §6); returns the names moved.

    For a re-exported or voided batch. A file already gone is skipped, so a retry after a
    failure part-way finishes the job.
    """
    directory = directory or export_dir()
    retired = directory / RETIRED_DIR
    retired.mkdir(exist_ok=True)
    moved = []
    for path in (ctl_path(batch, directory), csv_path(batch, directory)):
        try:
            os.replace(path, retired / path.name)
        except FileNotFoundError:
            continue
        moved.append(path.name)
    if moved:
        _fsync_dir(retired)
        _fsync_dir(directory)
    return moved


def unreadable(exc: OSError) -> str:
    """Why the export folder cannot be used, in words for a page, a log or the importer API."""
    return f"the export folder {settings.WOSCAN_EXPORT_DIR} cannot be read ({exc.strerror or exc})"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_problem(batch, directory: Path | None = None) -> str | None:
    """Why the batch's files are not complete and right, or None when they are."""
    ctl, data = ctl_path(batch, directory), csv_path(batch, directory)
    if not data.is_file():
        return f"{data.name} is missing"
    if not ctl.is_file():
        return f"{ctl.name} is missing"
    try:
        with open(ctl, "rb") as f:  # on the share, so bounded like any input: it is a small flat object
            content = jsonbody.loads(f.read(MAX_CTL_BYTES + 1), max_bytes=MAX_CTL_BYTES, max_depth=1, what="it")
    except (OSError, ValueError) as exc:
        return f"{ctl.name} cannot be read: {exc}"
    if not isinstance(content, dict) or content.get("batch") != batch.number:
        return f"{ctl.name} names another batch"
    if content.get("lines") != batch.lines or (batch.sha256 and content.get("sha256") != batch.sha256):
        return f"{ctl.name} does not match the batch"
    if sha256_of(data) != content.get("sha256"):
        return f"{data.name} does not match its control file"
    return None
