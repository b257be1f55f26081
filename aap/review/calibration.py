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

Every result is exact until one rounding in `CONTEXT`, as if computed in fractions. A reviewer's
scores are written as integers on one scale (their common denominator), so that their count, sum
and sum of squares give the mean, the variance and each z² as ratios of integers; z is ±√z², one
division and one root in CONTEXT. A dossier's z-scores are summed exactly and divided once by their
count, as `statistics.mean` does.
"""
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, Rounded, localcontext
from fractions import Fraction
from functools import reduce
from itertools import chain
from types import MappingProxyType
from typing import Final

from aap.review.scoring import CONTEXT, rounded, shown
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
    ratios = [None if review.score is None else _ratio(review.score) for review in reviews]
    by_reviewer: dict[int, list[tuple[int, int]]] = {}
    for review, ratio in zip(reviews, ratios, strict=True):
        by_reviewer.setdefault(review.reviewer, []).extend(() if ratio is None else (ratio,))
    with localcontext(CONTEXT):
        moments = {reviewer: _Moments(values) for reviewer, values in by_reviewer.items()}
        reviewers = {reviewer: _describe(reviewer, habits) for reviewer, habits in moments.items()}
        calibrated = {reviewer: habits for reviewer, habits in moments.items() if reviewers[reviewer].calibrated}
        z_scores: dict[tuple[int, int], Decimal | None] = {}
        for review, ratio in zip(reviews, ratios, strict=True):
            habits = calibrated.get(review.reviewer)
            z_scores[(review.dossier, review.reviewer)] = None if ratio is None or habits is None else habits.z(ratio)
        dossiers = _dossier_means(z_scores)
    return Calibration(MappingProxyType(reviewers), MappingProxyType(z_scores), MappingProxyType(dossiers))


def _ratio(score: Decimal) -> tuple[int, int]:
    """The score as an exact ratio of integers; refused (NaN, infinity, not a number) as `Fraction` refuses it."""
    if type(score) is Decimal:
        return score.as_integer_ratio()
    fraction = Fraction(score)
    return fraction.numerator, fraction.denominator


class _Moments:
    """A reviewer's scores as integers on one scale: their count, sum and spread, exact.

    Decimals are computed in the current context, which `calibrate` sets to CONTEXT.
    """

    __slots__ = ("count", "scale", "total", "spread", "_z_by_deviation")

    def __init__(self, ratios: list[tuple[int, int]]) -> None:
        self.scale = math.lcm(*{denominator for _numerator, denominator in ratios})
        values = [numerator * (self.scale // denominator) for numerator, denominator in ratios]
        self.count, self.total = len(values), sum(values)
        #: (count × scale)² × the population variance
        self.spread = self.count * sum(value * value for value in values) - self.total * self.total
        self._z_by_deviation: dict[int, Decimal] = {}

    def mean(self) -> Decimal:
        return Decimal(self.total) / Decimal(self.count * self.scale)

    def std(self) -> Decimal:
        return (Decimal(self.spread) / Decimal((self.count * self.scale) ** 2)).sqrt()

    def z(self, ratio: tuple[int, int]) -> Decimal:
        """(score − mean) / std, taken as ±√((score − mean)² / variance), in which the scale cancels out.

        The root of an exact ratio does not change when a reviewer's scale is stretched or shifted.
        """
        numerator, denominator = ratio
        # count × scale × (score − mean)
        deviation = self.count * numerator * (self.scale // denominator) - self.total
        z = self._z_by_deviation.get(deviation)
        if z is None:
            size = (Decimal(deviation * deviation) / Decimal(self.spread)).sqrt()
            z = self._z_by_deviation[deviation] = size.copy_negate() if deviation < 0 else size
        return z


def _describe(reviewer: int, moments: _Moments) -> ReviewerCalibration:
    if not moments.count:
        return ReviewerCalibration(reviewer, 0, None, None, _too_few(0))
    mean = moments.mean()
    reason = _too_few(moments.count) if moments.count < MIN_REVIEWS else None
    if reason is None and not moments.spread:
        reason = _l("Toutes ses notes sont égales (%(score)s/100) : elles ne départagent aucun dossier.",
                    score=shown(mean))
    return ReviewerCalibration(reviewer, moments.count, mean, moments.std(), reason)


def _too_few(count: int) -> Text:
    return _l("%(count)s relecture notée : il en faut au moins %(needed)s pour connaître ses habitudes.",
              count=count, needed=MIN_REVIEWS)


def _dossier_means(z_scores: Mapping[tuple[int, int], Decimal | None]) -> dict[int, Decimal | None]:
    """Each dossier's mean of its z-scores in the current context; None without any."""
    by_dossier: dict[int, list[Decimal]] = {}
    for (dossier, _reviewer), z in z_scores.items():
        by_dossier.setdefault(dossier, []).extend(() if z is None else (z,))
    means = _Means([z for zs in by_dossier.values() for z in zs])
    return {dossier: means.of(zs) if zs else None for dossier, zs in by_dossier.items()}


