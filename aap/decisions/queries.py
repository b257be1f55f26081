"""Read paths of the decisions: the board of a call for one funder, a dossier's decisions, the call's totals."""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from aap.committee.models import CLOSED, AgendaItem, CommitteeSession
from aap.decisions.models import Decision
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.organisations.models import Organisation
from aap.review.models import ReviewStanding

#: what the board lists: every dossier to decide, and those with a decision of this funder
TO_DECIDE, STAGED, RELEASED = "a-decider", "preparees", "publiees"
SORTS = ("reference", "score", "requested", "amount", "organisation")


@dataclass(frozen=True)
class BoardRow:
    dossier_id: int
    reference: str
    title: str
    organisation: str
    strand_id: int | None
    state: str
    requested: Decimal | None
    score: Decimal | None
    recommendation: str | None
    recommended_amount: Decimal | None
    session_id: int | None
    decision_id: int | None
    outcome: str | None
    amount: Decimal | None
    instrument: str | None
    released_at: datetime | None

    @property
    def status(self) -> str:
        if self.decision_id is None:
            return TO_DECIDE
        return RELEASED if self.released_at is not None else STAGED


def _funder_is(funder_id: int | None):
    return Decision.funder_id.is_(None) if funder_id is None else Decision.funder_id == funder_id


def current_ids(funder_id: int | None):
    """The current decision of this funder on each dossier (the last one not set aside)."""
    return (select(Decision.dossier_id, func.max(Decision.id).label("decision_id"))
            .where(_funder_is(funder_id), Decision.superseded.is_(False)).group_by(Decision.dossier_id).subquery())


def _last_opinion():
    return (select(AgendaItem.dossier_id, func.max(AgendaItem.id).label("item_id"))
            .where(AgendaItem.recommendation.is_not(None)).group_by(AgendaItem.dossier_id).subquery())


def board_rows(call_id: int, funder_id: int | None, deciding: set[str], status: str | None = None,
               strand_id: int | None = None) -> list[BoardRow]:
    """Every dossier of the call this funder decides now or has decided, in one statement."""
    current, opinion = current_ids(funder_id), _last_opinion()
    item, decision = aliased(AgendaItem), aliased(Decision)
    query = (select(Dossier.id, Dossier.reference, Dossier.title, Organisation.name, Dossier.strand_id, Dossier.state,
                    Dossier.requested_amount, ReviewStanding.score, item.recommendation, item.amount, item.session_id,
                    decision.id, decision.outcome, decision.amount, decision.instrument, decision.released_at)
             .join(Organisation, Organisation.id == Dossier.organisation_id)
             .outerjoin(ReviewStanding, ReviewStanding.dossier_id == Dossier.id)
             .outerjoin(opinion, opinion.c.dossier_id == Dossier.id).outerjoin(item, item.id == opinion.c.item_id)
             .outerjoin(current, current.c.dossier_id == Dossier.id)
             .outerjoin(decision, decision.id == current.c.decision_id)
             .where(Dossier.call_id == call_id, or_(Dossier.state.in_(sorted(deciding)), decision.id.is_not(None))))
    if strand_id is not None:
        query = query.where(Dossier.strand_id == strand_id)
    rows = [BoardRow(*row) for row in db.session.execute(query.order_by(Dossier.reference))]
    return [row for row in rows if status is None or row.status == status]


def sort_rows(rows: list[BoardRow], sort: str, descending: bool) -> list[BoardRow]:
    keys = {"reference": lambda r: r.reference or "", "organisation": lambda r: r.organisation.casefold(),
            "score": lambda r: r.score if r.score is not None else Decimal(-1),
            "requested": lambda r: r.requested or Decimal(0), "amount": lambda r: r.amount or Decimal(0)}
    return sorted(rows, key=keys[sort], reverse=descending)


def dossier_decisions(dossier_id: int, released_only: bool) -> list[Decision]:
    """Every funder's current decision on the dossier, the authority's first."""
    query = select(Decision).where(Decision.dossier_id == dossier_id, Decision.superseded.is_(False))
    if released_only:
        query = query.where(Decision.released_at.is_not(None))
    decisions = list(db.session.execute(query.order_by(Decision.id)).scalars())
    latest: dict[int | None, Decision] = {}
    for decision in decisions:
        latest[decision.funder_id] = decision
    return sorted(latest.values(), key=lambda d: (d.funder_id is not None, d.funder_id or 0))


def closed_sessions(call) -> list[CommitteeSession]:
    """The call's closed committee sessions, latest first: each may be decided in one form."""
    return list(db.session.execute(select(CommitteeSession).where(
        CommitteeSession.call_id == call.id, CommitteeSession.state == CLOSED)
        .order_by(CommitteeSession.starts_at.desc())).scalars())
