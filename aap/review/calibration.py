"""Calibration of reviewers across a call, and the call's rankings, raw and calibrated, per strand.

A reviewer who scores everything high and one who scores everything low do not weigh the same in a
raw mean. So each review's weighted score is standardised against its reviewer's submitted reviews
across the call: z = (score − the reviewer's mean) / the reviewer's population standard deviation.
A dossier's calibrated score is the mean of its reviews' z-scores (0 is a reviewer's usual level).

A reviewer with fewer than `MIN_REVIEWS` scored reviews, or whose scores are all equal, shows no
habit to correct: they are not calibrated, are reported apart with the reason, and their reviews
are left out of calibrated scores as "n/a" is. A dossier none of whose reviews is calibrated has
no calibrated score (None, shown "n/a") and is listed after the ranked dossiers.

Rankings sort on values as shown (two decimals, half-even), so that every order can be explained
from what people see: the higher value first, then the other score (calibrated for the raw ranking,
raw for the calibrated one), then the smaller dossier number. Dossiers showing the same value are
marked tied.
"""
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from types import MappingProxyType
from typing import Final

from aap.review.scoring import CONTEXT, from_fraction, rounded, shown
from aap.review.texts import Text, _l

#: the one sentence telling people how the calibrated ranking is computed
EXPLANATION: Final = _l("Chaque note est recentrée sur la moyenne de son relecteur et divisée par l'écart "
                        "habituel de ses notes : un relecteur sévère et un relecteur généreux pèsent alors autant.")

#: scored reviews a reviewer needs before their habits are corrected
MIN_REVIEWS: Final = 2


@dataclass(frozen=True)
class ScoredReview:
    """A submitted review's weighted score, where it belongs."""

    dossier: int
    reviewer: int
    #: on 0–100; None when every criterion was "n/a"
    score: Decimal | None


