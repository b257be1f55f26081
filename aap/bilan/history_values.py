"""One cell of a file of past editions read into a value, or refused with the reason in French.

Amounts: digits with a dot or a comma before at most two decimals (12000,50 or 12000.50); thousands may be
grouped by threes with a space, a no-break space or a narrow no-break space (12 000,50, as French spreadsheets
write it), and a final € is allowed. A dot or a comma followed by exactly three digits (12.000, 12,000) and a
number mixing both (12.000,50) are refused as ambiguous: nothing is guessed about a sum of money.
"""
import re
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _

from aap.bilan import history_template as template
from aap.core.formatting import short_date
from aap.core.inputs import has_control_characters
from aap.core.text import sort_key
from aap.organisations.communes import Commune, all_communes
from aap.organisations.identifiers import compact, is_valid_rna, is_valid_siret
from aap.organisations.models import LEGAL_FORMS

SPACES = " \u00a0\u202f"
_GROUPED = re.compile(rf"^[0-9]{{1,3}}(?:[{SPACES}][0-9]{{3}})+$")
_DIGITS_ONLY = re.compile(r"[0-9]+")
_DAY_MONTH_YEAR = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
_ISO_DAY = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_DIGITS = re.compile(r"^[0-9]{1,9}$")
CENT = Decimal("0.01")
LARGEST = Decimal("1e9")
EARLIEST_DAY = date(1900, 1, 1)


