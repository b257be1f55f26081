"""The IBAN, the French RIB key and the BIC: published examples accepted, each kind of mistake told apart."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from schwifty import IBAN
from schwifty.exceptions import InvalidBBANChecksum

from aap.decisions.bank_checks import BankDetailsRefused, checked_bic, checked_iban, grouped, rib_key, still_valid

#: published examples: the EPC's, La Banque Postale's (a letter in the account number), the IBAN registry's
VALID_FRENCH = ["FR7630006000011234567890189", "FR1420041010050500013M02606", "FR7630001007941234567890185"]


def check_digits(country: str, bban: str) -> str:
    """ISO 13616 check digits, computed here so that a test can build an IBAN whose mod-97 is right."""
    number = int("".join(str(int(character, 36)) for character in bban + country + "00"))
    return f"{98 - number % 97:02d}"


def french_iban(bank: str, branch: str, account: str, key: str) -> str:
    bban = bank + branch + account + key
    return "FR" + check_digits("FR", bban) + bban


@pytest.fixture
def context(app):
    with app.test_request_context():
        yield


def refusal(check, text) -> str:
    with pytest.raises(BankDetailsRefused) as refused:
        check(text)
    return refused.value.message


@pytest.mark.parametrize("iban", VALID_FRENCH)
def test_published_french_ibans_pass_and_their_rib_key_is_the_one_printed(context, iban):
    assert checked_iban(iban) == iban
    assert rib_key(iban[4:9], iban[9:14], iban[14:25]) == int(iban[25:])


def test_the_rib_key_converts_letters_as_the_banking_standard_says():
    # La Banque Postale's account 0500013M026: M counts as 4, so the key is that of 05000134026
    assert rib_key("20041", "01005", "0500013M026") == rib_key("20041", "01005", "05000134026") == 6
    assert rib_key("20041", "01005", "0500013m026") == 6
    for letters, digit in (("AJ", "1"), ("BKS", "2"), ("CLT", "3"), ("DMU", "4"), ("ENV", "5"), ("FOW", "6"),
                           ("GPX", "7"), ("HQY", "8"), ("IRZ", "9")):
        for letter in letters:
            assert rib_key("30006", "00001", f"1234567890{letter}") == rib_key("30006", "00001", f"1234567890{digit}")


def test_the_key_runs_from_1_to_97_never_0():
    # 89 × 0 + 15 × 0 + 3 × 0 ≡ 0 (mod 97): the key is 97, not 0
    assert rib_key("00000", "00000", "00000000000") == 97


@settings(max_examples=300, deadline=None)
@given(bank=st.from_regex(r"[0-9]{5}", fullmatch=True), branch=st.from_regex(r"[0-9]{5}", fullmatch=True),
       account=st.from_regex(r"[0-9A-Z]{11}", fullmatch=True), key=st.integers(min_value=0, max_value=99))
def test_the_rib_key_agrees_with_schwiftys_own_french_checksum(bank, branch, account, key):
    """schwifty checks the French key when asked (validate_bban): an independent reading of the same standard."""
    iban = french_iban(bank, branch, account, f"{key:02d}")
    try:
        IBAN(iban, validate_bban=True)
        schwifty_says = True
    except InvalidBBANChecksum:
        schwifty_says = False
    assert (key == rib_key(bank, branch, account)) == schwifty_says


def test_a_wrong_rib_key_with_right_check_digits_is_refused_for_its_key(context):
    wrong = french_iban("30006", "00001", "12345678901", "88")  # the real key is 89
    assert IBAN(wrong).compact == wrong  # mod-97 and length pass: only the RIB key is wrong
    assert refusal(checked_iban, wrong) == (
        "La clé RIB (88, les deux derniers chiffres) ne correspond pas au code banque 30006, au code guichet 00001 "
        "et au numéro de compte 12345678901 : l'un d'eux est mal recopié. Reprenez l'IBAN sur le RIB.")
    assert not still_valid(wrong, "BNPAFRPP")


def test_spaces_and_small_letters_are_accepted_and_normalised(context):
    assert checked_iban("fr76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    assert checked_iban(" FR76\u00a03000\u202f6000\t0112 3456 7890 189 ") == "FR7630006000011234567890189"
    assert checked_bic("bnpa frpp xxx") == "BNPAFRPPXXX"
    assert grouped("FR7630006000011234567890189") == "FR76 3000 6000 0112 3456 7890 189"


def test_an_iban_of_another_country_is_checked_without_a_rib_key(context):
    assert checked_iban("DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"


@pytest.mark.parametrize("typed, message", [
    ("", "Saisissez l'IBAN du compte, tel qu'il figure sur le RIB de la structure."),
    ("FR76-3000-6000-0112-3456-7890-189",
     "Un IBAN ne contient que des lettres et des chiffres (les espaces sont acceptés) : retirez les autres signes."),
    ("7630006000011234567890189",
     "Un IBAN commence par le code du pays en deux lettres puis deux chiffres de contrôle, par exemple FR76 pour un "
     "compte en France."),
    ("XX7630006000011234567890189",
     "« XX » n'est le code d'aucun pays qui délivre des IBAN : vérifiez les deux premières lettres."),
    ("FR76 3000 6000 0112 3456 7890 18",
     "Un IBAN France (FR) compte 27 caractères ; celui-ci en a 26. Vérifiez qu'il n'en manque ni n'en dépasse aucun."),
    ("FR76 3000 6000 0112 3456 7890 1890",
     "Un IBAN France (FR) compte 27 caractères ; celui-ci en a 28. Vérifiez qu'il n'en manque ni n'en dépasse aucun."),
    ("FR77 3000 6000 0112 3456 7890 189",
     "Les chiffres de contrôle de l'IBAN (77, après FR) ne correspondent pas au reste du numéro : une faute de frappe "
     "s'y est glissée. Recopiez-le depuis le RIB."),
    ("FR76 3000 6000 0112 3456 7890 198",  # two digits swapped: mod-97 catches it
     "Les chiffres de contrôle de l'IBAN (76, après FR) ne correspondent pas au reste du numéro : une faute de frappe "
     "s'y est glissée. Recopiez-le depuis le RIB."),
    ("FR76 A000 6000 0112 3456 7890 189",
     "Après « FR76 », l'IBAN ne suit pas le format des comptes France : une lettre se trouve sans doute à la place "
     "d'un chiffre. Recopiez-le depuis le RIB."),
])
def test_each_mistake_in_an_iban_gets_its_own_message(context, typed, message):
    assert refusal(checked_iban, typed) == message


@pytest.mark.parametrize("typed, message", [
    ("", "Saisissez le BIC (code SWIFT) de la banque, tel qu'il figure sur le RIB."),
    ("BNPAFRP", "Un BIC compte 8 ou 11 caractères, par exemple BNPAFRPP ou BNPAFRPPXXX ; celui-ci en a 7."),
    ("BNPA1RPP", "Un BIC s'écrit avec 4 lettres pour la banque, 2 lettres pour le pays puis 2 lettres ou chiffres (et "
                 "3 de plus pour une agence), par exemple BNPAFRPP."),
    ("BNPAXXPP", "Les 5e et 6e lettres du BIC (XX) doivent être le code d'un pays, par exemple FR."),
])
def test_each_mistake_in_a_bic_gets_its_own_message(context, typed, message):
    assert refusal(checked_bic, typed) == message