@dataclass(frozen=True)
class ReviewerCalibration:
    """A reviewer's habits across the call."""

    reviewer: int
    #: reviews with a weighted score
    count: int
    mean: Decimal | None
    #: population standard deviation of their weighted scores
    std: Decimal | None
    #: why the reviewer is not calibrated, in French; None when they are
    reason: Text | None = None

    @property
    def calibrated(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class Calibration:
    reviewers: Mapping[int, ReviewerCalibration]
    #: (dossier, reviewer) → z-score; None when the review has no score or its reviewer no calibration
    z_scores: Mapping[tuple[int, int], Decimal | None]
    #: dossier → mean of its reviews' z-scores; None when none of them has one
    dossiers: Mapping[int, Decimal | None]

    @property
    def uncalibrated(self) -> tuple[ReviewerCalibration, ...]:
        """The reviewers reported apart, by reviewer id."""
        return tuple(habits for _id, habits in sorted(self.reviewers.items()) if not habits.calibrated)


def calibrate(reviews: Iterable[ScoredReview]) -> Calibration:
    """Standardise every submitted review of a call against its reviewer's habits."""
    reviews = list(reviews)
    if len({(review.dossier, review.reviewer) for review in reviews}) != len(reviews):
        raise ValueError("a reviewer reviews the same dossier twice")
    scores: dict[int, list[Fraction]] = {}
    for review in reviews:
        scores.setdefault(review.reviewer, []).extend([] if review.score is None else [Fraction(review.score)])
    moments = {reviewer: _moments(values) for reviewer, values in scores.items()}
    reviewers = {reviewer: _describe(reviewer, len(values), moments[reviewer]) for reviewer, values in scores.items()}
    z_scores = {(review.dossier, review.reviewer): _z(review.score, moments[review.reviewer])
                if reviewers[review.reviewer].calibrated else None for review in reviews}
    by_dossier: dict[int, list[Decimal]] = {}
    for (dossier, _reviewer), z in z_scores.items():
        by_dossier.setdefault(dossier, []).extend([] if z is None else [z])
    with localcontext(CONTEXT):
        dossiers = {dossier: statistics.mean(zs) if zs else None for dossier, zs in by_dossier.items()}
    return Calibration(MappingProxyType(reviewers), MappingProxyType(z_scores), MappingProxyType(dossiers))


def _moments(values: list[Fraction]) -> tuple[Fraction, Fraction] | None:
    """Exact mean and population variance; None without values."""
    if not values:
        return None
    mean = sum(values, Fraction(0)) / len(values)
    return mean, sum(((value - mean) ** 2 for value in values), Fraction(0)) / len(values)


def _describe(reviewer: int, count: int, moments: tuple[Fraction, Fraction] | None) -> ReviewerCalibration:
    if moments is None:
        return ReviewerCalibration(reviewer, 0, None, None, _too_few(0))
    mean, variance = moments
    reason = _too_few(count) if count < MIN_REVIEWS else None
    if reason is None and not variance:
        reason = _l("Toutes ses notes sont égales (%(score)s/100) : elles ne départagent aucun dossier.",
                    score=shown(from_fraction(mean)))
    return ReviewerCalibration(reviewer, count, from_fraction(mean), _sqrt(variance), reason)


def _too_few(count: int) -> Text:
    return _l("%(count)s relecture notée : il en faut au moins %(needed)s pour connaître ses habitudes.",
              count=count, needed=MIN_REVIEWS)


def _z(score: Decimal | None, moments: tuple[Fraction, Fraction]) -> Decimal | None:
    """(score − mean) / std, taken as ±√((score − mean)² / variance) from exact fractions.

    The root of an exact ratio does not change when a reviewer's scale is stretched or shifted.
    """
    if score is None:
        return None
    mean, variance = moments
    deviation = Fraction(score) - mean
    size = _sqrt(deviation * deviation / variance)
    return size.copy_negate() if deviation < 0 else size


def _sqrt(value: Fraction) -> Decimal:
    with localcontext(CONTEXT):
        return (Decimal(value.numerator) / Decimal(value.denominator)).sqrt()


@dataclass(frozen=True)
class Standing:
    """A dossier's two scores, as the rankings read them."""

    dossier: int
    strand: int
    score: Decimal | None
    calibrated: Decimal | None


@dataclass(frozen=True)
class Rank:
    #: 1 for the first; None for a dossier without a value, listed after the ranked ones
    position: int | None
    dossier: int
    value: Decimal | None
    #: another dossier shows the same value: the tie-break ordered them
    tied: bool


@dataclass(frozen=True)
class StrandRanking:
    raw: tuple[Rank, ...]
    calibrated: tuple[Rank, ...]


def rank(standings: Iterable[Standing], *, calibrated: bool = False) -> tuple[Rank, ...]:
    """Dossiers by raw score (or calibrated score), ties broken as the module says."""
    standings = list(standings)
    if len({standing.dossier for standing in standings}) != len(standings):
        raise ValueError("a dossier is ranked twice")

    def value(standing: Standing) -> Decimal | None:
        return standing.calibrated if calibrated else standing.score

    def other(standing: Standing) -> Decimal | None:
        return standing.score if calibrated else standing.calibrated

    ordered = sorted(standings, key=lambda s: (_higher_first(value(s)), _higher_first(other(s)), s.dossier))
    seen = Counter(rounded(value(standing)) for standing in ordered)
    ranks: list[Rank] = []
    for standing in ordered:
        shown_value = rounded(value(standing))
        if shown_value is None:
            ranks.append(Rank(None, standing.dossier, None, tied=False))
        else:
            ranks.append(Rank(len(ranks) + 1, standing.dossier, value(standing), tied=seen[shown_value] > 1))
    return tuple(ranks)


def _higher_first(value: Decimal | None) -> tuple[int, Decimal]:
    """Sort key on the value as shown: higher first, no value last."""
    return (1, Decimal(0)) if value is None else (0, rounded(value).copy_negate())


def rankings_by_strand(standings: Iterable[Standing]) -> Mapping[int, StrandRanking]:
    """The call's raw and calibrated rankings, one pair per strand, strands by id."""
    by_strand: dict[int, list[Standing]] = {}
    for standing in standings:
        by_strand.setdefault(standing.strand, []).append(standing)
    return MappingProxyType({strand: StrandRanking(rank(members), rank(members, calibrated=True))
                             for strand, members in sorted(by_strand.items())})
