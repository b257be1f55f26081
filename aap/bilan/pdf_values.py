"""The snapshot's values as the printed bilan writes them (12 000 €, 34,9 %, 42 jours) and its bar charts' geometry.

The snapshot keeps amounts and rates as strings with a decimal point; these read them back without ever
guessing: None, the figure that could not be computed, prints as a dash.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from babel.numbers import format_decimal
from flask_babel import ngettext

from aap.core.formatting import money, number


def amount(value: str | None) -> str:
    return money(Decimal(value)) if value is not None else "—"


def rate(value: str | None) -> str:
    """A percentage of the snapshot, « 34,9 % »."""
    return f"{number(Decimal(value), 1)}\u202f%" if value is not None else "—"


def ratio(value: str | None) -> str:
    """A quotient of the snapshot, « 2,58 »."""
    return number(Decimal(value), 2) if value is not None else "—"


def quantity(value: str | None) -> str:
    """Full-time equivalents and the like, without useless zeros: « 23,5 », « 18 »."""
    return format_decimal(Decimal(value), format="#,##0.##", locale="fr") if value is not None else "—"


def days(value: int | None) -> str:
    return ngettext("%(num)d jour", "%(num)d jours", value) if value is not None else "—"


def ordinal(edition: int) -> str:
    """« 1re », « 15e », as French writes an edition's rank."""
    return "1re" if edition == 1 else f"{edition}e"


def edition_year(row: dict) -> str:
    """« 2021 (15e) », an edition in a multi-year chart."""
    return f"{row['year']} ({ordinal(row['edition'])})" if row.get("edition") else str(row["year"])


def moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Bar:
    value: str
    #: the bar's length as a share of the longest bar of its chart, 0 to 1
    length: float


@dataclass(frozen=True)
class ChartRow:
    label: str
    bars: tuple[Bar, ...]


def chart(rows: list[dict], label: str | Callable[[dict], str], series: tuple[str, ...], formatter) -> list[ChartRow]:
    """One row per item, one bar per series, all drawn to the same scale; a missing value draws no bar.

    `label` names the item's key holding its label, or makes the label from the item.
    """
    label_of = label if callable(label) else (lambda row: str(row.get(label) or "—"))
    values = [[_as_number(row.get(key)) for key in series] for row in rows]
    longest = max((value for row in values for value in row if value is not None), default=0) or 1
    return [ChartRow(label_of(row),
                     tuple(Bar(formatter(row.get(key)), float(value / longest) if value is not None else 0.0)
                           for key, value in zip(series, row_values, strict=True)))
            for row, row_values in zip(rows, values, strict=True)]


def _as_number(value) -> Decimal | None:
    return Decimal(str(value)) if value is not None else None
