"""What an envelope leaves once the committee's favorable amounts are taken from it: plain numbers in and out."""
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


def remaining_envelope(envelope: Decimal | None, recommended: Iterable[Decimal | None]) -> Decimal | None:
    """The envelope minus the amounts already recommended favorable; None when there is no envelope to keep to."""
    if envelope is None:
        return None
    return Decimal(envelope) - sum((Decimal(amount) for amount in recommended if amount is not None), Decimal(0))


@dataclass(frozen=True)
class Overrun:
    """An amount that goes beyond what an envelope still holds."""

    #: "strand" or "call"
    scope: str
    envelope: Decimal
    remaining: Decimal
    amount: Decimal


Envelope = tuple[str, Decimal | None, Iterable[Decimal | None]]


def overruns(amount: Decimal, envelopes: Iterable[Envelope]) -> list[Overrun]:
    """The envelopes (scope, envelope, amounts already recommended) that `amount` would go beyond, in order."""
    found = []
    for scope, envelope, recommended in envelopes:
        remaining = remaining_envelope(envelope, recommended)
        if remaining is not None and amount > remaining:
            found.append(Overrun(scope=scope, envelope=Decimal(envelope), remaining=remaining, amount=amount))
    return found
