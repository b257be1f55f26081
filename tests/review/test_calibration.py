"""Calibration per reviewer across a call, and the raw and calibrated rankings per strand."""
import re
import statistics
from collections import Counter
from decimal import Decimal, localcontext
from fractions import Fraction
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aap.review.calibration import (
    EXPLANATION,
    Calibration,
    Rank,
    ReviewerCalibration,
    ScoredReview,
    Standing,
    StrandRanking,
    calibrate,
    rank,
    rankings_by_strand,
)
from aap.review.scoring import CONTEXT, Criterion, Grid, rounded, shown, weighted_score
from aap.review.texts import _l
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


# A plain restatement of the calibration and the rankings, in fractions and `statistics`: the arithmetic of the
# module must give the same results, digit for digit, the same order of entries and the same reasons.

def reference_calibration(reviews: list[ScoredReview]) -> Calibration:
    if len({(review.dossier, review.reviewer) for review in reviews}) != len(reviews):
        raise ValueError("a reviewer reviews the same dossier twice")
    scores: dict[int, list[Fraction]] = {}
    for review in reviews:
        scores.setdefault(review.reviewer, [])
        if review.score is not None:
            scores[review.reviewer].append(Fraction(review.score))
    reviewers = {reviewer: reference_habits(reviewer, values) for reviewer, values in scores.items()}
    z_scores = {}
    for review in reviews:
        values = scores[review.reviewer]
        if review.score is None or not reviewers[review.reviewer].calibrated:
            z_scores[(review.dossier, review.reviewer)] = None
            continue
        mean = sum(values, Fraction(0)) / len(values)
        variance = sum(((value - mean) ** 2 for value in values), Fraction(0)) / len(values)
        deviation = Fraction(review.score) - mean
        size = decimal_sqrt(deviation ** 2 / variance)
        z_scores[(review.dossier, review.reviewer)] = size.copy_negate() if deviation < 0 else size
    by_dossier: dict[int, list[Decimal]] = {}
    for (dossier, _reviewer), z in z_scores.items():
        by_dossier.setdefault(dossier, [])
        if z is not None:
            by_dossier[dossier].append(z)
    with localcontext(CONTEXT):
        dossiers = {dossier: statistics.mean(zs) if zs else None for dossier, zs in by_dossier.items()}
    return Calibration(MappingProxyType(reviewers), MappingProxyType(z_scores), MappingProxyType(dossiers))


def reference_habits(reviewer: int, values: list[Fraction]) -> ReviewerCalibration:
    too_few = _l("%(count)s relecture notée : il en faut au moins %(needed)s pour connaître ses habitudes.",
                 count=len(values), needed=2)
    if not values:
        return ReviewerCalibration(reviewer, 0, None, None, too_few)
    mean = sum(values, Fraction(0)) / len(values)
    variance = sum(((value - mean) ** 2 for value in values), Fraction(0)) / len(values)
    with localcontext(CONTEXT):
        shown_mean = Decimal(mean.numerator) / Decimal(mean.denominator)
    reason = too_few if len(values) < 2 else None
    if reason is None and variance == 0:
        reason = _l("Toutes ses notes sont égales (%(score)s/100) : elles ne départagent aucun dossier.",
                    score=shown(shown_mean))
    return ReviewerCalibration(reviewer, len(values), shown_mean, decimal_sqrt(variance), reason)


def decimal_sqrt(value: Fraction) -> Decimal:
    with localcontext(CONTEXT):
        return (Decimal(value.numerator) / Decimal(value.denominator)).sqrt()


def reference_rank(standings: list[Standing], calibrated: bool = False) -> tuple[Rank, ...]:
    def value(standing):
        return standing.calibrated if calibrated else standing.score

    def other(standing):
        return standing.score if calibrated else standing.calibrated

    def higher_first(number):
        return (1, Decimal(0)) if number is None else (0, rounded(number).copy_negate())

    ordered = sorted(standings, key=lambda s: (higher_first(value(s)), higher_first(other(s)), s.dossier))
    shown_values = Counter(rounded(value(standing)) for standing in standings)
    ranks = []
    for standing in ordered:
        if value(standing) is None:
            ranks.append(Rank(None, standing.dossier, None, False))
        else:
            ranks.append(Rank(len(ranks) + 1, standing.dossier, value(standing),
                              shown_values[rounded(value(standing))] > 1))
    return tuple(ranks)


def reference_rankings(standings: list[Standing]) -> dict[int, StrandRanking]:
    strands = sorted({standing.strand for standing in standings})
    return {strand: StrandRanking(reference_rank([s for s in standings if s.strand == strand]),
                                  reference_rank([s for s in standings if s.strand == strand], calibrated=True))
            for strand in strands}


