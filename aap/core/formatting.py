"""Formats shown to people: 120 000 €, 30/09/2021, Europe/Paris times."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from flask import Flask
from flask_babel import get_locale

from aap.core.markdown import render_markdown

PARIS = ZoneInfo("Europe/Paris")


def money(amount: Decimal | int | float | None) -> str:
    if amount is None:
        return "—"
    value = Decimal(amount)
    pattern = "#,##0" if value == value.to_integral_value() else "#,##0.00"
    number = format_decimal(value, format=pattern, locale=str(get_locale() or "fr"))
    return f"{number}\u00a0€"


def number(value, digits: int = 0) -> str:
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=str(get_locale() or "fr"))


def short_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(PARIS)
    return value.strftime("%d/%m/%Y")


def date_time(value: datetime | None) -> str:
    if value is None:
        return "—"
    local = value.astimezone(PARIS)
    return local.strftime("%d/%m/%Y %H:%M")


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(money=money, number=number, date=short_date, datetime=date_time,
                                 markdown=render_markdown)
