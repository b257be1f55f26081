"""A dossier's reviews side by side: statistics per criterion and group, the n/a rule, divergence, recommendations."""
from dataclasses import replace
from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aap.review.aggregates import (
    DIVERGENCE_GAP,
    Review,
    Summary,
    aggregate_dossier,
    check_recommendation,
    count_recommendations,
    divergence,
    summarise,
)
from aap.review.scoring import NA, Criterion, Grid, rounded, shown
from tests.review.strategies import PROPERTIES, grids, reviews
from tests.review.test_scoring import GRID

D = Decimal
FIRST = Review(1, "reseaux", {"utilite_sociale": D(4), "ancrage": D(3), "gouvernance": D(15), "emplois": NA},
               "favorable")  # 435 / 6 = 72.5 (see test_scoring)
SECOND = Review(2, "banques", {"utilite_sociale": D(2), "ancrage": D(5), "gouvernance": NA, "emplois": D(1)},
                "reserve")  # 340 / 6 = 56.666…
THIRD = Review(3, "banques", {"utilite_sociale": D(5), "ancrage": D(5), "gouvernance": D(20), "emplois": D(5)},
               "favorable")  # every criterion at its top: 100


def test_dossier_worked_example():
    aggregate = aggregate_dossier(GRID, [FIRST, SECOND, THIRD])
    assert dict(aggregate.review_scores) == {1: D("72.5"), 2: D("56.66666666666666666666666667"), 3: D(100)}
    # (435/6 + 340/6 + 600/6) / 3 = 1375/18 = 76.3888…
    assert aggregate.score == D("76.38888888888888888888888889")
    assert shown(aggregate.score) == "76,39"
    assert aggregate.overall.median == D("72.5")
    # population variance: ((435−1375/3)² + (340−1375/3)² + (600−1375/3)²) / 3 / 6² = 51925/162, √ ≈ 17.903
    assert rounded(aggregate.overall.std) == D("17.90")
    assert (aggregate.overall.minimum, aggregate.overall.maximum) == (D("56.66666666666666666666666667"), D(100))


def test_dossier_criteria_worked_example():
    criteria = aggregate_dossier(GRID, [FIRST, SECOND, THIRD]).criteria
    assert list(criteria) == ["utilite_sociale", "ancrage", "gouvernance", "emplois"]
    # utilité sociale 4, 2, 5: mean 11/3, median 4, deviations 1/3, −5/3, 4/3 → variance 42/27 = 14/9, std √14 / 3
    utilite = criteria["utilite_sociale"]
    assert (utilite.count, utilite.left_out, utilite.median, utilite.gap) == (3, 0, D(4), D(3))
    assert utilite.mean == D("3.666666666666666666666666667")
    assert utilite.std == D("1.247219128924647128527916244")
    # gouvernance 15, n/a, 20 on 0–20: the n/a is left out, not counted as 0
    assert criteria["gouvernance"] == Summary(count=2, left_out=1, mean=D("17.5"), median=D("17.5"), std=D("2.5"),
                                              minimum=D(15), maximum=D(20))
    # emplois n/a, 1, 5: mean 3, population std 2
    assert criteria["emplois"] == Summary(2, 1, D(3), D(3), D(2), D(1), D(5))


def test_dossier_groups_worked_example():
    groups = aggregate_dossier(GRID, [FIRST, SECOND, THIRD]).groups
    assert list(groups) == ["banques", "reseaux"]
    banks = groups["banques"].score
    # 340/6 and 100: mean 235/3 = 78.33…, std half the gap: (100 − 340/6) / 2 = 65/3 = 21.66…
    assert (rounded(banks.mean), rounded(banks.std), banks.count) == (D("78.33"), D("21.67"), 2)
    assert groups["banques"].criteria["ancrage"] == Summary(2, 0, D(5), D(5), D(0), D(5), D(5))
    networks = groups["reseaux"]
    assert (networks.score.mean, networks.score.std) == (D("72.5"), D(0))
    assert networks.criteria["emplois"] == Summary(0, 1, None, None, None, None, None)


def test_recommendations_are_counted_every_value_listed():
    aggregate = aggregate_dossier(GRID, [FIRST, SECOND, THIRD])
    assert dict(aggregate.recommendations) == {"favorable": 2, "reserve": 1, "defavorable": 0}
    assert dict(count_recommendations([Review(4, "elus")])) == {"favorable": 0, "reserve": 0, "defavorable": 0}
    with pytest.raises(ValueError):
        count_recommendations([Review(4, "elus", recommendation="bof")])


def test_a_recommendation_must_be_one_of_the_three():
    assert check_recommendation("defavorable") is None
    assert check_recommendation(None) == "Choisissez un avis : favorable, réservé ou défavorable."
    assert check_recommendation("bof") == "Choisissez un avis : favorable, réservé ou défavorable."


