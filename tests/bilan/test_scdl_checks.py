"""The SCDL schema's rules as aap applies them: the cells' constraints and the two custom checks."""
import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.fr import siret as stdnum_siret

from aap.bilan.scdl_checks import (
    Problem,
    cell_problems,
    csv_problems,
    field_names,
    row_problems,
    scdl_schema,
    siret_is_valid,
)

VALID_ROW = {"nomAttribuant": "Plaine Commune", "idAttribuant": "73282932000074", "dateConvention": "2026-02-26",
             "referenceDecision": "DEL-2026-001", "nomBeneficiaire": "Ressourcerie du Landy",
             "idBeneficiaire": "73282932000074", "rnaBeneficiaire": "", "objet": "Réemploi",
             "montant": "8000.00", "nature": "aide en numéraire", "conditionsVersement": "échelonné",
             "datesPeriodeVersement": "2026-05-01/2027-02-01", "idRAE": "", "notificationUE": "non",
             "pourcentageSubvention": "0.40", "dispositifAide": ""}
#: a La Poste establishment: its digits sum to 30, and its Luhn key is wrong
LA_POSTE = "35600000012346"


def field(name):
    return next(f for f in scdl_schema()["fields"] if f["name"] == name)


def test_a_siret_passes_with_its_luhn_key_and_fails_with_a_wrong_one():
    assert siret_is_valid("73282932000074")
    assert not siret_is_valid("73282932000075")
    assert not siret_is_valid("7328293200007")  # 13 digits
    assert not siret_is_valid("7328293200007A")
    assert not siret_is_valid("356000000१२३४५")  # digits of another script are not a SIRET's


def test_la_poste_siret_passes_by_the_sum_of_its_digits_though_its_luhn_key_is_wrong():
    assert sum(map(int, LA_POSTE)) % 5 == 0
    assert not siret_is_valid("35600000012346".replace("356", "357", 1))  # the same digits out of La Poste
    assert siret_is_valid(LA_POSTE)
    assert not siret_is_valid("35600000012347")  # sum 31
    assert siret_is_valid("35600000000048")  # the head office keeps the Luhn key


@given(st.from_regex(r"\A[0-9]{14}\Z"))
def test_the_siret_check_agrees_with_python_stdnum_on_any_14_digits(number):
    assert siret_is_valid(number) == stdnum_siret.is_valid(number)


@given(st.from_regex(r"\A35600000[0-9]{6}\Z"))
def test_the_siret_check_agrees_with_python_stdnum_on_la_postes_numbers(number):
    assert siret_is_valid(number) == stdnum_siret.is_valid(number)


def test_a_valid_row_has_no_problem():
    assert row_problems(VALID_ROW, 1) == []


@pytest.mark.parametrize("column", ["idAttribuant", "idBeneficiaire"])
def test_french_siret_value_applies_to_the_authority_and_the_beneficiary(column):
    problems = row_problems({**VALID_ROW, column: "73282932000075"}, 4)
    assert problems == [Problem(4, column, "« 73282932000075 » n'est pas un numéro SIRET valide "
                                           "(14 chiffres et clé de contrôle)")]


def test_la_postes_siret_passes_the_rows_custom_check():
    assert row_problems({**VALID_ROW, "idBeneficiaire": LA_POSTE}, 1) == []


def test_one_of_required_wants_a_siret_or_an_rna():
    assert row_problems({**VALID_ROW, "idBeneficiaire": "", "rnaBeneficiaire": "W931234567"}, 1) == []
    problems = row_problems({**VALID_ROW, "idBeneficiaire": "", "rnaBeneficiaire": ""}, 2)
    assert [str(p) for p in problems] == [
        "ligne 2, idBeneficiaire ou rnaBeneficiaire : ni idBeneficiaire ni rnaBeneficiaire : l'un des deux est obligatoire"]


@pytest.mark.parametrize("name, value, message", [
    ("dateConvention", "", "valeur obligatoire manquante"),
    ("dateConvention", "26/02/2026", "« 26/02/2026 » n'est pas une date AAAA-MM-JJ"),
    ("dateConvention", "2026-02-30", "« 2026-02-30 » n'est pas une date AAAA-MM-JJ"),
    ("montant", "8000,00", "« 8000,00 » n'est pas un nombre (point décimal)"),
    ("nature", "subvention", "« subvention » n'est pas l'une des valeurs admises (aide en numéraire, aide en nature, "
                             "aide en numéraire;aide en nature, aide en nature;aide en numéraire)"),
    ("rnaBeneficiaire", "W12345", "« W12345 » n'a pas la forme attendue"),
    ("objet", "x" * 257, "257 caractères pour 256 au plus"),
    ("notificationUE", "false", "« false » n'est pas oui ou non"),
    ("pourcentageSubvention", "0.001", "0.001 est inférieur au minimum 0.01"),
    ("pourcentageSubvention", "1.5", "1.5 est supérieur au maximum 1"),
    ("datesPeriodeVersement", "2026-05-01 - 2027-02-01", "« 2026-05-01 - 2027-02-01 » n'a pas la forme attendue"),
])
def test_each_constraint_of_the_schema_is_applied(name, value, message):
    assert cell_problems(field(name), value) == [message]


def test_booleans_take_the_schemas_own_words():
    assert cell_problems(field("notificationUE"), "non") == cell_problems(field("notificationUE"), "oui") == []


def test_an_unknown_custom_check_is_never_taken_as_passed():
    schema = copy.deepcopy(scdl_schema())
    schema["custom_checks"].append({"name": "french-gps-point", "params": {"column": "objet"}})
    with pytest.raises(LookupError, match="french-gps-point"):
        row_problems(VALID_ROW, 1, schema)


def test_a_file_is_checked_header_first_then_row_by_row():
    header = ",".join(field_names())
    good = ",".join(VALID_ROW[name] for name in field_names())
    bad = good.replace("73282932000074", "73282932000075", 1)
    assert csv_problems(f"{header}\r\n{good}\r\n") == []
    assert [p.row for p in csv_problems(f"{header}\r\n{good}\r\n{bad}\r\n")] == [2]
    assert csv_problems(f"{header}\r\n{good},de trop\r\n") == [Problem(1, "ligne", "17 cellules pour 16 colonnes")]
    assert csv_problems("objet\r\nx\r\n")[0].column == "en-tête"
