"""The live meeting: the page members and staff follow, its poll, the votes, opening and closing the session."""
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from aap.committee import live_operations as operations
from aap.committee import live_queries as queries
from aap.committee.access import follows
from aap.committee.live_forms import (
    CloseForm,
    HandOverForm,
    OpenForm,
    RecommendationForm,
    StepForm,
    TakeChairForm,
    VoteForm,
)
from aap.committee.live_page import live_page
from aap.committee.models import RECOMMENDATIONS, SESSION_STATES, VOTES, AgendaItem, CommitteeSession
from aap.core.inputs import sent_by_button
from aap.core.models import utcnow
from aap.core.permissions import allow, get_or_404, signed_in
from aap.core.security import REVALIDATED
from aap.extensions import db

bp = Blueprint("committee_live", __name__, url_prefix="/comite/seances/<int:session_id>")
#: milliseconds between two polls of a member's screen
POLL_INTERVAL = 2500


def meeting_of(session_id: int, action: str = "view") -> CommitteeSession:
    return get_or_404(CommitteeSession, session_id, action)


def item_of(meeting: CommitteeSession, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.session_id != meeting.id:
        abort(404)
    return item


def back(meeting: CommitteeSession, anchor: str = ""):
    return redirect(url_for("committee_live.live", session_id=meeting.id) + anchor, code=303)


def applied(operation, success: str | None = None) -> bool:
    """Run one operation and commit; a refusal rolls everything back and is said in a flash message."""
    try:
        operation()
        db.session.commit()
    except operations.Refused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return False
    if success:
        flash(success, "success")
    return True


def refused_on(form, refusal: operations.Refused) -> None:
    """Show a refusal beside its field (or above the form), keeping what was typed."""
    field = getattr(form, refusal.field, None) if refusal.field else None
    if field is None:
        form.form_errors.append(str(refusal))
    else:
        field.errors = [*field.errors, str(refusal)]


def recommendation_form(item) -> RecommendationForm:
    """The chair's form, filled with what was recorded for the item (not with another form's post)."""
    form = RecommendationForm(formdata=None)
    if item is not None and item.recommendation:
        form.recommendation.data, form.amount.data = item.recommendation, item.amount
        form.postponed_to.data, form.notes.data = item.postponed_to, item.notes
    return form


def render(meeting: CommitteeSession, status: int = 200, **forms):
    page = live_page(meeting, current_user)
    hand_over = forms.pop("hand_over_form", None) or HandOverForm(formdata=None)
    hand_over.next_chair.choices = [(0, _("— Choisir —"))] + [
        (person.id, person.display_name) for person in page.candidates]
    context = {"open_form": OpenForm(formdata=None), "close_form": CloseForm(formdata=None),
               "take_chair_form": TakeChairForm(formdata=None),
               "hand_over_form": hand_over, "step_form": StepForm(formdata=None), "vote_form": VoteForm(formdata=None),
               "recommendation_form": recommendation_form(page.current.item if page.current else None), **forms}
    return render_template("committee/live.html", page=page, meeting=meeting, states=SESSION_STATES, votes=VOTES,
                           recommendations=RECOMMENDATIONS, poll_interval=POLL_INTERVAL,
                           errors=any(form.errors for form in forms.values()), **context), status


@bp.get("/direct")
@allow(signed_in)
def live(session_id):
    return render(meeting_of(session_id))


@bp.get("/suivi")
@allow(signed_in)
def follow(session_id):
    """The one thing members' screens poll: the revision (as ETag, 304 while unchanged) and the current item."""
    state = queries.follow_state(session_id, current_user.id)
    if state is None or not follows(current_user, bool(state.convened)):
        abort(404)
    etag = f"r{state.revision}"
    if request.if_none_match.contains(etag):
        response = current_app.response_class(status=304)
    else:
        response = jsonify(revision=state.revision, item_id=state.current_item_id)
    response.set_etag(etag)
    response.headers["Cache-Control"] = REVALIDATED
    return response


def confirmed(meeting, form, form_name: str, act, done: str):
    """Run a staff action that may first ask for a confirmation; the form comes back with it, ticked or not."""
    sent_by_button(form)
    try:
        act()
        db.session.commit()
    except operations.NeedsConfirmation as refusal:
        db.session.rollback()
        refused_on(form, refusal)
        return render(meeting, 409, **{form_name: form})
    except operations.Refused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return back(meeting)
    flash(done, "success")
    return back(meeting)


@bp.post("/ouvrir")
@allow(signed_in)
def open_session(session_id):
    meeting, form = meeting_of(session_id, "manage"), OpenForm()
    return confirmed(meeting, form, "open_form", lambda: operations.open_session(
        meeting, current_user, form.without_quorum.data, utcnow()), _("La séance est ouverte ; vous la présidez."))


@bp.post("/clore")
@allow(signed_in)
def close_session(session_id):
    meeting, form = meeting_of(session_id, "manage"), CloseForm()
    return confirmed(meeting, form, "close_form", lambda: operations.close_session(
        meeting, current_user, form.without_recommendation.data, utcnow()), _("La séance est close."))


@bp.post("/points/<int:item_id>/vote")
@allow(signed_in)
def vote(session_id, item_id):
    meeting = meeting_of(session_id)
    item = item_of(meeting, item_id)
    form = sent_by_button(VoteForm())
    choice = form.choice.data
    try:
        applied(lambda: operations.cast_vote(meeting, item, current_user, choice),
                _("Votre vote est enregistré : %(choice)s.", choice=str(VOTES.get(choice, "")).lower()))
    except IntegrityError:  # the same person's second vote, posted at the same instant from another tab
        db.session.rollback()
        existing = queries.own_vote(item, current_user.id)
        flash(operations.already_voted(existing.choice) if existing else _("Votre vote n'a pas été enregistré : "
                                                                          "réessayez."), "error")
    return back(meeting, "#votes-title")
