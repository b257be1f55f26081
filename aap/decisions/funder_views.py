"""The co-funders of a call and the people who decide for each: administrators seat them."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aap.calls.models import Call
from aap.core.inputs import ActionForm, sent_by_button
from aap.core.models import utcnow
from aap.core.permissions import allow, get_or_404, signed_in
from aap.decisions import funder_operations
from aap.decisions.access import call_funders, manages_funders
from aap.decisions.forms import DeciderForm, FunderForm
from aap.decisions.models import Funder, FunderDecider
from aap.decisions.operations import DecisionRefused
from aap.extensions import db

bp = Blueprint("decision_funders", __name__, url_prefix="/decisions/appels/<int:call_id>/cofinanceurs")


def _managed_call(call_id: int) -> Call:
    call = get_or_404(Call, call_id)
    if not manages_funders(current_user, call):
        abort(404)
    return call


def _funder(call: Call, funder_id: int) -> Funder:
    funder = db.session.get(Funder, funder_id)
    if funder is None or funder.call_id != call.id:
        abort(404)
    return funder


def _page(call, form=None, decider_forms=None, status=200):
    funders = call_funders(call)
    decider_forms = decider_forms or {}
    return render_template("decisions/funders.html", call=call, funders=funders, form=form or FunderForm(),
                           decider_forms={f.id: decider_forms.get(f.id) or DeciderForm(prefix=f"f{f.id}")
                                          for f in funders}, action=ActionForm()), status


@bp.route("", methods=["GET", "POST"])
@allow(signed_in)
def page(call_id):
    """The co-funders, and adding one (one rule for both methods: a bad call number is not found either way)."""
    call = _managed_call(call_id)
    if request.method == "GET":
        return _page(call)
    form = FunderForm()
    if not form.validate_on_submit():
        return _page(call, form, status=400)
    try:
        funder = funder_operations.add_funder(call, form.name.data, form.envelope.data, current_user, utcnow())
    except DecisionRefused as refused:
        db.session.rollback()
        form[refused.field if refused.field in ("name", "envelope") else "envelope"].errors = [refused.message]
        return _page(call, form, status=400)
    db.session.commit()
    flash(_("%(name)s est cofinanceur de l'appel. Ajoutez les personnes qui décident pour lui.", name=funder.name),
          "success")
    return redirect(url_for(".page", call_id=call.id))


@bp.post("/<int:funder_id>/supprimer")
@allow(signed_in)
def remove(call_id, funder_id):
    call = _managed_call(call_id)
    funder = _funder(call, funder_id)
    sent_by_button(ActionForm())
    try:
        funder_operations.remove_funder(funder)
    except DecisionRefused as refused:
        flash(refused.message, "error")
        return redirect(url_for(".page", call_id=call.id))
    db.session.commit()
    flash(_("Le cofinanceur est retiré de l'appel."), "success")
    return redirect(url_for(".page", call_id=call.id))


@bp.post("/<int:funder_id>/decideurs")
@allow(signed_in)
def seat(call_id, funder_id):
    call = _managed_call(call_id)
    funder = _funder(call, funder_id)
    form = DeciderForm(prefix=f"f{funder.id}")
    if not form.validate_on_submit():
        return _page(call, decider_forms={funder.id: form}, status=400)
    try:
        seat = funder_operations.seat_decider(funder, form.email.data)
    except DecisionRefused as refused:
        db.session.rollback()
        form.email.errors = [refused.message]
        return _page(call, decider_forms={funder.id: form}, status=400)
    db.session.commit()
    flash(_("%(name)s décide désormais pour %(funder)s.", name=seat.user.display_name, funder=funder.name), "success")
    return redirect(url_for(".page", call_id=call.id))


@bp.post("/<int:funder_id>/decideurs/<int:seat_id>/retirer")
@allow(signed_in)
def unseat(call_id, funder_id, seat_id):
    call = _managed_call(call_id)
    funder = _funder(call, funder_id)
    seat = db.session.get(FunderDecider, seat_id)
    if seat is None or seat.funder_id != funder.id:
        abort(404)
    sent_by_button(ActionForm())
    funder_operations.remove_decider(funder, seat)
    db.session.commit()
    flash(_("La personne ne décide plus pour %(funder)s.", funder=funder.name), "success")
    return redirect(url_for(".page", call_id=call.id))
