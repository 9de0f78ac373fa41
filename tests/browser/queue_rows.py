"""What the browser tests measure of the queue's rows on the page."""
from __future__ import annotations

ROWS = ".queue-table tbody tr[data-status]"


def row_heights(page) -> list[float]:
    """The height of each line's row, in the page's order (a wrapped cell makes its row taller)."""
    return page.evaluate("""(selector) => Array.from(document.querySelectorAll(selector))
      .map((row) => row.getBoundingClientRect().height)""", ROWS)


def row_boxes(page) -> list[dict]:
    """Each row's box, the line height of its second cell and each cell's scrolled height."""
    return page.evaluate("""(selector) => {
      const rows = Array.from(document.querySelectorAll(selector));
      const line = (row) => { const cell = row.querySelector('td:nth-child(2)');
        return parseFloat(getComputedStyle(cell).lineHeight) || cell.getBoundingClientRect().height; };
      return rows.map((row) => { const b = row.getBoundingClientRect();
        return {top: b.top, bottom: b.bottom, height: b.height, right: b.right, line: line(row),
                cells: Array.from(row.cells).map((c) => c.scrollHeight)}; });
    }""", ROWS)
