"""Reads of a session's agenda: the dossiers ready for committee, and the agenda as each person may see it."""
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, or_, select

from aap.calls.models import Strand
from aap.committee.access import is_session_staff
from aap.committee.models import CLOSED, AgendaItem, CommitteeSession
from aap.core.roles import COMMITTEE
from aap.dossiers.models import Dossier
from aap.dossiers.reviewers import Conflict
from aap.extensions import db
from aap.organisations.models import Organisation
from aap.review.models import ReviewStanding
from aap.workflow.engine import workflow_of_version
from aap.workflow.models import WorkflowVersion


def committee_states(version: WorkflowVersion) -> set[str]:
    """States where the committee has a step to take: a transition leaving them names the committee role."""
    workflow = workflow_of_version(version)
    return {source for transition in workflow.transitions.values() if COMMITTEE in transition.roles
            for source in transition.sources}


def ready_condition(call_id: int):
    """SQL: a submitted dossier of the call in a state where its own workflow version awaits the committee."""
    versions = db.session.execute(select(WorkflowVersion).where(WorkflowVersion.id.in_(
        select(Dossier.workflow_version_id).where(Dossier.call_id == call_id).distinct()))).scalars().all()
    by_version = [and_(Dossier.workflow_version_id == version.id, Dossier.state.in_(sorted(states)))
                  for version in versions if (states := committee_states(version))]
    return and_(Dossier.call_id == call_id, Dossier.reference.is_not(None), or_(*by_version) if by_version else False)


def elsewhere_on_an_agenda(session: CommitteeSession):
    """SQL: the dossier waits on the agenda of another session of the call not yet closed, with no recommendation."""
    waiting = select(AgendaItem.dossier_id).join(CommitteeSession, CommitteeSession.id == AgendaItem.session_id)
    return Dossier.id.in_(waiting.where(
        CommitteeSession.call_id == session.call_id, CommitteeSession.id != session.id,
        CommitteeSession.state != CLOSED, AgendaItem.recommendation.is_(None)))


@dataclass(frozen=True)
class AgendaLine:
    """A dossier as the agenda shows it; `recused` replaces everything else for a member in conflict."""

    item_id: int | None
    dossier_id: int
    position: int | None
    reference: str
    title: str
    organisation: str
    strand: str | None
    requested_amount: Decimal | None
    reviews: int
    score: Decimal | None
    divergent: bool
    recommendation: str | None = None
    amount: Decimal | None = None
    recused: bool = False


_COLUMNS = (Dossier.id, Dossier.reference, Dossier.title, Organisation.name, Strand.name.label("strand"),
            Dossier.requested_amount, ReviewStanding.reviews, ReviewStanding.score, ReviewStanding.divergent)


def _joined(query):
    return (query.join(Organisation, Organisation.id == Dossier.organisation_id)
            .outerjoin(Strand, Strand.id == Dossier.strand_id)
            .outerjoin(ReviewStanding, ReviewStanding.dossier_id == Dossier.id))


def by_strand_then_score():
    """The committee's usual order: strands in the call's order, then the best mean score, then the reference."""
    return (Strand.position.asc().nulls_last(), Strand.id.asc().nulls_last(), ReviewStanding.score.desc().nulls_last(),
            Dossier.reference)


def candidates(session: CommitteeSession) -> list[AgendaLine]:
    """The call's dossiers ready for committee that are on no agenda yet, in the committee's usual order."""
    on_this_agenda = select(AgendaItem.dossier_id).where(AgendaItem.session_id == session.id)
    rows = db.session.execute(_joined(select(*_COLUMNS)).where(
        ready_condition(session.call_id), Dossier.id.not_in(on_this_agenda), ~elsewhere_on_an_agenda(session))
        .order_by(*by_strand_then_score())).all()
    return [_line(row) for row in rows]


def agenda(session: CommitteeSession, user) -> list[AgendaLine]:
    """The session's items in order; those `user` is in conflict with carry nothing but the recusal.

    Staff are never set aside, as in aap.dossiers.access: they prepare and run the session.
    """
    conflicted = set() if is_session_staff(user) else set(db.session.execute(select(Conflict.dossier_id).where(
        Conflict.user_id == user.id, Conflict.dossier_id.in_(
            select(AgendaItem.dossier_id).where(AgendaItem.session_id == session.id)))).scalars())
    rows = db.session.execute(_joined(select(*_COLUMNS, AgendaItem.id.label("item_id"), AgendaItem.position,
                                             AgendaItem.recommendation, AgendaItem.amount)
                                      .join(AgendaItem, AgendaItem.dossier_id == Dossier.id))
                              .where(AgendaItem.session_id == session.id).order_by(AgendaItem.position)).all()
    return [_recused(row) if row.id in conflicted else _line(row) for row in rows]


def _line(row) -> AgendaLine:
    mapping = row._mapping
    return AgendaLine(item_id=mapping.get("item_id"), dossier_id=row.id, position=mapping.get("position"),
                      reference=row.reference, title=row.title, organisation=row.name, strand=row.strand,
                      requested_amount=row.requested_amount, reviews=row.reviews or 0, score=row.score,
                      divergent=bool(row.divergent), recommendation=mapping.get("recommendation"),
                      amount=mapping.get("amount"))


def _recused(row) -> AgendaLine:
    return AgendaLine(item_id=row.item_id, dossier_id=row.id, position=row.position, reference="", title="",
                      organisation="", strand=None, requested_amount=None, reviews=0, score=None, divergent=False,
                      recused=True)
