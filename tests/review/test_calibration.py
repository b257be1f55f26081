"""Calibration per reviewer across a call, and the raw and calibrated rankings per strand."""
from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aap.review.calibration import EXPLANATION, ScoredReview, Standing, calibrate, rank, rankings_by_strand
from aap.review.scoring import Criterion, Grid, rounded, weighted_score
from tests.review.strategies import PROPERTIES, two_places

D = Decimal
ONE = Grid((Criterion("utilite_sociale", "Utilité sociale", minimum=0, maximum=5),))
SQRT_3_2 = D("1.224744871391589049098642037")  # √(3/2)


def scored(dossier: int, reviewer: int, note: str) -> ScoredReview:
    return ScoredReview(dossier, reviewer, weighted_score(ONE, {"utilite_sociale": D(note)}))


def standings(calibration, raw: dict[int, Decimal], strand: int = 1) -> list[Standing]:
    return [Standing(dossier, strand, score, calibration.dossiers[dossier]) for dossier, score in raw.items()]


def test_a_generous_and_a_severe_reviewer_weigh_the_same_once_calibrated():
    # the generous reviewer 10 gives 4.5, 4 and 3.5 out of 5 (90, 80, 70), the severe 20 gives 2.5, 2, 1.5 (50, 40, 30)
    reviews = [scored(1, 10, "4.5"), scored(2, 10, "4"), scored(3, 10, "3.5"),
               scored(4, 20, "2.5"), scored(5, 20, "2"), scored(6, 20, "1.5")]
    calibration = calibrate(reviews)
    generous = calibration.reviewers[10]
    # mean 80; variance (10² + 0² + 10²) / 3 = 200/3; std √(200/3) ≈ 8.165
    assert (generous.count, generous.mean, rounded(generous.std), generous.calibrated) == (3, D(80), D("8.16"), True)
    # z = 10 / √(200/3) = √(3/2) for the best of each, 0 for the middle, −√(3/2) for the last
    assert dict(calibration.dossiers) == {1: SQRT_3_2, 2: D(0), 3: -SQRT_3_2, 4: SQRT_3_2, 5: D(0), 6: -SQRT_3_2}
    assert calibration.uncalibrated == ()
    raw = {review.dossier: review.score for review in reviews}
    ranking = rankings_by_strand(standings(calibration, raw))[1]
    # raw: every dossier of the generous reviewer before every dossier of the severe one
    assert [(r.position, r.dossier, r.tied) for r in ranking.raw] == [(n, n, False) for n in range(1, 7)]
    # calibrated: each reviewer's best side by side, tied, the raw score breaking the tie
    assert [(r.position, r.dossier, r.tied) for r in ranking.calibrated] == \
           [(1, 1, True), (2, 4, True), (3, 2, True), (4, 5, True), (5, 3, True), (6, 6, True)]


def test_two_reviewers_of_the_same_dossiers_are_brought_to_one_scale():
    # reviewer 10 scores 4.5 and 3.5 (90, 70), reviewer 20 scores the same dossiers 2.5 and 1.5 (50, 30)
    calibration = calibrate([scored(1, 10, "4.5"), scored(2, 10, "3.5"), scored(1, 20, "2.5"), scored(2, 20, "1.5")])
    # each reviewer: mean 80 (or 40), std 10, so z = +1 and −1 for both
    assert dict(calibration.z_scores) == {(1, 10): D(1), (2, 10): D(-1), (1, 20): D(1), (2, 20): D(-1)}
    assert dict(calibration.dossiers) == {1: D(1), 2: D(-1)}


def test_a_reviewer_scoring_everything_alike_is_reported_apart():
    # everything 4/5 from reviewer 10, everything 2/5 from reviewer 20: no order between their dossiers to keep
    reviews = [scored(1, 10, "4"), scored(2, 10, "4"), scored(3, 20, "2"), scored(4, 20, "2")]
    calibration = calibrate(reviews)
    assert [(r.reviewer, r.reason) for r in calibration.uncalibrated] == [
        (10, "Toutes ses notes sont égales (80,00/100) : elles ne départagent aucun dossier."),
        (20, "Toutes ses notes sont égales (40,00/100) : elles ne départagent aucun dossier.")]
    assert (calibration.reviewers[10].mean, calibration.reviewers[10].std) == (D(80), D(0))
    assert dict(calibration.dossiers) == dict.fromkeys([1, 2, 3, 4])
    ranking = rank(standings(calibration, {review.dossier: review.score for review in reviews}), calibrated=True)
    # no calibrated score: listed, unranked, in the raw order
    assert [(r.position, r.dossier, r.value, r.tied) for r in ranking] == \
           [(None, 1, None, False), (None, 2, None, False), (None, 3, None, False), (None, 4, None, False)]


