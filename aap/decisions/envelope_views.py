"""The envelopes of a call, every funder's, with what is granted on them and the history of their changes."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from aap.calls.models import Call
from aap.core.models import utcnow
from aap.core.permissions import allow, get_or_404, signed_in
from aap.decisions import envelopes
from aap.decisions.access import call_funders, manages_funders
from aap.decisions.envelope_operations import change_envelope
from aap.decisions.forms import EnvelopeForm
from aap.decisions.models import EnvelopeChange
from aap.decisions.operations import DecisionRefused
from aap.extensions import db

bp = Blueprint("decision_envelopes", __name__, url_prefix="/decisions/appels/<int:call_id>/enveloppes")


def _targets(call, funders) -> dict:
    """Each envelope the form may change: its key in the form, and (funder, strand, label)."""
    targets = {"call": (None, None, _("Enveloppe de l'appel"))}
    targets.update({f"strand-{strand.id}": (None, strand, _("Volet « %(name)s »", name=strand.name))
                    for strand in call.strands})
    targets.update({f"funder-{funder.id}": (funder, None, funder.name) for funder in funders})
    return targets


def _page(call, funders, form, status=200):
    history = list(db.session.execute(select(EnvelopeChange).where(EnvelopeChange.call_id == call.id)
                                      .order_by(EnvelopeChange.changed_at.desc(), EnvelopeChange.id.desc())
                                      .limit(200)).scalars())
    return render_template("decisions/envelopes.html", call=call, form=form, history=history,
                           sections=[(None, envelopes.envelopes(call, None))] +
                                    [(funder, envelopes.envelopes(call, funder)) for funder in funders]), status


@bp.route("", methods=["GET", "POST"])
@allow(signed_in)
def page(call_id):
    call = get_or_404(Call, call_id)
    if not manages_funders(current_user, call):
        abort(404)
    funders = call_funders(call)
    targets = _targets(call, funders)
    form = EnvelopeForm()
    form.target.choices = [(key, label) for key, (_f, _s, label) in targets.items()]
    if request.method == "GET" or not form.validate_on_submit():
        return _page(call, funders, form, 400 if form.errors else 200)
    if form.target.data not in targets:
        form.target.errors = [_("Choisissez l'enveloppe à changer dans la liste.")]
        return _page(call, funders, form, 400)
    funder, strand, label = targets[form.target.data]
    try:
        change_envelope(call, funder, strand, form.amount.data, form.reason.data, current_user, utcnow())
    except DecisionRefused as refused:
        db.session.rollback()
        form[refused.field or "amount"].errors = [refused.message]
        return _page(call, call_funders(call), form, 400)
    db.session.commit()
    flash(_("%(label)s : l'enveloppe est changée, avec son motif.", label=label), "success")
    return redirect(url_for(".page", call_id=call.id))
