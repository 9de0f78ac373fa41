"""Reading a list page's table and its CSV and XLSX exports, to compare them row by row.

The page is read as a person reads it: each header and cell's text, one line (a ``<div>``) or
one badge of a cell after another separated by "; "; "—" and "never" read as empty; a header's
text for screen readers only (``visually-hidden``, the buttons column's) is not read. The CSV is
read with the csv module, the XLSX with openpyxl (typed cells).
"""
from __future__ import annotations

import csv
import io
import re
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser

from openpyxl import load_workbook

from kernel.export import spreadsheet_safe

EMPTY_ON_PAGE = ("—", "never")
_SPACES = re.compile(r"\s+")
_SEPARATED = {"div", "li"}  # each a value of its own in a cell
_VOID = ("input", "br", "img", "hr", "wbr")  # no end tag


class _TableReader(HTMLParser):
    """The first ``<table>``'s header texts and body rows."""

    def __init__(self):
        super().__init__()
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self._depth = 0  # <table> nesting
        self._done = False
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in_head = False
        self._badge_depth: list[bool] = []
        self._hidden: list[bool] = []  # per open element inside a header cell: visually hidden?

    def handle_starttag(self, tag, attrs):
        if self._done:
            return
        attrs = dict(attrs)
        if tag == "table":
            self._depth += 1
        elif not self._depth:
            return
        elif tag == "thead":
            self._in_head = True
        elif tag == "tbody":
            self._in_head = False
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell, self._hidden = [], []
        elif self._cell is not None and (tag in _SEPARATED or "badge" in (attrs.get("class") or "").split()):
            self._cell.append("\x00")  # a value starts: separated from the one before
        if self._cell is not None and self._in_head and tag not in ("td", "th", *_VOID):
            self._hidden.append("visually-hidden" in (attrs.get("class") or "").split())
        if tag == "span":
            self._badge_depth.append("badge" in (attrs.get("class") or "").split())

    def handle_endtag(self, tag):
        if self._done or not self._depth:
            return
        if tag == "span" and self._badge_depth:
            self._badge_depth.pop()
        if self._cell is not None and self._in_head and tag not in ("td", "th") and self._hidden:
            self._hidden.pop()
        if tag in ("td", "th") and self._cell is not None:
            parts = [_SPACES.sub(" ", part).strip() for part in "".join(self._cell).split("\x00")]
            self._row.append("; ".join(part for part in parts if part))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            (self.headers.extend if self._in_head else self.rows.append)(self._row)
            self._row = None
        elif tag == "table":
            self._depth -= 1
            self._done = not self._depth

    def handle_data(self, data):
        if self._cell is not None and not any(self._hidden):
            self._cell.append(data)


def page_table(html: str) -> tuple[list[str], list[list[str]]]:
    reader = _TableReader()
    reader.feed(html)
    rows = [[("" if cell in EMPTY_ON_PAGE else cell) for cell in row] for row in reader.rows]
    return reader.headers, rows


def csv_table(content: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    return rows[0], rows[1:]


def xlsx_table(content: bytes) -> tuple[list[str], list[list]]:
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return [str(h) for h in rows[0]], rows[1:]


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None


def compare_exports(client, url: str, *, numbers=(), page_only=(), page_values=None, params=None) -> dict:
    """Open ``url``, its CSV and its XLSX; assert that every row of the page is the same row in
    both exports, column by column (by header), with no markup anywhere.

    ``numbers``: headers whose cells must be numbers (numeric XLSX cells, dot decimals in CSV).
    ``page_only``: page headers the export replaces by other columns (checked by the caller).
    ``page_values``: header → function turning the page's text into the export's text.
    Returns the three tables (``page``, ``csv``, ``xlsx``: lists of {header: cell}) for more checks.
    """
    params = dict(params or {})
    page = client.get(url, params)
    assert page.status_code == 200, page.status_code
    headers, rows = page_table(page.content.decode())
    as_csv = client.get(url, {**params, "_export": "csv"})
    as_xlsx = client.get(url, {**params, "_export": "xlsx"})
    assert as_csv.status_code == as_xlsx.status_code == 200
    csv_headers, csv_rows = csv_table(as_csv.content)
    xlsx_headers, xlsx_rows = xlsx_table(as_xlsx.content)

    assert csv_headers == xlsx_headers, (csv_headers, xlsx_headers)
    shown = [h for h in headers if h]  # the select-all box and the buttons column have no header
    missing = [h for h in shown if h not in csv_headers and h not in page_only]
    assert not missing, f"page columns missing from the export: {missing}"
    assert rows and len(rows) == len(csv_rows) == len(xlsx_rows), (len(rows), len(csv_rows), len(xlsx_rows))

    page_values = page_values or {}
    page_dicts, csv_dicts, xlsx_dicts = [], [], []
    for row, csv_row, xlsx_row in zip(rows, csv_rows, xlsx_rows):
        on_page = dict(zip(headers, row))
        in_csv = dict(zip(csv_headers, csv_row))
        in_xlsx = dict(zip(xlsx_headers, xlsx_row))
        for cell in [*csv_row, *(str(v) for v in xlsx_row if v is not None)]:
            assert "<" not in cell and "&lt;" not in cell and "&amp;" not in cell, f"markup in the export: {cell!r}"
        for header in shown:
            if header in page_only:
                continue
            expected = page_values.get(header, lambda text: text)(on_page[header])
            _same(header, expected, in_csv[header], in_xlsx[header], number=header in numbers)
        page_dicts.append(on_page)
        csv_dicts.append(in_csv)
        xlsx_dicts.append(in_xlsx)
    for header in numbers:  # export-only number columns too
        for in_csv, in_xlsx in zip(csv_dicts, xlsx_dicts):
            _number_cell(header, in_csv[header], in_xlsx[header])
    return {"page": page_dicts, "csv": csv_dicts, "xlsx": xlsx_dicts}


def _same(header, expected, csv_cell: str, xlsx_cell, *, number: bool):
    expected = "" if expected is None else str(expected)
    if number and expected != "":
        _number_cell(header, csv_cell, xlsx_cell)
        assert _number(csv_cell) == _number(expected), (header, expected, csv_cell)
        assert Decimal(str(xlsx_cell)) == _number(expected), (header, expected, xlsx_cell)
        return
    safe = spreadsheet_safe(expected)
    assert csv_cell == safe, (header, expected, csv_cell)
    if isinstance(xlsx_cell, (int, float)) and not isinstance(xlsx_cell, bool):
        assert _number(expected) == Decimal(str(xlsx_cell)), (header, expected, xlsx_cell)
    else:
        assert ("" if xlsx_cell is None else xlsx_cell) == safe, (header, expected, xlsx_cell)


def _number_cell(header, csv_cell: str, xlsx_cell):
    if csv_cell == "" and xlsx_cell is None:
        return
    assert re.fullmatch(r"-?\d+(\.\d+)?", csv_cell), f"{header}: {csv_cell!r} is not a dot-decimal number"
    assert isinstance(xlsx_cell, (int, float)) and not isinstance(xlsx_cell, bool), (
        f"{header}: the XLSX cell {xlsx_cell!r} is not numeric"
    )
