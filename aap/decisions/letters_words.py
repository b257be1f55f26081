"""What the decision letters and agreements say the same way: who decides, amounts in words, dates in French."""
from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words

from aap.core.formatting import PARIS


def authority_name(decision) -> str:
    """The co-funder that decided, or the authority running the call: its first named funder, else the call."""
    if decision.funder is not None:
        return decision.funder.name
    call = decision.dossier.call
    return (call.funders or [None])[0] or call.title


def _words(number: int) -> str:
    return num2words(number, lang="fr")


def amount_in_words(amount: Decimal) -> str:
    """« vingt-trois mille euros », « un million d'euros », « douze euros et cinquante centimes »."""
    cents_total = int((Decimal(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    euros, cents = divmod(cents_total, 100)
    words = _words(euros)
    if euros in (0, 1):
        text = f"{words} euro"
    elif words.endswith(("million", "millions", "milliard", "milliards")):
        text = f"{words} d'euros"
    else:
        text = f"{words} euros"
    if cents:
        text += f" et {_words(cents)} centime{'s' if cents > 1 else ''}"
    return text


def paris_day(moment):
    """The day a stored time falls on in Paris (None stays None)."""
    return moment.astimezone(PARIS).date() if moment is not None else None