class ValueProblem(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def text(value, max_length: int | None) -> str:
    """A cell's text, without outer spaces; control characters and overlong texts are refused."""
    result = str(value if value is not None else "").strip()
    if has_control_characters(result):
        raise ValueProblem(_("Le texte contient un caractère de contrôle invisible : retirez-le."))
    if max_length is not None and len(result) > max_length:
        raise ValueProblem(_("%(n)d caractères au plus (ici %(count)d).", n=max_length, count=len(result)))
    return result


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def amount(value, allow_zero: bool = False) -> Decimal:
    """An amount in euros (see the module's docstring), positive, at most two decimals, below a billion."""
    number = _spreadsheet_number(value) if isinstance(value, (int, float)) else _typed_amount(str(value))
    if not number.is_finite() or abs(number) >= LARGEST:
        raise ValueProblem(_("« %(text)s » est trop grand pour un montant en euros.", text=value))
    if number != number.quantize(CENT):
        raise ValueProblem(_("« %(text)s » a plus de deux décimales : un montant s'écrit au centime près.", text=value))
    if number < 0 or (number == 0 and not allow_zero):
        raise ValueProblem(_("« %(text)s » : le montant doit être positif.", text=value))
    return number.quantize(CENT)


def _spreadsheet_number(value) -> Decimal:
    if isinstance(value, bool):
        raise ValueProblem(_("« %(text)s » n'est pas un montant.", text=value))
    return Decimal(str(value))


def _typed_amount(raw: str) -> Decimal:
    cleaned = re.sub(rf"[{SPACES}]*(?:€|EUR)$", "", raw.strip(SPACES), flags=re.IGNORECASE)
    if cleaned.startswith("-"):
        raise ValueProblem(_("« %(text)s » : le montant doit être positif.", text=raw))
    if "." in cleaned and "," in cleaned:
        raise ValueProblem(_("« %(text)s » mêle point et virgule : écrivez 12000,50 ou 12 000,50 (une espace entre "
                             "les milliers, la virgule avant les centimes).", text=raw))
    whole, separator, decimals = cleaned.partition("," if "," in cleaned else ".")
    if separator and _DIGITS_ONLY.fullmatch(decimals) and len(decimals) == 3:
        raise ValueProblem(_("« %(text)s » est ambigu (des milliers ou des décimales ?) : écrivez 12000 ou 12 000, "
                             "et au plus deux décimales après la virgule.", text=raw))
    if _GROUPED.match(whole):
        whole = re.sub(rf"[{SPACES}]", "", whole)
    if not _DIGITS_ONLY.fullmatch(whole) or (separator and not _DIGITS_ONLY.fullmatch(decimals)):
        raise ValueProblem(_("« %(text)s » n'est pas un montant : écrivez par exemple 12000, 12 000 ou 12 000,50.",
                             text=raw))
    return Decimal(f"{whole}.{decimals or '0'}")


def number(value) -> Decimal:
    """A count that may be fractional (jobs in full-time equivalents): zero or more, at most two decimals."""
    try:
        return amount(value, allow_zero=True)
    except ValueProblem:
        raise ValueProblem(_("« %(text)s » n'est pas un nombre : écrivez par exemple 2 ou 1,5.", text=value)) from None


def integer(value) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = str(value).strip()
    if isinstance(value, bool) or not _DIGITS.match(raw):
        raise ValueProblem(_("« %(text)s » n'est pas un nombre entier.", text=value))
    return int(raw)


def day(value, today: date) -> date:
    """A date written JJ/MM/AAAA or AAAA-MM-JJ (or a spreadsheet's date), neither in the future nor before 1900."""
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    else:
        result = _typed_day(str(value).strip())
    if result > today:
        raise ValueProblem(_("Le %(day)s est dans le futur : une édition passée a ses dates passées.",
                             day=short_date(result)))
    if result < EARLIEST_DAY:
        raise ValueProblem(_("Le %(day)s est antérieur à 1900 : vérifiez l'année.", day=short_date(result)))
    return result


def _typed_day(raw: str) -> date:
    match = _DAY_MONTH_YEAR.match(raw)
    parts = (match.group(3), match.group(2), match.group(1)) if match else None
    if parts is None and (iso := _ISO_DAY.match(raw)):
        parts = iso.groups()
    if parts is None:
        raise ValueProblem(_("« %(text)s » n'est pas une date : écrivez JJ/MM/AAAA, par exemple 30/06/2015.",
                             text=raw))
    try:
        return date(*(int(part) for part in parts))
    except ValueError:
        raise ValueProblem(_("« %(text)s » n'est pas une date qui existe.", text=raw)) from None


def yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    said = template.word(value)
    if said in template.YES_WORDS or said in template.NO_WORDS:
        return said in template.YES_WORDS
    raise ValueProblem(_("« %(text)s » : écrivez oui ou non.", text=value))


def siret(value) -> str:
    """Fourteen digits whose key is right (La Poste's SIRET, whose key differs, included)."""
    number = compact(str(value))
    if not number.isdigit() or len(number) != 14:
        raise ValueProblem(_("« %(text)s » n'est pas un SIRET : il compte 14 chiffres.", text=value))
    if not is_valid_siret(number):
        raise ValueProblem(_("Le SIRET %(text)s n'est pas valide (sa clé de contrôle est fausse) : vérifiez-le sur "
                             "l'annuaire des entreprises.", text=number))
    return number


def rna(value) -> str:
    number = compact(str(value))
    if not is_valid_rna(number):
        raise ValueProblem(_("« %(text)s » n'est pas un numéro RNA : W suivi de 9 chiffres, par exemple "
                             "W931000123.", text=value))
    return number


def legal_form(value) -> str:
    said = template.word(value)
    if said not in LEGAL_FORMS:
        raise ValueProblem(_("Forme juridique inconnue « %(text)s » : écrivez %(forms)s.", text=value,
                             forms=", ".join(LEGAL_FORMS)))
    return said


def commune(value) -> Commune:
    """A commune of the territory, by its INSEE code or its name (« saint denis » is Saint-Denis)."""
    said = str(value).strip()
    communes = all_communes()
    if said in communes:
        return communes[said]
    wanted = _name_key(said)
    for candidate in communes.values():
        if _name_key(candidate.name) == wanted:
            return candidate
    raise ValueProblem(_("Commune inconnue « %(text)s » : écrivez le code INSEE ou le nom d'une commune du "
                         "territoire (%(names)s).", text=value, names=", ".join(c.name for c in communes.values())))


def _name_key(name: str) -> str:
    return re.sub(r"[\s\-'’]+", " ", sort_key(name)).strip()


def outcome(value) -> str | None:
    said = template.word(value)
    if not said:
        return None
    if said not in template.OUTCOME_WORDS:
        raise ValueProblem(_("Décision inconnue « %(text)s » : écrivez accordé, refusé ou ajourné, ou laissez vide.",
                             text=value))
    return template.OUTCOME_WORDS[said]


def instrument(value) -> str:
    said = template.word(value)
    if said not in template.INSTRUMENT_WORDS:
        raise ValueProblem(_("Instrument inconnu « %(text)s » : écrivez subvention, aide en nature, prise de "
                             "participation ou avance remboursable.", text=value))
    return template.INSTRUMENT_WORDS[said]
