"""How the snapshot writes its numbers: amounts with two decimals, rates with their places, as strings."""
from decimal import ROUND_HALF_UP, Decimal

CENT, TENTH = Decimal("0.01"), Decimal("0.1")


def money(value) -> str:
    return str(Decimal(str(value or 0)).quantize(CENT, ROUND_HALF_UP))


def money_or_none(value) -> str | None:
    return None if value is None else money(value)


def ratio(numerator, denominator, places: Decimal = CENT, scale: int = 1) -> str | None:
    """numerator × scale ÷ denominator, rounded half up; None when the denominator is nothing."""
    if not denominator:
        return None
    value = Decimal(str(numerator or 0)) * scale / Decimal(str(denominator))
    return str(value.quantize(places, ROUND_HALF_UP))


def percent(numerator, denominator) -> str | None:
    return ratio(numerator, denominator, TENTH, 100)


def whole_days(value) -> int | None:
    return None if value is None else int(Decimal(str(value)).quantize(Decimal(1), ROUND_HALF_UP))
