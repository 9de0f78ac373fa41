"""Charts drawn on the server as inline SVG (``templates/charts/``): no script, no style attribute,
nothing the Content-Security-Policy refuses, and the same on paper as on screen.

A page's data module builds a chart from figures its database has already grouped; this module
only lays it out. Two kinds:

- ``BarList``: one horizontal bar a row, its label and value as text and the whole row a link
  (``charts/bars.html``). For counts a person opens: "lines waiting 2–3 days", "this finding".
- ``ColumnChart``: a column per day (or any x), stacked by series, with the totals written above
  the columns, each series a colour *and* a pattern (``STYLES``) named in a legend, and a
  ``DataTable`` of the numbers beside it: hidden on screen, read by a screen reader, printed
  (``charts/columns.html``; ``static/woscan/print.css``).

Every chart has an ``empty`` sentence for when there is nothing to draw, and ``unknown`` when its
figures were not read in time (``kernel.counting.Budget``): the page says so instead of waiting.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

# (fill, pattern) of each series, in order: Okabe–Ito colours, told apart by colour-blind readers,
# each with its own pattern so that a black-and-white print tells them apart too. The last style
# is for "everything else" (a plain light grey).
STYLES = (
    ("#0072b2", "solid"), ("#e69f00", "diagonal"), ("#56b4e9", "dots"), ("#009e73", "cross"),
    ("#cc79a7", "horizontal"), ("#f0e442", "vertical"),
)
OTHER_STYLE = ("#bbbbbb", "solid")
PATTERNS = ("solid", "diagonal", "dots", "cross", "horizontal", "vertical")


@dataclass
class Style:
    """How one series is filled: ``ref`` goes in ``fill="…"`` (a pattern of the chart's ``<defs>``)."""

    chart_id: str
    index: int
    colour: str
    pattern: str

    @property
    def id(self) -> str:
        return f"{self.chart_id}-s{self.index}"

    @property
    def ref(self) -> str:
        return self.colour if self.pattern == "solid" else f"url(#{self.id})"


def styles_for(chart_id: str, count: int, *, other: bool = False) -> list[Style]:
    """``count`` styles for a chart's series; with ``other``, the last is the grey of "Other"."""
    picked = [STYLES[i % len(STYLES)] for i in range(count - (1 if other else 0))]
    if other:
        picked.append(OTHER_STYLE)
    return [Style(chart_id, i, colour, pattern) for i, (colour, pattern) in enumerate(picked)]


@dataclass
class DataTable:
    """The chart's numbers as a table: ``head`` the column headings, each row a heading cell
    followed by values (text)."""

    head: list[str]
    rows: list[list[str]]
    foot: list[str] | None = None


def nice_ceiling(value: Decimal | float | int) -> Decimal:
    """The top of a scale: 1, 2 or 5 times a power of ten, at or above ``value`` (1 for nothing)."""
    value = Decimal(str(value))
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    for step in (1, 2, 5, 10):
        top = Decimal(step).scaleb(exponent)
        if top >= value:
            return top
    return Decimal(10).scaleb(exponent).quantize(Decimal(1), rounding=ROUND_CEILING)  # pragma: no cover


# --- bars: one row each, a link ----------------------------------------------------------------
@dataclass
class Bar:
    key: str  # names the row in the page (``data-testid="bar-<chart>-<key>"``)
    label: str
    value: int | Decimal
    text: str  # the value as the row writes it ("1,204", "12.5 h")
    url: str = ""
    note: str = ""  # a word beside the label, e.g. "Error" (colour is never the only sign)
    style: int = 0  # index into the chart's styles
    percent: float = 0.0  # the bar's length, of the longest bar (set by BarList)
    fill: str = ""  # set by BarList from its styles


@dataclass
class BarList:
    id: str
    bars: list[Bar]
    empty: str
    unknown: bool = False
    styles: list[Style] = field(default_factory=list)

    def __post_init__(self):
        top = max((bar.value for bar in self.bars), default=0)
        for bar in self.bars:
            bar.percent = round(float(bar.value) / float(top) * 100, 2) if top else 0.0
        if not self.styles:
            self.styles = styles_for(self.id, 1 + max((bar.style for bar in self.bars), default=0))
        for bar in self.bars:
            bar.fill = self.styles[bar.style].ref

    @property
    def is_empty(self) -> bool:
        return not any(bar.value for bar in self.bars)

    @property
    def patterns(self) -> list[Style]:
        return [style for style in self.styles if style.pattern != "solid"]


# --- columns: stacked, labelled -----------------------------------------------------------------
@dataclass
class Column:
    label: str  # first line under the column ("Mon")
    sublabel: str = ""  # second line ("Nov 30")
    values: list[Decimal | int | None] = field(default_factory=list)  # one per series; None: no figure
    total_text: str = ""  # written above the column ("32.5 h", "4.2%", "–")
    titles: list[str] = field(default_factory=list)  # per series: the tooltip of its segment


@dataclass
class Segment:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str
    text: str  # the segment's value written on it, when it fits ("" when not)

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def middle(self) -> float:
        return round(self.y + self.height / 2, 2)

    @property
    def plate_width(self) -> float:
        """The white plate under the value's text (about 6 units a character at the chart's size)."""
        return min(self.width - 2, len(self.text) * 6 + 6)

    @property
    def plate_x(self) -> float:
        return round(self.centre - self.plate_width / 2, 2)

    @property
    def plate_y(self) -> float:
        return round(self.middle - 7, 2)

    @property
    def text_y(self) -> float:
        return round(self.middle + 4, 2)


@dataclass
class DrawnColumn:
    column: Column
    x: float  # the column's centre
    top: float  # where its total is written
    segments: list[Segment]


@dataclass
class ColumnChart:
    """Columns stacked by ``series`` (one series: plain columns). ``value_text`` writes a
    segment's value (on the segment when it is tall enough)."""

    id: str
    columns: list[Column]
    series: list[str]
    empty: str
    table: DataTable | None = None
    unknown: bool = False
    other: bool = False  # the last series is "Other" (grey)
    scale_top: Decimal | None = None  # the value at the top of the plot; the largest total by default
    value_text: Callable[[Decimal | int], str] = str
    figures: bool | None = None  # whether there is anything to draw; by default, whether any value is not 0
    named: bool = False  # a legend even for one series (what the one series is: "No work center")

    WIDTH = 600
    HEIGHT = 210
    TOP = 18  # room for the totals
    BOTTOM = 34  # two lines of labels
    SIDE = 6
    LABEL_MIN_HEIGHT = 15
    LABEL_MIN_WIDTH = 30

    def __post_init__(self):
        self.styles = styles_for(self.id, len(self.series), other=self.other)

    @property
    def is_empty(self) -> bool:
        if self.figures is not None:
            return not self.figures
        return not any(value for column in self.columns for value in column.values if value)

    @property
    def patterns(self) -> list[Style]:
        return [style for style in self.styles if style.pattern != "solid"]

    @property
    def legend(self) -> list[tuple[str, Style]]:
        return list(zip(self.series, self.styles)) if len(self.series) > 1 or self.named else []

    @property
    def plot_height(self) -> int:
        return self.HEIGHT - self.TOP - self.BOTTOM

    @property
    def baseline(self) -> int:
        return self.HEIGHT - self.BOTTOM

    @property
    def label_y(self) -> int:
        return self.baseline + 14

    @property
    def sublabel_y(self) -> int:
        return self.baseline + 27

    def drawn(self) -> list[DrawnColumn]:
        totals = [sum((v for v in column.values if v), Decimal(0)) for column in self.columns]
        top = Decimal(self.scale_top) if self.scale_top else max(totals, default=Decimal(0))
        if top <= 0:
            top = Decimal(1)
        slot = (self.WIDTH - 2 * self.SIDE) / max(len(self.columns), 1)
        width = round(min(slot * 0.62, 64), 2)
        out = []
        for i, column in enumerate(self.columns):
            centre = round(self.SIDE + slot * (i + 0.5), 2)
            y = float(self.baseline)
            segments = []
            for s, value in enumerate(column.values):
                if not value or value <= 0:
                    continue
                height = round(float(Decimal(value) / top) * self.plot_height, 2)
                y = round(y - height, 2)
                fits = height >= self.LABEL_MIN_HEIGHT and width >= self.LABEL_MIN_WIDTH and len(self.series) > 1
                segments.append(Segment(
                    x=round(centre - width / 2, 2), y=y, width=width, height=height, fill=self.styles[s].ref,
                    title=column.titles[s] if s < len(column.titles) else self.value_text(value),
                    text=self.value_text(value) if fits else "",
                ))
            out.append(DrawnColumn(column=column, x=centre, top=round(min(y, self.baseline) - 5, 2), segments=segments))
        return out
