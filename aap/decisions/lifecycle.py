"""How a grant's life moves its dossier: the authority's own decision drives the workflow, co-funders' do not."""
from datetime import datetime

from sqlalchemy import select

from aap.decisions.events import GRANT_CLOSED
from aap.decisions.grant_models import ACCEPTED, FinalReport, PaymentTranche
from aap.decisions.models import GRANTED, Decision
from aap.extensions import db
from aap.workflow import engine


def follow(decision: Decision, event: str, user, now: datetime, data: dict | None = None):
    """Fire the event on the decision's dossier when the decision is the authority's; the audit record or None."""
    if decision.funder_id is not None:
        return None
    return engine.fire(decision.dossier_id, event, user, data, now=now)


def granted_decisions(dossier_id: int) -> list[Decision]:
    """The released, current decisions granting something to the dossier, every funder's."""
    return list(db.session.execute(
        select(Decision).where(Decision.dossier_id == dossier_id, Decision.outcome == GRANTED,
                               Decision.released_at.is_not(None), Decision.superseded.is_(False))
        .order_by(Decision.id)).scalars())


def unsettled_tranches(dossier_id: int) -> list[PaymentTranche]:
    return list(db.session.execute(
        select(PaymentTranche).join(Decision, Decision.id == PaymentTranche.decision_id)
        .where(Decision.dossier_id == dossier_id, Decision.outcome == GRANTED, Decision.superseded.is_(False),
               PaymentTranche.paid_on.is_(None), PaymentTranche.cancelled.is_(False))
        .order_by(PaymentTranche.decision_id, PaymentTranche.position)).scalars())


def complete(dossier_id: int) -> bool:
    """Everything paid (or set aside as unspent) and the final report accepted."""
    report = db.session.execute(select(FinalReport.state).where(FinalReport.dossier_id == dossier_id)).scalar()
    return report == ACCEPTED and bool(granted_decisions(dossier_id)) and not unsettled_tranches(dossier_id)


def close_if_complete(dossier_id: int, user, now: datetime):
    """Close the dossier (and its decisions) once complete; the audit record, or None when something is left."""
    if not complete(dossier_id):
        return None
    for decision in granted_decisions(dossier_id):
        decision.closed_at = decision.closed_at or now
    return engine.fire(dossier_id, GRANT_CLOSED, user, now=now)
