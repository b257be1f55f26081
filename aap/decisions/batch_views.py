"""`/decisions/seances/<id>`: the decisions of a whole committee session, prepared in one form."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user

from aap.committee.models import RECOMMENDATIONS, CommitteeSession
from aap.core.models import utcnow
from aap.core.permissions import allow, signed_in
from aap.decisions.access import decides_on_call
from aap.decisions.batch import batch_rows, stage_batch
from aap.decisions.forms import DeliberationFields
from aap.decisions.models import OUTCOMES
from aap.decisions.operations import MAX_MOTIVATION, DecisionRefused, deliberation
from aap.extensions import db

bp = Blueprint("decision_batch", __name__, url_prefix="/decisions/seances")


def _typed(session) -> dict:
    """What the form sent for each item, bounded: a forged huge field is cut, never stored whole."""
    return {item.id: {"outcome": request.form.get(f"outcome-{item.id}", "")[:20],
                      "amount": request.form.get(f"amount-{item.id}", "")[:30],
                      "motivation": request.form.get(f"motivation-{item.id}", "")[:MAX_MOTIVATION + 1]}
            for item in session.items}


def _page(session, form, rows, status=200):
    return render_template("decisions/batch.html", session=session, call=session.call, form=form, rows=rows,
                           outcomes=OUTCOMES, recommendations=RECOMMENDATIONS), status


@bp.route("/<int:session_id>", methods=["GET", "POST"])
@allow(signed_in)
def page(session_id):
    session = db.session.get(CommitteeSession, session_id)
    if session is None or not decides_on_call(current_user, session.call, None):
        abort(404)
    form = DeliberationFields()
    if request.method == "GET":
        return _page(session, form, batch_rows(session))
    rows = batch_rows(session, _typed(session))
    if not form.validate_on_submit():
        form.process_errors_in_french()
        return _page(session, form, rows, 400)
    now = utcnow()
    try:
        said = deliberation(form.deliberation_reference.data, form.deliberation_date.data, now)
        count = stage_batch(session, rows, said.reference, said.day, current_user, now)
    except DecisionRefused as refused:
        db.session.rollback()
        if refused.field in ("deliberation_reference", "deliberation_date"):
            form[refused.field].errors = [refused.message]
        else:
            flash(refused.message, "error")
        return _page(session, form, rows, 400)
    db.session.commit()
    flash(ngettext("%(num)d décision préparée. Publiez-la depuis la page des décisions.",
                   "%(num)d décisions préparées. Publiez-les ensemble depuis la page des décisions.", count), "success")
    return redirect(url_for("decisions.board", call_id=session.call_id))
