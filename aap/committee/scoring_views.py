"""Scoring in session: where the call says so, each convened member scores the current item on the call's grid.

The score is a review like any other (aap.review.operations.save_review): the dossier's figures, the call's ranking
and the envelope tracker follow it at once, and the members' screens are told (the session's revision grows).
"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aap.committee.access import scoring_refusal
from aap.committee.models import CommitteeSession
from aap.core.errors import render_error
from aap.core.inputs import database_int
from aap.core.models import utcnow
from aap.core.permissions import allow, get_or_404, signed_in
from aap.extensions import db
from aap.review import operations
from aap.review.forms import review_form, score_field, shown_answer, typed_scores
from aap.review.queries import current_grid, own_review, proposed_grid
from aap.review.scoring import check_scores, plain

bp = Blueprint("committee_scoring", __name__, url_prefix="/comite/seances/<int:session_id>")


def _grid(session, review):
    version = review.grid_version if review else current_grid(session.call_id)
    return version, (version.grid if version else proposed_grid())


@bp.route("/noter", methods=["GET", "POST"])
@allow(signed_in)
def score(session_id):
    session = get_or_404(CommitteeSession, session_id)
    item = session.current_item
    asked = request.form.get("item") if request.method == "POST" else None
    if asked is not None and (item is None or str(item.id) != asked):
        item = None  # the chair moved on between the form and its sending
    refusal = scoring_refusal(current_user, session, item)
    if refusal is not None and request.method == "GET":
        return render_error(403, refusal)
    review = own_review(item.dossier_id, current_user.id) if item is not None else None
    version, grid = _grid(session, review)
    form = review_form(grid)
    if request.method == "GET":
        _fill(form, grid, review)
    elif refusal is not None:
        form.form_errors.append(refusal)
    else:
        saved = _save(session, item, review, form, grid)
        if saved:
            return redirect(url_for("committee_live.live", session_id=session.id))
    status = 409 if form.form_errors else (400 if form.errors else 200)
    # after a refusal nothing of a dossier is shown: the current one may be one the member is recused for
    return render_template("committee/score.html", session=session, item=None if refusal else item,
                           dossier=None if refusal else item.dossier, grid=grid, version=version, form=form,
                           score_field=score_field, review=review, plain=plain), status


def _fill(form, grid, review) -> None:
    form.version.data = review.lock_version if review else ""
    if review is None:
        return
    for criterion in grid.criteria:
        getattr(form, score_field(criterion.key)).data = shown_answer(review.scores.get(criterion.key))


def _save(session, item, review, form, grid) -> bool:
    checked = check_scores(grid, typed_scores(form, grid), submitting=True)
    for key, message in checked.errors.items():
        field = getattr(form, score_field(key))
        field.errors = [*field.errors, message.translated(_)]
    if form.errors:
        return False
    data = operations.ReviewInput(scores=dict(checked.scores), committee_comment=review.committee_comment if review
                                  else "", holder_comment=review.holder_comment if review else "",
                                  recommendation=review.recommendation if review else None,
                                  proposed_amount=review.proposed_amount if review else None)
    try:
        operations.save_review(item.dossier, current_user, review, data, submitting=True,
                               expected_version=_number(form.version.data), now=utcnow())
    except operations.ReviewRefused as refusal:
        db.session.rollback()
        form.form_errors.append(str(refusal))
        return False
    session.revision += 1  # the live screens show the new mean
    db.session.commit()
    flash(_("Votre note pour %(reference)s est enregistrée ; la moyenne et le classement en tiennent compte.",
            reference=item.dossier.reference), "success")
    return True


def _number(text) -> int | None:
    try:
        return database_int(text) if text else None
    except ValueError:
        return None