def digits(calibration: Calibration) -> tuple:
    """Everything a calibration says, Decimals as written (repr), entries in their order, reasons with their values."""
    return (repr(calibration), list(calibration.reviewers), list(calibration.z_scores), list(calibration.dossiers),
            [(habits.reason.msgid, habits.reason.values) for habits in calibration.uncalibrated])


def weighted_scores(max_places: int = 4) -> st.SearchStrategy[Decimal | None]:
    """Weighted scores as stored (up to 4 decimals), the ends of the scale, or none when every criterion was n/a."""
    return st.one_of(
        st.none(), st.sampled_from([D(0), D(100), D("0.0000"), D("100.0000"), D("50.0000")]),
        st.integers(min_value=0, max_value=max_places).flatmap(
            lambda places: st.decimals(min_value=0, max_value=100, places=places)))


@st.composite
def calls(draw, scores: st.SearchStrategy[Decimal | None]) -> list[ScoredReview]:
    """Reviews of a call, some reviewers with a single review, some giving every dossier the same score."""
    reviewers = draw(st.integers(min_value=1, max_value=6))
    pairs = draw(st.lists(st.tuples(st.integers(min_value=1, max_value=10), st.integers(min_value=1, max_value=reviewers)),
                          max_size=40, unique=True))
    steady = {reviewer: draw(scores) for reviewer in draw(st.sets(st.integers(min_value=1, max_value=reviewers)))}
    return [ScoredReview(dossier, reviewer, steady[reviewer] if reviewer in steady else draw(scores))
            for dossier, reviewer in pairs]


@PROPERTIES
@given(reviews=calls(weighted_scores()))
def test_calibration_matches_its_plain_restatement_in_fractions(reviews):
    assert digits(calibrate(reviews)) == digits(reference_calibration(reviews))


@PROPERTIES
@given(reviews=calls(st.one_of(weighted_scores(12), st.decimals(min_value=-10**6, max_value=10**6, places=8),
                               st.sampled_from([D("1E+3"), D("5E-20"), D("-0"), D("0E+2"), 7, "2.5", Fraction(1, 3)]))))
def test_calibration_of_scores_of_any_precision_matches_its_plain_restatement(reviews):
    assert digits(calibrate(reviews)) == digits(reference_calibration(reviews))


def test_z_scores_hundreds_of_orders_of_magnitude_apart_are_averaged_exactly():
    # reviewer 10's review of dossier 1 lies about 10^−200 of their spread from their mean; reviewer 20's, one spread
    reviews = [ScoredReview(1, 10, D(10 ** 200 // 2 + 1)), ScoredReview(2, 10, D(0)), ScoredReview(3, 10, D(10 ** 200)),
               ScoredReview(1, 20, D(90)), ScoredReview(2, 20, D(70))]
    calibration = calibrate(reviews)
    assert D("1E-201") < calibration.z_scores[(1, 10)] < D("1E-199")
    assert digits(calibration) == digits(reference_calibration(reviews))


@pytest.mark.parametrize("score, error", [(D("NaN"), ValueError), (D("sNaN"), ValueError),
                                          (D("Infinity"), OverflowError), (D("-Infinity"), OverflowError)])
def test_a_score_that_is_not_a_number_is_refused_as_before(score, error):
    reviews = [scored(1, 10, "4"), ScoredReview(2, 10, score)]
    with pytest.raises(error) as expected:
        reference_calibration(reviews)
    with pytest.raises(error, match=re.escape(str(expected.value))):
        calibrate(reviews)


shown_scores = st.one_of(weighted_scores(), st.sampled_from([D("70.005"), D("70.015"), D("70.0049"), D("-0.005"),
                                                             D("0.004"), D("70"), D("70.00")]))


@st.composite
def call_standings(draw) -> list[Standing]:
    """A call's dossiers with their raw score and calibrated score, many of them shown alike."""
    reviews = draw(calls(weighted_scores()))
    calibration = calibrate(reviews)
    dossiers = sorted(calibration.dossiers)
    others = draw(st.lists(st.integers(min_value=11, max_value=40), unique=True, max_size=10))
    calibrated = st.one_of(st.none(), shown_scores, st.decimals(min_value=-3, max_value=3, places=27))
    return [Standing(dossier, draw(st.integers(min_value=1, max_value=3)), draw(shown_scores),
                     calibration.dossiers[dossier] if dossier in calibration.dossiers else draw(calibrated))
            for dossier in dossiers + others]


@PROPERTIES
@given(standings=call_standings())
def test_rankings_match_their_plain_restatement(standings):
    rankings = rankings_by_strand(standings)
    assert repr(dict(rankings)) == repr(reference_rankings(standings))
    for calibrated in (False, True):
        assert repr(rank(standings, calibrated=calibrated)) == repr(reference_rank(standings, calibrated))
