"""Calls as everyone sees them: the home page, the list of calls and each call's page."""
from babel.dates import format_timedelta
from flask import Blueprint, render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from aap.calls.models import Call
from aap.calls.queries import public_calls
from aap.core.models import utcnow
from aap.core.permissions import allow, get_or_404, public

bp = Blueprint("public_calls", __name__)


@bp.app_template_filter("time_left")
def time_left(moment) -> str:
    delta = moment - utcnow()
    if delta.total_seconds() <= 0:
        return _("clos")
    return format_timedelta(delta, add_direction=True, threshold=1.5, locale=str(get_locale()))


@bp.get("/")
@allow(public)
def home():
    return render_template("calls/home.html", groups=public_calls(), now=utcnow())


@bp.get("/appels")
@allow(public)
def index():
    return render_template("calls/public_index.html", groups=public_calls(), now=utcnow())


@bp.get("/appels/<int:call_id>")
@allow(public)
def show(call_id):
    call = get_or_404(Call, call_id)
    return render_template("calls/public_show.html", call=call, now=utcnow())
