"""The chair's controls of the live meeting: stepping through the agenda, the hand-over, the recommendation."""
from flask import flash
from flask_babel import gettext as _
from flask_login import current_user

from aap.committee import live_operations as operations
from aap.committee.access import session_access
from aap.committee.live_forms import HandOverForm, RecommendationForm, StepForm, TakeChairForm
from aap.committee.live_views import applied, back, bp, confirmed, item_of, meeting_of, refused_on, render
from aap.core.inputs import sent_by_button
from aap.core.models import utcnow
from aap.core.permissions import allow, signed_in
from aap.extensions import db


def _step(session_id: int, forward: bool):
    meeting = meeting_of(session_id)
    form = sent_by_button(StepForm())
    applied(lambda: operations.step(meeting, current_user, forward, form.shown_item_id(), utcnow()))
    return back(meeting)


@bp.post("/point-suivant")
@allow(signed_in)
def next_item(session_id):
    return _step(session_id, forward=True)


@bp.post("/point-precedent")
@allow(signed_in)
def previous_item(session_id):
    return _step(session_id, forward=False)


@bp.post("/points/<int:item_id>/ouvrir")
@allow(signed_in)
def open_item(session_id, item_id):
    meeting = meeting_of(session_id)
    item = item_of(meeting, item_id)
    form = sent_by_button(StepForm())
    applied(lambda: operations.open_item(meeting, current_user, item, form.shown_item_id(), utcnow()))
    return back(meeting)


@bp.post("/presidence")
@allow(signed_in)
def hand_over(session_id):
    meeting = meeting_of(session_id)
    if not session_access(current_user, meeting).chair:
        flash(operations.not_chair_message(meeting), "error")
        return back(meeting)
    form = HandOverForm()
    if form.validate_on_submit():
        try:
            person = operations.hand_over(meeting, current_user, form.next_chair.data, utcnow())
            db.session.commit()
        except operations.Refused as refusal:
            db.session.rollback()
            refused_on(form, refusal)
        else:
            flash(_("La présidence passe à %(name)s.", name=person.display_name), "success")
            return back(meeting)
    return render(meeting, 400, hand_over_form=form)


@bp.post("/presidence/reprendre")
@allow(signed_in)
def take_chair(session_id):
    meeting, form = meeting_of(session_id, "manage"), TakeChairForm()
    return confirmed(meeting, form, "take_chair_form", lambda: operations.take_chair(
        meeting, current_user, form.confirm.data, utcnow()), _("Vous présidez la séance."))


@bp.post("/points/<int:item_id>/avis")
@allow(signed_in)
def recommend(session_id, item_id):
    meeting = meeting_of(session_id)
    item = item_of(meeting, item_id)
    if not session_access(current_user, meeting).chair:
        flash(operations.not_chair_message(meeting), "error")
        return back(meeting)
    form = RecommendationForm()
    if form.validate_on_submit():
        typed = operations.RecommendationInput(
            recommendation=form.recommendation.data, amount=form.amount.data, notes=form.notes.data or "",
            postponed_to=form.postponed_to.data or "", over_envelope=form.over_envelope.data)
        try:
            operations.record_recommendation(meeting, item, current_user, typed, utcnow())
            db.session.commit()
        except operations.Refused as refusal:
            db.session.rollback()
            refused_on(form, refusal)
        else:
            flash(_("Avis du comité enregistré."), "success")
            return back(meeting)
    return render(meeting, 409 if form.over_envelope.errors else 400, recommendation_form=form)
