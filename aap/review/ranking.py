"""A call's rankings, raw and calibrated per strand, computed once for each state of its reviews.

Calibration reads every submitted review of the call, so its result is kept in the process, keyed by the
call's fingerprint: one cheap query over the kept figures (aap.review.standings) and the submitted dossiers,
which changes whenever a review is submitted, a dossier submitted or moved to another strand. A view reads the
fingerprint, then the ranking it names: computed again only after a change, never served stale.
"""
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from sqlalchemy import and_, func, select, true

from aap.auth.models import User
from aap.dossiers.access import visible_condition
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.organisations.models import Organisation
from aap.review.calibration import Calibration, Standing, StrandRanking, calibrate, rankings_by_strand
from aap.review.calibration import ScoredReview as CalibrationInput
from aap.review.models import SUBMITTED, PoolMember, Review, ReviewStanding

#: the strand of dossiers that have none, in rankings and addresses
NO_STRAND = 0
#: calls whose ranking a process keeps; each holds a few hundred bytes per dossier
KEPT_RANKINGS = 16


@dataclass(frozen=True)
class Position:
    """Where a dossier stands in its strand."""

    strand: int
    raw_rank: int | None
    tied: bool
    calibrated_rank: int | None
    calibrated: Decimal | None


@dataclass(frozen=True)
class CallRanking:
    calibration: Calibration
    #: strand id (NO_STRAND for none) → its rankings, strands by id
    strands: Mapping[int, StrandRanking]
    positions: Mapping[int, Position]

    def order(self, strand: int, calibrated: bool) -> list[int]:
        """The strand's dossier ids, first ranked first."""
        ranking = self.strands.get(strand)
        if ranking is None:
            return []
        return [rank.dossier for rank in (ranking.calibrated if calibrated else ranking.raw)]


_kept: OrderedDict = OrderedDict()
_kept_lock = threading.Lock()


def _fingerprint(call_id: int) -> tuple:
    """What the ranking depends on, in one statement: revisions only grow, ids and strands change the sums."""
    kept = select(func.count(), func.coalesce(func.sum(ReviewStanding.revision), 0),
                  func.max(ReviewStanding.updated_at)).where(ReviewStanding.call_id == call_id).subquery()
    submitted = select(func.count(), func.coalesce(func.sum(Dossier.id), 0),
                       func.coalesce(func.sum(Dossier.id * func.coalesce(Dossier.strand_id, NO_STRAND)), 0)).where(
        Dossier.call_id == call_id, Dossier.reference.is_not(None)).subquery()
    return tuple(db.session.execute(select(kept, submitted).select_from(kept.join(submitted, true()))).one())


def call_ranking(call) -> CallRanking:
    """The call's ranking over all its submitted dossiers, as of this transaction's fingerprint."""
    key, fingerprint = (str(db.engine.url), call.id), _fingerprint(call.id)
    with _kept_lock:
        kept = _kept.get(key)
        if kept is not None and kept[0] == fingerprint:
            _kept.move_to_end(key)
            return kept[1]
    ranking = _compute(call.id)  # read after the fingerprint: at least as new as the state it names
    with _kept_lock:
        _kept[key] = (fingerprint, ranking)
        _kept.move_to_end(key)
        while len(_kept) > KEPT_RANKINGS:
            _kept.popitem(last=False)
    return ranking


def _compute(call_id: int) -> CallRanking:
    connection = db.session.connection()  # plain rows, without the ORM's bookkeeping for 10,000 of them
    dossiers = connection.execute(
        select(Dossier.id, Dossier.strand_id, ReviewStanding.score)
        .outerjoin(ReviewStanding, ReviewStanding.dossier_id == Dossier.id)
        .where(Dossier.call_id == call_id, Dossier.reference.is_not(None))).all()
    reviews = connection.execute(
        select(Review.dossier_id, Review.user_id, Review.weighted_score)
        .join(Dossier, Dossier.id == Review.dossier_id)
        .where(Dossier.call_id == call_id, Dossier.reference.is_not(None), Review.state == SUBMITTED)).all()
    calibration = calibrate(CalibrationInput(*review) for review in reviews)
    strands = rankings_by_strand(Standing(dossier_id, strand_id or NO_STRAND, score,
                                          calibration.dossiers.get(dossier_id))
                                 for dossier_id, strand_id, score in dossiers)
    positions = {}
    for strand, ranking in strands.items():
        calibrated = {rank.dossier: rank for rank in ranking.calibrated}
        for rank in ranking.raw:
            other = calibrated[rank.dossier]
            positions[rank.dossier] = Position(strand, rank.position, rank.tied, other.position, other.value)
    return CallRanking(calibration, strands, MappingProxyType(positions))


@dataclass(frozen=True)
class RankedRow:
    """A line of the dashboard: the dossier, its kept figures and its place."""

    id: int
    reference: str
    title: str
    organisation: str
    requested_amount: Decimal | None
    reviews: int
    score: Decimal | None
    divergent: bool
    recommendations: Mapping[str, int]
    mean_proposed: Decimal | None
    position: Position


def ranked_rows(call, user, ranking: CallRanking, dossier_ids: list[int]) -> list[RankedRow]:
    """These dossiers of the call, as the person may see them, in the order given: one statement."""
    if not dossier_ids:
        return []
    rows = db.session.execute(
        select(Dossier.id, Dossier.reference, Dossier.title, Organisation.name, Dossier.requested_amount,
               ReviewStanding.reviews, ReviewStanding.score, ReviewStanding.divergent,
               ReviewStanding.recommendations, ReviewStanding.mean_proposed)
        .join(Organisation, Organisation.id == Dossier.organisation_id)
        .outerjoin(ReviewStanding, ReviewStanding.dossier_id == Dossier.id)
        .where(Dossier.id.in_(dossier_ids), Dossier.call_id == call.id, visible_condition(user, Dossier))).all()
    by_id = {row.id: row for row in rows}
    return [RankedRow(row.id, row.reference, row.title, row.name, row.requested_amount, row.reviews or 0,
                      row.score, bool(row.divergent), row.recommendations or {}, row.mean_proposed,
                      ranking.positions[row.id])
            for row in (by_id.get(dossier_id) for dossier_id in dossier_ids) if row is not None]


@dataclass(frozen=True)
class ReviewerName:
    reviewer_id: int
    name: str
    group: str | None


def reviewer_names(call, reviewer_ids) -> dict[int, ReviewerName]:
    """The reviewers' names and their group in the call's pools, in one statement."""
    if not reviewer_ids:
        return {}
    rows = db.session.execute(
        select(User.id, User.full_name, User.email, PoolMember.group)
        .outerjoin(PoolMember, and_(PoolMember.user_id == User.id, PoolMember.call_id == call.id))
        .where(User.id.in_(sorted(reviewer_ids)))).all()
    return {row.id: ReviewerName(row.id, row.full_name or row.email, row.group) for row in rows}
