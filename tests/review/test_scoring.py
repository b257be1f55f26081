"""Scoring grids, checking a review's scores, the weighted score and how values are shown."""
from decimal import Decimal, localcontext
from pathlib import Path

import pytest
from babel.support import Translations
from hypothesis import given
from hypothesis import strategies as st

from aap.review.scoring import NA, Criterion, Grid, check_scores, grid_problems, rounded, shown, weighted_score
from aap.review.texts import Text
from tests.review.strategies import PROPERTIES, answers, criteria, grids

ROOT = Path(__file__).resolve().parents[2]
GRID = Grid((
    Criterion("utilite_sociale", "Utilité sociale", weight=3, minimum=0, maximum=5),
    Criterion("ancrage", "Ancrage territorial", weight=2, minimum=0, maximum=5),
    Criterion("gouvernance", "Gouvernance démocratique", weight=1, minimum=0, maximum=20, required=False),
    Criterion("emplois", "Emplois", weight=1, minimum=0, maximum=5, required=False),
))


def test_a_sound_grid_has_no_problem():
    assert grid_problems(GRID) == []


def test_an_empty_grid_is_refused():
    assert grid_problems(Grid(())) == ["La grille ne contient aucun critère : ajoutez-en au moins un."]


def test_grid_problems_name_the_criterion():
    grid = Grid((
        Criterion("cooperation", "Coopération", weight=0),
        Criterion("cooperation", "Coopération bis", weight=Decimal("-1.5")),
        Criterion("viabilite", "Viabilité économique", minimum=5, maximum=5),
        Criterion("Emplois créés", "Emplois", minimum=20, maximum=0),
        Criterion("sans_titre", "  ", weight="NaN"),
    ))
    assert grid_problems(grid) == [
        "La clé « cooperation » est donnée à 2 critères : chaque critère a sa propre clé.",
        "Le poids du critère « Coopération » doit être un nombre strictement positif (reçu : 0).",
        "Le poids du critère « Coopération bis » doit être un nombre strictement positif (reçu : -1,5).",
        "L'échelle du critère « Viabilité économique » va de 5 à 5 : le maximum doit être supérieur au minimum.",
        "La clé du critère « Emplois » (« Emplois créés ») ne peut contenir que des lettres minuscules sans "
        "accent, des chiffres et « _ », 40 caractères au plus.",
        "L'échelle du critère « Emplois » va de 20 à 0 : le maximum doit être supérieur au minimum.",
        "Le critère de clé « sans_titre » n'a pas d'intitulé.",
        "Le poids du critère « sans_titre » doit être un nombre strictement positif (reçu : NaN).",
    ]


def test_a_criterion_takes_no_float():
    with pytest.raises(TypeError):
        Criterion("emplois", "Emplois", weight=0.1)


def test_a_submitted_review_reads_numbers_and_na():
    check = check_scores(GRID, {"utilite_sociale": "4", "ancrage": " 3,5 ", "gouvernance": "N/A", "emplois": ""},
                         submitting=True)
    assert check.ok
    # the optional criterion left empty counts as n/a once submitted
    assert dict(check.scores) == {"utilite_sociale": Decimal(4), "ancrage": Decimal("3.5"),
                                  "gouvernance": NA, "emplois": NA}


def test_a_draft_may_leave_criteria_empty():
    check = check_scores(GRID, {"utilite_sociale": "", "ancrage": "2"}, submitting=False)
    assert check.ok
    assert dict(check.scores) == {"ancrage": Decimal(2)}


def test_each_refused_score_has_its_message_next_to_its_criterion():
    check = check_scores(GRID, {"utilite_sociale": "7", "ancrage": "n/a", "gouvernance": "beaucoup",
                                "emplois": "2,125", "csrf_token": "x"}, submitting=True)
    assert dict(check.errors) == {
        "utilite_sociale": "« Utilité sociale » : la note doit être comprise entre 0 et 5 (reçu : 7).",
        "ancrage": "« Ancrage territorial » : ce critère est obligatoire, il ne peut pas être noté n/a ; "
                   "donnez une note de 0 à 5.",
        "gouvernance": "« Gouvernance démocratique » : « beaucoup » n'est pas une note ; saisissez un nombre "
                       "de 0 à 20, ou n/a.",
        "emplois": "« Emplois » : une note a deux décimales au plus (reçu : 2,125).",
    }
    assert not check.ok
    assert dict(check.scores) == {}


def test_a_required_criterion_left_empty_is_refused_on_submission():
    check = check_scores(GRID, {"ancrage": "3"}, submitting=True)
    assert dict(check.errors) == {
        "utilite_sociale": "« Utilité sociale » : ce critère est obligatoire, donnez une note de 0 à 5."}


@pytest.mark.parametrize("typed", ["NaN", "Infinity", "-inf", "1_0", "4/5", "quatre", True, 4.0, [4]])
def test_what_is_not_a_finite_number_is_not_a_score(typed):
    check = check_scores(GRID, {"utilite_sociale": typed}, submitting=False)
    assert check.errors["utilite_sociale"].startswith("« Utilité sociale » : « ")
    assert check.errors["utilite_sociale"].endswith(" n'est pas une note ; saisissez un nombre de 0 à 5.")


