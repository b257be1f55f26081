"""The bilan's charts as plain data: horizontal bars laid out for an SVG, and the data table each one has beside it.

templates/bilan/_charts.html draws them; the public page, the preview and the PDF use the same macros. Each bar
carries its value as text (not colour alone), each series a pattern of its own, and every value is in the table.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from aap.core.formatting import money, number, short_date

#: the SVG's width, the room left for the text after a bar, and the height of one bar, in SVG units
WIDTH, TEXT_ROOM, BAR, GAP, LABEL = 640, 210, 20, 4, 24
PLOT = WIDTH - TEXT_ROOM
#: each series is drawn as: solid, hatched, dotted (the legend and the bars' texts name them too)
STYLES = ("solid", "hatched", "dotted")


def amount(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def percent_text(value, digits: int = 1) -> str:
    """A rate of the snapshot ("34.9") as people read it ("34,9 %"); "—" when it could not be computed."""
    return "—" if value in (None, "") else f"{number(Decimal(str(value)), digits)}\u00a0%"


def ratio_text(value, digits: int = 2) -> str:
    return "—" if value in (None, "") else number(Decimal(str(value)), digits)


def decimal_text(value) -> str:
    """A count with decimals (jobs in full-time equivalents): "23,5", "18"."""
    if value in (None, ""):
        return "—"
    figure = Decimal(str(value)).normalize()
    return number(figure, max(0, -figure.as_tuple().exponent))


def day_text(value) -> str:
    """A day of the snapshot ("2026-12-01") as people read it ("01/12/2026")."""
    return "—" if value in (None, "") else short_date(date.fromisoformat(value))


@dataclass(frozen=True)
class Bar:
    series: int
    width: float
    y: float
    text: str


@dataclass(frozen=True)
class Group:
    label: str
    y: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    #: what the chart shows, in one sentence: its accessible description
    summary: str
    series: tuple[str, ...]
    groups: tuple[Group, ...]
    height: float
    #: the data table beside the chart: its column headers, and rows of (row header, cells)
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    #: a vertical line drawn across the bars (the envelope), as (x, text), or None
    reference: tuple[float, str] | None = None
    legend_height: float = 0

    @property
    def styles(self) -> tuple[str, ...]:
        return STYLES[:len(self.series)]

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def bar_height(self) -> int:
        return BAR


def bar_chart(key, title, summary, series, items, columns, rows, reference=None) -> Chart:
    """`items`: (label, [(value or None, text)…] one per series); a None value draws no bar, its text stays."""
    values = [value for _label, bars in items for value, _text in bars if value is not None]
    scale_to = max([*values, reference[0] if reference and reference[0] is not None else 0, Decimal(0)])
    legend = 28 if len(series) > 1 or (reference and reference[0] is not None) else 0
    y, groups = legend, []
    for label, bars in items:
        laid = tuple(Bar(index, _width(value, scale_to), y + LABEL + index * (BAR + GAP), text)
                     for index, (value, text) in enumerate(bars))
        groups.append(Group(label, y, laid))
        y += LABEL + len(bars) * (BAR + GAP) + 10
    line = None
    if reference and reference[0] is not None:
        line = (_width(reference[0], scale_to), reference[1])
    return Chart(key, title, summary, tuple(series), tuple(groups), max(y, legend + 1), tuple(columns),
                 tuple(rows), line, legend)


def _width(value: Decimal | None, scale_to: Decimal) -> float:
    if value is None or value <= 0 or scale_to <= 0:
        return 0
    return max(2.0, round(float(value / scale_to) * PLOT, 1))


def money_of(value) -> str:
    return money(amount(value))


def share(part, whole) -> str:
    """`part` as a percentage of `whole`, for the funnel's texts; "" when the whole is nothing."""
    if not whole:
        return ""
    return percent_text(Decimal(part) * 100 / Decimal(whole))

