"""When a dossier may be decided, by whom, and up to what: read from its workflow and its figures."""
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from aap.decisions.events import DECISION_EVENTS, DECISION_GRANTED
from aap.decisions.models import GRANTED, Decision
from aap.extensions import db
from aap.questionnaire.budget import totals
from aap.workflow.definitions import Workflow
from aap.workflow.engine import workflow_of


def deciding_states(workflow: Workflow, cofunder: bool = False) -> set[str]:
    """The steps a decision is taken at: where a decision transition leaves from.

    A co-funder may also decide once the authority has granted: the Région often decides months later.
    """
    events = set(DECISION_EVENTS.values())
    states = {source for t in workflow.transitions.values() if t.when in events for source in t.sources}
    if cofunder:
        states |= {t.target for t in workflow.transitions.values() if t.when == DECISION_GRANTED}
    return states


def deciding_refusal(dossier, funder) -> str | None:
    """Why this funder cannot decide the dossier at its current step; None when it can."""
    workflow = workflow_of(dossier)
    states = deciding_states(workflow, cofunder=funder is not None)
    if not states:
        return _("Le workflow « %(workflow)s » n'a pas d'étape de décision : aucune de ses transitions ne suit la "
                 "publication d'une décision.", workflow=workflow.label)
    if dossier.state not in states:
        steps = ", ".join(f"« {workflow.state_label(name)} »" for name in sorted(states))
        return _("Ce dossier est à l'étape « %(state)s » : une décision se prend à l'étape %(steps)s.",
                 state=workflow.state_label(dossier.state), steps=steps)
    return None


def current_decision(dossier_id: int, funder) -> Decision | None:
    """The funder's decision on the dossier that counts now: the last one not set aside by a later one."""
    funder_id = funder.id if funder is not None else None
    return db.session.execute(
        select(Decision).where(Decision.dossier_id == dossier_id, Decision.superseded.is_(False),
                               Decision.funder_id.is_(None) if funder_id is None else Decision.funder_id == funder_id)
        .order_by(Decision.id.desc()).limit(1)).scalar_one_or_none()


def granted_by_others(dossier_id: int, funder, excluding: int | None = None) -> Decimal:
    """What the other funders grant the dossier, staged or released."""
    query = select(func.coalesce(func.sum(Decision.amount), 0)).where(
        Decision.dossier_id == dossier_id, Decision.outcome == GRANTED, Decision.superseded.is_(False))
    query = query.where(Decision.funder_id.is_not(None) if funder is None else
                        (Decision.funder_id.is_(None) | (Decision.funder_id != funder.id)))
    if excluding is not None:
        query = query.where(Decision.id != excluding)
    return Decimal(db.session.execute(query).scalar())


def ceiling(dossier, funder, excluding: int | None = None) -> tuple[Decimal | None, str]:
    """The most this funder may grant the dossier, and what that limit is, in words.

    The authority grants at most what was asked of its call; a co-funder at most what the project's budget leaves
    once the other funders' grants are counted.
    """
    if funder is None:
        return dossier.requested_amount, _("le montant demandé")
    charges, _produits = totals((dossier.answers or {}).get("budget") or {})
    if charges <= 0:
        return None, ""
    left = charges - granted_by_others(dossier.id, funder, excluding)
    return max(left, Decimal(0)), _("ce que le budget du projet laisse une fois comptées les autres aides")