class _Means:
    """Means of z-scores with the digits of `statistics.mean`, whose exact sum is one division of two integers.

    That quotient takes the ideal exponent 0. Here the sums are exact with one exponent E, no z-score's being
    below it (they have at most CONTEXT.prec digits), and are divided by their count written with the
    exponent E: the same quotient, with the same exponent 0.
    """

    def __init__(self, zs: list[Decimal]) -> None:
        adjusted = [z.adjusted() for z in zs] or [0]
        self.exponent = min(0, min(adjusted) - (CONTEXT.prec - 1))
        # a sum of some of the z-scores is below len(zs) × 10^(max(adjusted) + 1): at most so many digits from E
        digits = max(0, max(adjusted)) - self.exponent + len(str(len(zs))) + 1
        self.exact = Context(prec=digits, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[Rounded])
        self.zero = self.exact.scaleb(Decimal(0), self.exponent)
        self._counts: dict[int, Decimal] = {}

    def of(self, zs: list[Decimal]) -> Decimal:
        count = self._counts.get(len(zs))
        if count is None:
            count = self._counts[len(zs)] = self.exact.scaleb(Decimal(len(zs) * 10 ** -self.exponent), self.exponent)
        return reduce(self.exact.add, zs, self.zero) / count


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
    _refuse_twice(standings)
    values, others = _as_shown(standings, calibrated=calibrated)
    return _ranked(standings, values, *_keys(values, others), calibrated=calibrated)


def rankings_by_strand(standings: Iterable[Standing]) -> Mapping[int, StrandRanking]:
    """The call's raw and calibrated rankings, one pair per strand, strands by id."""
    by_strand: dict[int, list[Standing]] = {}
    for standing in standings:
        by_strand.setdefault(standing.strand, []).append(standing)
    return MappingProxyType({strand: _strand_ranking(members) for strand, members in sorted(by_strand.items())})


def _strand_ranking(members: list[Standing]) -> StrandRanking:
    """Both rankings of a strand, on values rounded once for the two."""
    _refuse_twice(members)
    scores, calibrated = _as_shown(members, calibrated=False)
    score_keys, calibrated_keys = _keys(scores, calibrated)
    return StrandRanking(_ranked(members, scores, score_keys, calibrated_keys, calibrated=False),
                         _ranked(members, calibrated, calibrated_keys, score_keys, calibrated=True))


def _refuse_twice(standings: list[Standing]) -> None:
    if len({standing.dossier for standing in standings}) != len(standings):
        raise ValueError("a dossier is ranked twice")


def _as_shown(standings: list[Standing], *, calibrated: bool) -> tuple[list[Decimal | None], list[Decimal | None]]:
    """The ranked values and the other scores as shown, each rounded once, the ranked one first."""
    if calibrated:
        pairs = [(rounded(standing.calibrated), rounded(standing.score)) for standing in standings]
    else:
        pairs = [(rounded(standing.score), rounded(standing.calibrated)) for standing in standings]
    return [value for value, _other in pairs], [other for _value, other in pairs]


#: a value as shown, negated so that the higher comes first, or infinity without one; or a tagged pair
_Key = Decimal | tuple[int, Decimal]


def _keys(values: list[Decimal | None], others: list[Decimal | None]) -> tuple[list[_Key], list[_Key]]:
    """Sort keys on values as shown: higher first, no value last.

    Comparing a NaN may signal, as the thread's context says: when one is shown, the keys are the tagged pairs
    (0, −value) and (1, 0), so that the sort compares exactly what it always compared.
    """
    if any(value is not None and value.is_nan() for value in chain(values, others)):
        return _tagged_keys(values), _tagged_keys(others)
    return _plain_keys(values), _plain_keys(others)


def _plain_keys(shown_values: list[Decimal | None]) -> list[_Key]:
    return [_NO_VALUE if value is None else value.copy_negate() for value in shown_values]


def _tagged_keys(shown_values: list[Decimal | None]) -> list[_Key]:
    return [(1, Decimal(0)) if value is None else (0, value.copy_negate()) for value in shown_values]


_NO_VALUE: Final = Decimal("Infinity")


def _ranked(standings: list[Standing], values: list[Decimal | None], value_keys: list[_Key], other_keys: list[_Key],
            *, calibrated: bool) -> tuple[Rank, ...]:
    """The standings ordered on their values as shown, then on the other score, then on the dossier number."""
    dossiers = [standing.dossier for standing in standings]
    keys = list(zip(value_keys, other_keys, dossiers, strict=True))
    numbers = [standing.calibrated if calibrated else standing.score for standing in standings]
    seen = Counter(values)
    # the dossiers without a value come last, so the positions of the others run from 1
    return tuple([Rank(None, dossiers[index], None, False) if values[index] is None
                  else Rank(position, dossiers[index], numbers[index], seen[values[index]] > 1)
                  for position, index in enumerate(sorted(range(len(keys)), key=keys.__getitem__), start=1)])
