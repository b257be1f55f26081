"""A dossier's submitted reviews side by side: weighted scores, statistics, divergence, recommendations.

Every statistic leaves "n/a" out (see `aap.review.scoring`): an "n/a" answer, or a review without a
weighted score, is counted in `left_out` and moves no mean, median or spread. Statistics are
computed exactly and rounded once, in `CONTEXT`; the spread is the population standard deviation
(the reviews of a dossier are all its reviews, not a sample of them) and the minimum–maximum gap.
"""
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from types import MappingProxyType
from typing import Final

from aap.review.scoring import CONTEXT, NA, Answer, Grid, as_decimal, rounded, shown, weighted_score
from aap.review.texts import Text, _l

#: reviewers diverge when their weighted scores lie this many points apart or more (on 0–100)
DIVERGENCE_GAP: Final = Decimal(40)

#: a reviewer's recommendation: stored value → label
RECOMMENDATIONS: Final = MappingProxyType({
    "favorable": _l("Favorable"),
    "reserve": _l("Réservé"),
    "defavorable": _l("Défavorable"),
})


@dataclass(frozen=True)
class Review:
    """A submitted review as the arithmetic sees it."""

    reviewer: int
    #: the reviewer's stakeholder group in the call's pools
    group: str
    scores: Mapping[str, Answer] = field(default_factory=dict)
    recommendation: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "scores", MappingProxyType(dict(self.scores)))


@dataclass(frozen=True)
class Summary:
    """Mean, median and spread of some values, "n/a" left out."""

    #: values taken into account
    count: int
    #: "n/a" answers or reviews without a score, left out
    left_out: int
    mean: Decimal | None
    median: Decimal | None
    #: population standard deviation
    std: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None

    @property
    def gap(self) -> Decimal | None:
        """max − min, the other way to read the spread."""
        return None if self.count == 0 else CONTEXT.subtract(self.maximum, self.minimum)


def summarise(values: Iterable[Answer | None]) -> Summary:
    """Summary of the values that are numbers; None and "n/a" are counted apart."""
    values = list(values)
    numbers = [as_decimal(value) for value in values if value is not None and value != NA]
    left_out = len(values) - len(numbers)
    if not numbers:
        return Summary(0, left_out, None, None, None, None, None)
    with localcontext(CONTEXT):
        return Summary(count=len(numbers), left_out=left_out, mean=statistics.mean(numbers),
                       median=statistics.median(numbers), std=statistics.pstdev(numbers),
                       minimum=min(numbers), maximum=max(numbers))


@dataclass(frozen=True)
class Divergence:
    flagged: bool
    #: why, in French, when flagged
    reason: Text | None = None


def divergence(scores: Summary) -> Divergence:
    """Flag reviewers whose weighted scores lie `DIVERGENCE_GAP` points apart or more.

    The gap is compared once rounded, so that the flag agrees with the figures people see.
    """
    if scores.count < 2 or rounded(scores.gap) < DIVERGENCE_GAP:
        return Divergence(False)
    return Divergence(True, _l("Les relecteurs divergent : %(gap)s points séparent la note la plus basse "
                               "(%(lowest)s/100) de la plus haute (%(highest)s/100), pour un seuil de %(threshold)s "
                               "points.", gap=shown(scores.gap), lowest=shown(scores.minimum),
                               highest=shown(scores.maximum), threshold=DIVERGENCE_GAP))


def check_recommendation(value: str | None) -> Text | None:
    """The French message refusing a missing or unknown recommendation; None when it is one of them."""
    if value in RECOMMENDATIONS:
        return None
    return _l("Choisissez un avis : favorable, réservé ou défavorable.")


def count_recommendations(reviews: Iterable[Review]) -> Mapping[str, int]:
    """How many reviews give each recommendation, every value listed; reviews without one are skipped."""
    counts = dict.fromkeys(RECOMMENDATIONS, 0)
    for review in reviews:
        if review.recommendation is None:
            continue
        if review.recommendation not in counts:
            raise ValueError(f"unknown recommendation: {review.recommendation!r}")
        counts[review.recommendation] += 1
    return MappingProxyType(counts)


@dataclass(frozen=True)
class GroupAggregate:
    """The reviews of one stakeholder group: their weighted scores, and each criterion."""

    score: Summary
    criteria: Mapping[str, Summary]


@dataclass(frozen=True)
class DossierAggregate:
    """What the instructor reads about a dossier's submitted reviews."""

    #: reviewer → weighted score of their review (None when all its criteria are "n/a")
    review_scores: Mapping[int, Decimal | None]
    #: the reviews' weighted scores, summarised
    overall: Summary
    #: criterion key → its answers, on the criterion's own scale
    criteria: Mapping[str, Summary]
    #: stakeholder group → the same, for that group's reviews, groups in alphabetical order
    groups: Mapping[str, GroupAggregate]
    divergence: Divergence
    recommendations: Mapping[str, int]

    @property
    def score(self) -> Decimal | None:
        """The dossier's score: the mean of its reviews' weighted scores, "n/a" reviews left out."""
        return self.overall.mean


def aggregate_dossier(grid: Grid, reviews: Iterable[Review]) -> DossierAggregate:
    """Everything the instructor reads about a dossier, from its submitted reviews."""
    reviews = list(reviews)
    reviewers = [review.reviewer for review in reviews]
    if len(set(reviewers)) != len(reviewers):
        raise ValueError("a reviewer appears twice among a dossier's reviews")
    review_scores = {review.reviewer: weighted_score(grid, review.scores) for review in reviews}
    overall = summarise(review_scores.values())
    by_group: dict[str, list[Review]] = {}
    for review in sorted(reviews, key=lambda review: review.group):
        by_group.setdefault(review.group, []).append(review)
    groups = {group: GroupAggregate(summarise(review_scores[review.reviewer] for review in members),
                                    criteria_summaries(grid, members))
              for group, members in by_group.items()}
    return DossierAggregate(review_scores=MappingProxyType(review_scores), overall=overall,
                            criteria=criteria_summaries(grid, reviews), groups=MappingProxyType(groups),
                            divergence=divergence(overall), recommendations=count_recommendations(reviews))


def criteria_summaries(grid: Grid, reviews: list[Review]) -> Mapping[str, Summary]:
    """criterion key → summary of the reviews' answers to it, in the grid's order."""
    return MappingProxyType({criterion.key: summarise(review.scores.get(criterion.key) for review in reviews)
                             for criterion in grid.criteria})
