"""Checks of the bank details a holder types: the IBAN (schwifty: structure, length, mod-97), the French RIB key
(computed here), the BIC. Each refusal says in French what is wrong; spaces and small letters are accepted."""
import re

from flask_babel import get_locale
from flask_babel import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import (
    InvalidChecksumDigits,
    InvalidCountryCode,
    InvalidStructure,
    SchwiftyException,
)

#: the banking standard's table for the letters of a French account number (A, J → 1; B, K, S → 2…)
RIB_LETTERS = str.maketrans("AJBKSCLTDMUENVFOWGPXHQYIRZ", "11222333444555666777888999")
_SPACES = re.compile(r"\s+")
_ALPHANUMERIC = re.compile(r"[A-Z0-9]*")
#: the longest account holder's name kept
MAX_HOLDER_NAME = 200
_FRENCH_BBAN = re.compile(r"([0-9]{5})([0-9]{5})([A-Z0-9]{11})([0-9]{2})")


class BankDetailsRefused(ValueError):
    """A value that cannot be kept as bank details; the message is French and names the field."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message, self.field = message, field


def compact(text: str | None) -> str:
    """What was typed without its spaces (non-breaking ones too), in capitals."""
    return _SPACES.sub("", text or "").upper()


def rib_key(bank_code: str, branch_code: str, account_number: str) -> int:
    """The French RIB key (clé RIB), 1 to 97: 97 − ((89 × bank + 15 × branch + 3 × account) mod 97)."""
    account = int(account_number.upper().translate(RIB_LETTERS))
    return 97 - (89 * int(bank_code) + 15 * int(branch_code) + 3 * account) % 97


def grouped(iban: str) -> str:
    """FR76 3000 6000 0112 3456 7890 189, as a RIB prints it."""
    return " ".join(iban[index:index + 4] for index in range(0, len(iban), 4))


def _country(code: str) -> str:
    return get_locale().territories.get(code, code) if get_locale() is not None else code


def checked_iban(text: str | None) -> str:
    """The IBAN without spaces, in capitals, once every check has passed; else BankDetailsRefused."""
    iban = compact(text)
    if not iban:
        raise BankDetailsRefused(_("Saisissez l'IBAN du compte, tel qu'il figure sur le RIB de la structure."), "iban")
    if not _ALPHANUMERIC.fullmatch(iban):
        raise BankDetailsRefused(_("Un IBAN ne contient que des lettres et des chiffres (les espaces sont acceptés) : "
                                   "retirez les autres signes."), "iban")
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}.*", iban):
        raise BankDetailsRefused(_("Un IBAN commence par le code du pays en deux lettres puis deux chiffres de "
                                   "contrôle, par exemple FR76 pour un compte en France."), "iban")
    expected = _expected_length(iban)
    if len(iban) != expected:
        raise BankDetailsRefused(_("Un IBAN %(country)s (%(code)s) compte %(expected)d caractères ; celui-ci en a "
                                   "%(given)d. Vérifiez qu'il n'en manque ni n'en dépasse aucun.",
                                   country=_country(iban[:2]), code=iban[:2], expected=expected, given=len(iban)),
                                 "iban")
    _schwifty_checks(iban)
    if iban.startswith("FR"):
        _check_rib_key(iban)
    return iban


def _expected_length(iban: str) -> int:
    try:
        return IBAN(iban, allow_invalid=True).spec.iban_length
    except InvalidCountryCode:
        raise BankDetailsRefused(_("« %(code)s » n'est le code d'aucun pays qui délivre des IBAN : vérifiez les deux "
                                   "premières lettres.", code=iban[:2]), "iban") from None


def _schwifty_checks(iban: str) -> None:
    try:
        IBAN(iban)
    except InvalidStructure:
        raise BankDetailsRefused(_("Après « %(start)s », l'IBAN ne suit pas le format des comptes %(country)s : une "
                                   "lettre se trouve sans doute à la place d'un chiffre. Recopiez-le depuis le RIB.",
                                   start=iban[:4], country=_country(iban[:2])), "iban") from None
    except InvalidChecksumDigits:
        raise BankDetailsRefused(_("Les chiffres de contrôle de l'IBAN (%(digits)s, après %(code)s) ne correspondent "
                                   "pas au reste du numéro : une faute de frappe s'y est glissée. Recopiez-le depuis "
                                   "le RIB.", digits=iban[2:4], code=iban[:2]), "iban") from None
    except SchwiftyException:
        raise BankDetailsRefused(_("Cet IBAN n'est pas valide : recopiez-le depuis le RIB de la structure."),
                                 "iban") from None


def _check_rib_key(iban: str) -> None:
    bank, branch, account, key = _FRENCH_BBAN.fullmatch(iban[4:]).groups()
    if int(key) != rib_key(bank, branch, account):
        raise BankDetailsRefused(_("La clé RIB (%(key)s, les deux derniers chiffres) ne correspond pas au code banque "
                                   "%(bank)s, au code guichet %(branch)s et au numéro de compte %(account)s : l'un "
                                   "d'eux est mal recopié. Reprenez l'IBAN sur le RIB.", key=key, bank=bank,
                                   branch=branch, account=account), "iban")


def checked_bic(text: str | None) -> str:
    """The BIC without spaces, in capitals, once checked; else BankDetailsRefused."""
    bic = compact(text)
    if not bic:
        raise BankDetailsRefused(_("Saisissez le BIC (code SWIFT) de la banque, tel qu'il figure sur le RIB."), "bic")
    if len(bic) not in (8, 11):
        raise BankDetailsRefused(_("Un BIC compte 8 ou 11 caractères, par exemple BNPAFRPP ou BNPAFRPPXXX ; celui-ci "
                                   "en a %(given)d.", given=len(bic)), "bic")
    try:
        BIC(bic)
    except InvalidCountryCode:
        raise BankDetailsRefused(_("Les 5e et 6e lettres du BIC (%(code)s) doivent être le code d'un pays, par "
                                   "exemple FR.", code=bic[4:6]), "bic") from None
    except SchwiftyException:
        raise BankDetailsRefused(_("Un BIC s'écrit avec 4 lettres pour la banque, 2 lettres pour le pays puis 2 "
                                   "lettres ou chiffres (et 3 de plus pour une agence), par exemple BNPAFRPP."),
                                 "bic") from None
    return bic


def checked_holder_name(text: str | None) -> str:
    """The holder's name with its spaces made single; else BankDetailsRefused."""
    name = " ".join((text or "").split())
    if not name:
        raise BankDetailsRefused(_("Indiquez le titulaire du compte, tel qu'il figure sur le RIB."), "holder_name")
    if len(name) > MAX_HOLDER_NAME:
        raise BankDetailsRefused(_("Le nom du titulaire dépasse %(n)d caractères.", n=MAX_HOLDER_NAME), "holder_name")
    return name


def still_valid(iban: str, bic: str) -> bool:
    """Whether details kept earlier pass today's checks (a payment goes only to those)."""
    try:
        checked_iban(iban), checked_bic(bic)
    except BankDetailsRefused:
        return False
    return True
