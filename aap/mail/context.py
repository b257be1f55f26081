"""Template values stored as JSON on a mail row, so the worker renders it from ids and plain values."""
from datetime import date, datetime
from decimal import Decimal

_DATETIME, _DATE, _DECIMAL = "__datetime__", "__date__", "__decimal__"


def encode(value):
    if isinstance(value, datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, date):
        return {_DATE: value.isoformat()}
    if isinstance(value, Decimal):
        return {_DECIMAL: str(value)}
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"valeur de courriel non sérialisable : {type(value).__name__} (passer des valeurs simples)")


def decode(value):
    if isinstance(value, dict):
        if set(value) == {_DATETIME}:
            return datetime.fromisoformat(value[_DATETIME])
        if set(value) == {_DATE}:
            return date.fromisoformat(value[_DATE])
        if set(value) == {_DECIMAL}:
            return Decimal(value[_DECIMAL])
        return {key: decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value
