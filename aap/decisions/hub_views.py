"""`/decisions`: the calls whose decisions a person takes or reads, with what is left to decide."""
from flask import Blueprint, render_template
from flask_login import current_user

from aap.core.permissions import allow, signed_in
from aap.decisions.hub_queries import calls_with_decisions

bp = Blueprint("decision_hub", __name__, url_prefix="/decisions")


@bp.get("")
@allow(signed_in)
def page():
    return render_template("decisions/hub.html", rows=calls_with_decisions(current_user))
