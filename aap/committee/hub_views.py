"""`/comite`: the sessions a person prepares or attends, upcoming first, the past ones a click away."""
from flask import Blueprint, render_template, request
from flask_login import current_user

from aap.committee.access import is_session_staff
from aap.committee.hub_queries import sessions_of
from aap.committee.models import SESSION_STATES
from aap.core.listing import past_the_end, requested_page
from aap.core.models import utcnow
from aap.core.permissions import allow, signed_in

bp = Blueprint("committee_hub", __name__, url_prefix="/comite")
PAST = "passees"


@bp.get("")
@allow(signed_in)
def index():
    past = request.args.get("quand") == PAST
    page = sessions_of(current_user, not past, utcnow(), requested_page(request.args))
    return render_template("committee/hub.html", page=page, past=past, states=SESSION_STATES,
                           staff=is_session_staff(current_user), notice=past_the_end(page))
