"""What each instrument needs besides its amount, read from the decision form into plain values, or refused in words.

A grant is an amount; aid in kind is described and valued; equity is a number of shares at a value, for a SCIC
only; a repayable advance carries the schedule of its repayments, which add up to the amount.
"""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from aap.core.formatting import money
from aap.decisions.models import EQUITY, GRANT, IN_KIND, INSTRUMENTS

MAX_DESCRIPTION = 2000
MAX_REPAYMENTS = 60
MAX_SHARES = 10_000_000
CENT = Decimal("0.01")
_LINE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*[;:\-–]?\s*(.+?)\s*(?:€|EUR)?\s*$")


class InstrumentRefused(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass(frozen=True)
class Particulars:
    """The instrument's amount and what it needs besides, as stored in Decision.details."""

    amount: Decimal
    details: dict


def euros(text: str, field: str) -> Decimal:
    """An amount typed the French way (12 500,50 €) as exact euros, positive, at most two decimals."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", str(text or "")).replace(",", ".")
    if not cleaned:
        raise InstrumentRefused(_("Saisissez un montant en euros."), field)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InstrumentRefused(_("« %(text)s » n'est pas un montant : écrivez par exemple 12 500 ou 12 500,50.",
                                  text=text), field) from None
    if not value.is_finite() or value >= Decimal("1e9"):
        raise InstrumentRefused(_("Ce montant est trop grand : saisissez-le en euros."), field)
    if value <= 0:
        raise InstrumentRefused(_("Le montant doit être positif : un refus s'enregistre comme « Refusé », sans "
                                  "montant."), field)
    if value != value.quantize(CENT):
        raise InstrumentRefused(_("Le montant a au plus deux décimales (les centimes)."), field)
    return value


def particulars(instrument: str, form: dict, legal_form: str, deliberated_on: date | None) -> Particulars:
    """The amount and details of a granted decision, from the form's plain values."""
    if instrument not in INSTRUMENTS:
        raise InstrumentRefused(_("Choisissez l'instrument : subvention, aide en nature, prise de participation ou "
                                  "avance remboursable."), "instrument")
    if instrument == EQUITY:
        return _equity(form, legal_form)
    amount = euros(form.get("amount"), "amount")
    if instrument == GRANT:
        return Particulars(amount, {})
    if instrument == IN_KIND:
        description = (form.get("in_kind_description") or "").strip()
        if not description:
            raise InstrumentRefused(_("Décrivez l'aide en nature (locaux, matériel, prestations…) : le montant en est "
                                      "la valorisation."), "in_kind_description")
        if len(description) > MAX_DESCRIPTION:
            raise InstrumentRefused(_("La description dépasse %(n)d caractères.", n=MAX_DESCRIPTION),
                                    "in_kind_description")
        return Particulars(amount, {"description": description})
    return Particulars(amount, {"repayments": _repayments(form.get("repayments"), amount, deliberated_on)})


def _equity(form: dict, legal_form: str) -> Particulars:
    if legal_form != "scic":
        raise InstrumentRefused(_("Une prise de participation au capital n'est possible que dans une SCIC (société "
                                  "coopérative d'intérêt collectif) : cette structure n'en est pas une."), "instrument")
    text = str(form.get("shares") or "").strip().replace(" ", "")
    if not text.isdigit() or not 0 < int(text) <= MAX_SHARES:
        raise InstrumentRefused(_("Saisissez le nombre de parts sociales souscrites : un nombre entier positif."),
                                "shares")
    shares, value = int(text), euros(form.get("share_value"), "share_value")
    return Particulars((value * shares).quantize(CENT), {"shares": shares, "share_value": str(value)})


def _repayments(text: str | None, amount: Decimal, deliberated_on: date | None) -> list[dict]:
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if not lines:
        raise InstrumentRefused(_("Saisissez l'échéancier de remboursement : une échéance par ligne, par exemple "
                                  "« 30/06/2028 5 000 »."), "repayments")
    if len(lines) > MAX_REPAYMENTS:
        raise InstrumentRefused(_("L'échéancier compte au plus %(n)d échéances.", n=MAX_REPAYMENTS), "repayments")
    schedule = [_repayment(number, line, deliberated_on) for number, line in enumerate(lines, start=1)]
    total = sum((Decimal(step["amount"]) for step in schedule), Decimal(0))
    if total != amount:
        raise InstrumentRefused(_("Les échéances font %(total)s au total, pour une avance de %(amount)s : elles "
                                  "doivent faire le montant de l'avance.", total=money(total), amount=money(amount)),
                                "repayments")
    days = [step["due_on"] for step in schedule]
    if days != sorted(days) or len(set(days)) != len(days):
        raise InstrumentRefused(_("Les échéances se suivent dans l'ordre des dates, une par date."), "repayments")
    return schedule


def _repayment(number: int, line: str, deliberated_on: date | None) -> dict:
    match = _LINE.match(line)
    due = None
    if match:
        try:
            due = date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            due = None
    if due is None:
        raise InstrumentRefused(_("Ligne %(n)d de l'échéancier : écrivez la date puis le montant, par exemple "
                                  "« 30/06/2028 5 000 ».", n=number), "repayments")
    if deliberated_on is not None and due <= deliberated_on:
        raise InstrumentRefused(_("Ligne %(n)d de l'échéancier : l'échéance vient après la délibération.", n=number),
                                "repayments")
    try:
        value = euros(match.group(4), "repayments")
    except InstrumentRefused as refused:
        raise InstrumentRefused(_("Ligne %(n)d de l'échéancier : %(reason)s", n=number, reason=refused.message),
                                "repayments") from None
    return {"due_on": due.isoformat(), "amount": str(value)}
