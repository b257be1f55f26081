"""The decision letter as a download: its holder's once the decision is released, and staff's as they see it."""
from flask import Blueprint, abort
from flask_login import current_user

from aap.core.pdf import pdf_document
from aap.core.permissions import allow, signed_in
from aap.decisions.access import sees_decision
from aap.decisions.letters import decision_letter, letter_filename
from aap.decisions.models import Decision
from aap.extensions import db

bp = Blueprint("decision_letters", __name__, url_prefix="/decisions/<int:decision_id>")


def decision_or_404(decision_id: int) -> Decision:
    """A decision this person may read, or 404: a staged one stays unknown to its holder."""
    decision = db.session.get(Decision, decision_id)
    if decision is None or not sees_decision(current_user, decision):
        abort(404)
    return decision


@bp.get("/lettre.pdf")
@allow(signed_in)
def letter(decision_id):
    decision = decision_or_404(decision_id)
    return pdf_document(decision_letter(decision), letter_filename(decision))