def test_a_reviewer_with_one_scored_review_is_left_out_of_calibrated_scores():
    reviews = [scored(1, 10, "4.5"), scored(2, 10, "3.5"), scored(1, 30, "1"),
               ScoredReview(2, 40, None), ScoredReview(3, 10, None)]
    calibration = calibrate(reviews)
    assert [(r.reviewer, r.count, r.reason) for r in calibration.uncalibrated] == [
        (30, 1, "1 relecture notée : il en faut au moins 2 pour connaître ses habitudes."),
        (40, 0, "0 relecture notée : il en faut au moins 2 pour connaître ses habitudes.")]
    # reviewer 10's review of dossier 3 had every criterion n/a: left out of their mean and std
    assert (calibration.reviewers[10].count, calibration.reviewers[10].mean) == (2, D(80))
    assert calibration.z_scores[(1, 30)] is None
    assert calibration.z_scores[(3, 10)] is None
    # dossier 1: only reviewer 10's z = +1 counts, not reviewer 30's review
    assert dict(calibration.dossiers) == {1: D(1), 2: D(-1), 3: None}


def test_a_reviewer_reviewing_a_dossier_twice_is_an_error():
    with pytest.raises(ValueError):
        calibrate([scored(1, 10, "4"), scored(1, 10, "3")])


def test_the_explanation_is_one_sentence():
    assert EXPLANATION == ("Chaque note est recentrée sur la moyenne de son relecteur et divisée par l'écart habituel "
                           "de ses notes : un relecteur sévère et un relecteur généreux pèsent alors autant.")


def test_ties_are_broken_by_the_other_score_then_the_dossier_number():
    entries = [Standing(7, 1, D("70.001"), D("-0.5")), Standing(3, 1, D("70.004"), D("0.5")),
               Standing(5, 1, D(70), D("0.5")), Standing(9, 1, None, D(2)), Standing(2, 1, D(80), None),
               Standing(1, 1, None, None)]
    # 70.001, 70.004 and 70 all show 70,00: calibrated 0.5 before −0.5, then dossier 3 before 5
    assert [(r.position, r.dossier, r.tied) for r in rank(entries)] == \
           [(1, 2, False), (2, 3, True), (3, 5, True), (4, 7, True), (None, 9, False), (None, 1, False)]
    assert [(r.position, r.dossier, r.tied) for r in rank(entries, calibrated=True)] == \
           [(1, 9, False), (2, 3, True), (3, 5, True), (4, 7, False), (None, 2, False), (None, 1, False)]


def test_rankings_are_per_strand():
    entries = [Standing(1, 2, D(50), D(0)), Standing(2, 1, D(40), D(1)), Standing(3, 1, D(60), D(-1))]
    rankings = rankings_by_strand(entries)
    assert list(rankings) == [1, 2]
    assert [r.dossier for r in rankings[1].raw] == [3, 2]
    assert [r.dossier for r in rankings[1].calibrated] == [2, 3]
    assert [(r.position, r.dossier) for r in rankings[2].raw] == [(1, 1)]
    with pytest.raises(ValueError):
        rank([Standing(1, 1, D(1), None), Standing(1, 1, D(2), None)])


call_reviews = st.lists(
    st.tuples(st.integers(min_value=1, max_value=6), st.integers(min_value=1, max_value=4),
              st.one_of(st.none(), two_places(D(0), D(100)))),
    max_size=24, unique_by=lambda review: review[:2],
).map(lambda rows: [ScoredReview(dossier, reviewer, score) for dossier, reviewer, score in rows])


@PROPERTIES
@given(reviews=call_reviews, data=st.data())
def test_calibration_is_invariant_under_a_per_reviewer_change_of_scale(reviews, data):
    slopes = {reviewer: data.draw(two_places(D("0.01"), D(10))) for reviewer in range(1, 5)}
    shifts = {reviewer: data.draw(two_places(D(-100), D(100))) for reviewer in range(1, 5)}
    moved = [ScoredReview(r.dossier, r.reviewer,
                          None if r.score is None else r.score * slopes[r.reviewer] + shifts[r.reviewer])
             for r in reviews]
    before, after = calibrate(reviews), calibrate(moved)
    assert after.z_scores == before.z_scores
    assert after.dossiers == before.dossiers
    assert [r.reviewer for r in after.uncalibrated] == [r.reviewer for r in before.uncalibrated]


@PROPERTIES
@given(reviews=call_reviews, data=st.data())
def test_permuting_reviews_changes_no_calibration(reviews, data):
    assert calibrate(data.draw(st.permutations(reviews))) == calibrate(reviews)


@PROPERTIES
@given(reviews=call_reviews)
def test_a_calibrated_reviewer_s_z_scores_have_mean_0_and_spread_1(reviews):
    calibration = calibrate(reviews)
    for reviewer in (habits.reviewer for habits in calibration.reviewers.values() if habits.calibrated):
        zs = [z for (_dossier, by), z in calibration.z_scores.items() if by == reviewer and z is not None]
        mean = sum(zs) / len(zs)
        assert abs(mean) < D("1e-20")
        assert abs(sum((z - mean) ** 2 for z in zs) / len(zs) - 1) < D("1e-20")


def test_calibration_ignores_the_thread_decimal_context():
    reviews = [scored(1, 10, "4.5"), scored(2, 10, "4"), scored(3, 10, "3.5"), scored(3, 20, "1")]
    expected = calibrate(reviews)
    with localcontext() as context:
        context.prec = 3
        assert calibrate(reviews) == expected