def test_the_bounds_of_the_scale_are_scores():
    check = check_scores(GRID, {"utilite_sociale": "0", "ancrage": "5", "gouvernance": "20", "emplois": 0},
                         submitting=True)
    assert check.ok


def test_weighted_score_worked_example():
    # 4/5 → 80, 3/5 → 60, 15/20 → 75, emplois n/a left out:
    # (3 × 80 + 2 × 60 + 1 × 75) / (3 + 2 + 1) = 435 / 6 = 72.5
    scores = {"utilite_sociale": Decimal(4), "ancrage": Decimal(3), "gouvernance": Decimal(15), "emplois": NA}
    assert weighted_score(GRID, scores) == Decimal("72.5")


def test_weighted_score_keeps_its_precision_until_shown():
    # 2/5 → 40, 5/5 → 100, 1/5 → 20, gouvernance n/a: (3 × 40 + 2 × 100 + 1 × 20) / 6 = 340 / 6 = 56.666…
    scores = {"utilite_sociale": Decimal(2), "ancrage": Decimal(5), "gouvernance": NA, "emplois": Decimal(1)}
    assert weighted_score(GRID, scores) == Decimal("56.66666666666666666666666667")
    assert rounded(weighted_score(GRID, scores)) == Decimal("56.67")
    assert shown(weighted_score(GRID, scores)) == "56,67"


def test_display_rounds_half_even():
    grid = Grid((Criterion("seul", "Seul critère", maximum=8),))
    # 0.97 / 8 × 100 = 12.125 exactly: half-even keeps 12.12 where half-up would show 12.13
    assert weighted_score(grid, {"seul": Decimal("0.97")}) == Decimal("12.125")
    assert shown(weighted_score(grid, {"seul": Decimal("0.97")})) == "12,12"
    # 1.03 / 8 × 100 = 12.875 → 12.88
    assert shown(weighted_score(grid, {"seul": Decimal("1.03")})) == "12,88"
    assert shown(Decimal("-0.001")) == "0,00"


def test_a_review_all_na_has_no_score_and_shows_na():
    grid = Grid((Criterion("a", "A", required=False), Criterion("b", "B", maximum=20, required=False)))
    assert weighted_score(grid, {"a": NA, "b": NA}) is None
    assert weighted_score(grid, {}) is None
    assert shown(weighted_score(grid, {"a": NA, "b": NA})) == "n/a"
    assert shown(NA) == "n/a"


def test_a_score_for_a_criterion_outside_the_grid_is_an_error():
    with pytest.raises(ValueError):
        weighted_score(GRID, {"utilite_sociale": Decimal(4), "inconnu": Decimal(1)})


def test_the_weighted_score_ignores_the_thread_decimal_context():
    scores = {"utilite_sociale": Decimal(2), "ancrage": Decimal(5), "gouvernance": NA, "emplois": Decimal(1)}
    with localcontext() as context:
        context.prec = 3
        assert weighted_score(GRID, scores) == Decimal("56.66666666666666666666666667")


@PROPERTIES
@given(data=st.data())
def test_scores_within_the_scale_give_a_weighted_score_within_0_100(data):
    grid = data.draw(grids())
    scores = data.draw(answers(grid))
    assert check_scores(grid, {key: str(value) for key, value in scores.items()}, submitting=True).ok
    score = weighted_score(grid, scores)
    if all(value == NA for value in scores.values()):
        assert score is None
    else:
        assert Decimal(0) <= score <= Decimal(100)


@PROPERTIES
@given(data=st.data())
def test_permuting_criteria_changes_nothing(data):
    grid = data.draw(grids())
    scores = data.draw(answers(grid))
    shuffled = Grid(tuple(data.draw(st.permutations(grid.criteria))))
    shuffled_scores = dict(data.draw(st.permutations(list(scores.items()))))
    assert weighted_score(shuffled, shuffled_scores) == weighted_score(grid, scores)


@PROPERTIES
@given(data=st.data())
def test_adding_an_na_answer_changes_nothing(data):
    grid = data.draw(grids(max_size=5))
    scores = data.draw(answers(grid))
    extra = data.draw(criteria("en_plus").filter(lambda criterion: not criterion.required))
    position = data.draw(st.integers(min_value=0, max_value=len(grid.criteria)))
    wider = Grid(grid.criteria[:position] + (extra,) + grid.criteria[position:])
    assert weighted_score(wider, {**scores, "en_plus": NA}) == weighted_score(grid, scores)


def test_messages_read_as_french_and_translate_in_the_reader_s_language():
    error = check_scores(GRID, {"utilite_sociale": "7"}, submitting=False).errors["utilite_sociale"]
    english = Translations.load(str(ROOT / "aap/translations"), ["en"])
    assert error.translated(english.gettext) == "“Utilité sociale”: the score must lie between 0 and 5 (received: 7)."
    assert error.translated(lambda msgid: msgid) == error
    assert grid_problems(Grid(()))[0].translated(english.gettext) == "The grid has no criterion: add at least one."


def test_a_message_without_values_keeps_its_percent_signs():
    assert Text("100 % des critères") == "100 % des critères"
    assert Text("%(n)s %%", n=3) == "3 %"