def test_divergence_worked_example():
    # 100 − 56.666… = 43.33 points ≥ 40
    flag = aggregate_dossier(GRID, [FIRST, SECOND, THIRD]).divergence
    assert flag.flagged
    assert flag.reason == ("Les relecteurs divergent : 43,33 points séparent la note la plus basse (56,67/100) "
                           "de la plus haute (100,00/100), pour un seuil de 40 points.")
    # 72.5 and 100: 27.5 points apart, under the threshold
    assert not aggregate_dossier(GRID, [FIRST, THIRD]).divergence.flagged


def test_divergence_threshold_is_met_from_its_value_as_shown():
    assert DIVERGENCE_GAP == D(40)
    assert divergence(summarise([D(20), D(60)])).flagged
    # 39.996 is shown as 40,00: the flag agrees with the figure people read
    assert divergence(summarise([D(20), D("59.996")])).flagged
    assert not divergence(summarise([D(20), D("59.99")])).flagged
    assert not divergence(summarise([D(0)])).flagged
    assert not divergence(summarise([])).flagged


def test_na_never_moves_a_mean():
    with_na = summarise([D(1), NA, D(3), None, NA])
    assert with_na == Summary(count=2, left_out=3, mean=D(2), median=D(2), std=D(1), minimum=D(1), maximum=D(3))
    assert summarise([NA, NA]) == Summary(0, 2, None, None, None, None, None)
    assert summarise([NA]).gap is None


def test_a_review_all_na_is_left_out_of_the_dossier_score():
    optional = Grid((Criterion("a", "A", required=False), Criterion("b", "B", required=False)))
    scored = Review(1, "reseaux", {"a": D(4), "b": D(2)})  # (80 + 40) / 2 = 60
    all_na = Review(2, "banques", {"a": NA, "b": NA})
    aggregate = aggregate_dossier(optional, [scored, all_na])
    assert aggregate.review_scores[2] is None
    assert aggregate.score == D(60)  # not (60 + 0) / 2
    assert (aggregate.overall.count, aggregate.overall.left_out) == (1, 1)
    assert aggregate.groups["banques"].score.mean is None
    assert aggregate_dossier(optional, [all_na]).score is None
    assert aggregate_dossier(optional, []).score is None


def test_a_reviewer_counted_twice_is_an_error():
    with pytest.raises(ValueError):
        aggregate_dossier(GRID, [FIRST, FIRST])


@PROPERTIES
@given(data=st.data())
def test_permuting_reviews_changes_nothing(data):
    grid = data.draw(grids())
    drawn = data.draw(reviews(grid))
    assert aggregate_dossier(grid, data.draw(st.permutations(drawn))) == aggregate_dossier(grid, drawn)


@PROPERTIES
@given(data=st.data())
def test_adding_an_na_answer_moves_no_statistic(data):
    grid = data.draw(grids(max_size=4))
    drawn = data.draw(reviews(grid, max_size=4))
    wider = Grid((*grid.criteria, Criterion("en_plus", "En plus", required=False)))
    with_na = [Review(r.reviewer, r.group, {**r.scores, "en_plus": NA}, r.recommendation) for r in drawn]
    before, after = aggregate_dossier(grid, drawn), aggregate_dossier(wider, with_na)
    assert (after.review_scores, after.overall, after.divergence) == \
           (before.review_scores, before.overall, before.divergence)
    assert {key: after.criteria[key] for key in grid.keys} == dict(before.criteria)
    assert after.criteria["en_plus"] == Summary(0, len(drawn), None, None, None, None, None)


@PROPERTIES
@given(data=st.data())
def test_adding_a_review_all_na_moves_no_statistic(data):
    drawn_grid = data.draw(grids(max_size=4))
    grid = Grid(tuple(replace(criterion, required=False) for criterion in drawn_grid.criteria))
    drawn = data.draw(reviews(grid, max_size=4))
    before = aggregate_dossier(grid, drawn)
    after = aggregate_dossier(grid, [*drawn, Review(99, "reseaux", dict.fromkeys(grid.keys, NA))])
    assert after.review_scores[99] is None
    assert after.score == before.score
    assert after.overall == replace(before.overall, left_out=before.overall.left_out + 1)
    for key in grid.keys:
        assert after.criteria[key].count == before.criteria[key].count
        assert (after.criteria[key].mean, after.criteria[key].median, after.criteria[key].std) == \
               (before.criteria[key].mean, before.criteria[key].median, before.criteria[key].std)


def test_aggregates_ignore_the_thread_decimal_context():
    expected = aggregate_dossier(GRID, [FIRST, SECOND, THIRD])
    with localcontext() as context:
        context.prec = 3
        assert aggregate_dossier(GRID, [FIRST, SECOND, THIRD]) == expected
        assert expected.overall.gap == D("43.33333333333333333333333333")
