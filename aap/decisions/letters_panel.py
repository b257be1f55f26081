"""The dossier page's documents of the decisions: each decision letter, and each grant's agreement with its state."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from aap.decisions.access import agreement_access, sees_decision
from aap.decisions.grant_models import Agreement
from aap.decisions.letters_words import authority_name
from aap.decisions.models import OUTCOMES, Decision
from aap.dossiers.panels import DossierPanel, rendered_panel
from aap.extensions import db

#: after the review's and the instruction's panels
ORDER = 40


def documents_panel(dossier, user, rights, **ignored) -> DossierPanel | None:
    """Receiver of dossier_panels_wanted: nothing for whoever sees none of the dossier's decisions."""
    if dossier.reference is None:  # a draft has no decision: no query for it
        return None
    rows = db.session.execute(
        select(Decision, Agreement).outerjoin(Agreement, Agreement.decision_id == Decision.id)
        .options(joinedload(Decision.funder))  # its deciders come in one more query, whatever their number
        .where(Decision.dossier_id == dossier.id, Decision.superseded.is_(False))
        .order_by(Decision.funder_id.is_not(None), Decision.funder_id, Decision.id)).all()
    shown = [(decision, agreement, agreement_access(user, decision)) for decision, agreement in rows
             if sees_decision(user, decision)]
    if not shown:
        return None
    return rendered_panel(ORDER, "decisions/letters/_panel.html", dossier=dossier, shown=shown, outcomes=OUTCOMES,
                          authority_name=authority_name)
