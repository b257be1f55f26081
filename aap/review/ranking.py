"""A call's review in one read: its dossiers with their submitted reviews, scored, calibrated and ranked per strand.

Three queries whatever the number of dossiers and reviews (dossiers, reviews with their reviewers' names and
groups, the strands); the arithmetic is aap.review.aggregates and aap.review.calibration.
"""
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_
from sqlalchemy.orm import joinedload, raiseload

from aap.auth.models import User
from aap.calls.models import Strand
from aap.dossiers.access import visible_condition
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.organisations.models import Organisation
from aap.review.aggregates import divergence, summarise
from aap.review.calibration import Calibration, Standing, calibrate, rankings_by_strand
from aap.review.calibration import ScoredReview as CalibrationInput
from aap.review.models import SUBMITTED, PoolMember, Review

#: the strand of dossiers that have none, in rankings
NO_STRAND = 0


@dataclass(frozen=True)
class ReviewLine:
    """A submitted review as the ranking and the exports read it."""

    dossier_id: int
    reviewer_id: int
    reviewer_name: str
    group: str | None
    scores: dict
    weighted_score: Decimal | None
    recommendation: str | None
    proposed_amount: Decimal | None
    committee_comment: str
    grid_version_id: int


@dataclass
class DossierStanding:
    dossier: Dossier
    reviews: list[ReviewLine] = field(default_factory=list)
    #: the mean of the reviews' weighted scores, "n/a" left out, and whether they diverge
    score: Decimal | None = None
    divergent: bool = False
    recommendations: Counter = field(default_factory=Counter)
    mean_proposed: Decimal | None = None
    raw_rank: int | None = None
    calibrated_rank: int | None = None
    calibrated: Decimal | None = None
    tied: bool = False

    def settle(self) -> None:
        """Compute the figures once all its reviews are in: a page reads them many times."""
        scores = summarise(line.weighted_score for line in self.reviews)
        self.score, self.divergent = scores.mean, divergence(scores).flagged
        self.recommendations = Counter(line.recommendation for line in self.reviews if line.recommendation)
        proposed = [line.proposed_amount for line in self.reviews if line.proposed_amount is not None]
        self.mean_proposed = sum(proposed) / len(proposed) if proposed else None


@dataclass(frozen=True)
class StrandTable:
    strand: Strand | None
    standings: list[DossierStanding]


@dataclass(frozen=True)
class CallReview:
    tables: list[StrandTable]
    calibration: Calibration
    reviewers: dict[int, ReviewLine]
    reviews: list[ReviewLine]
    standings: dict[int, DossierStanding]


def call_dossiers(call, user) -> list[Dossier]:
    """The call's submitted dossiers this person may see, with their organisation, in reference order."""
    return list(db.session.execute(
        db.select(Dossier).where(Dossier.call_id == call.id, Dossier.reference.is_not(None),
                                 visible_condition(user, Dossier))
        .options(joinedload(Dossier.organisation).load_only(
            Organisation.name, Organisation.siret, Organisation.commune_insee, Organisation.legal_form),
            raiseload(Dossier.attachments), raiseload(Dossier.workflow_version))
        .order_by(Dossier.reference)).unique().scalars())


def submitted_reviews(dossier_ids: list[int], call, *, details: bool = False) -> list[ReviewLine]:
    """Every submitted review of these dossiers, with the reviewer's name and stakeholder group.

    Plain columns, no ORM objects; the scores and comments are read only for the exports (`details`).
    """
    if not dossier_ids:
        return []
    empty = db.literal(None)
    rows = db.session.execute(
        db.select(Review.dossier_id, Review.user_id, User.full_name, User.email, PoolMember.group,
                  Review.scores if details else empty, Review.weighted_score, Review.recommendation,
                  Review.proposed_amount, Review.committee_comment if details else empty, Review.grid_version_id)
        .join(User, User.id == Review.user_id)
        .outerjoin(PoolMember, and_(PoolMember.user_id == Review.user_id, PoolMember.call_id == call.id))
        .where(Review.state == SUBMITTED, Review.dossier_id.in_(db.select(Dossier.id).where(
            Dossier.call_id == call.id, Dossier.id.in_(dossier_ids))))
        .order_by(Review.dossier_id, Review.id)).all()
    return [ReviewLine(dossier_id, user_id, full_name or email, group, scores or {}, score, recommendation,
                       proposed, comment or "", grid_version_id)
            for (dossier_id, user_id, full_name, email, group, scores, score, recommendation, proposed, comment,
                 grid_version_id) in rows]


def call_review(call, user, *, details: bool = False) -> CallReview:
    dossiers = call_dossiers(call, user)
    reviews = submitted_reviews([dossier.id for dossier in dossiers], call, details=details)
    standings = {dossier.id: DossierStanding(dossier) for dossier in dossiers}
    for line in reviews:
        standings[line.dossier_id].reviews.append(line)
    for standing in standings.values():
        standing.settle()
    calibration = calibrate(CalibrationInput(line.dossier_id, line.reviewer_id, line.weighted_score)
                            for line in reviews)
    rankings = rankings_by_strand(
        Standing(dossier_id, standing.dossier.strand_id or NO_STRAND, standing.score,
                 calibration.dossiers.get(dossier_id)) for dossier_id, standing in standings.items())
    tables = []
    strands = {strand.id: strand for strand in call.strands}
    for strand_id, ranking in rankings.items():
        for rank in ranking.raw:
            standings[rank.dossier].raw_rank, standings[rank.dossier].tied = rank.position, rank.tied
        for rank in ranking.calibrated:
            standings[rank.dossier].calibrated_rank = rank.position
            standings[rank.dossier].calibrated = rank.value
        tables.append((strands.get(strand_id), [standings[rank.dossier] for rank in ranking.raw]))
    position = {strand.id: strand.position for strand in call.strands}
    tables.sort(key=lambda table: (table[0] is None, position.get(table[0].id, 0) if table[0] else 0))
    reviewers = {line.reviewer_id: line for line in reviews}
    return CallReview([StrandTable(strand, rows) for strand, rows in tables], calibration, reviewers, reviews,
                      standings)
