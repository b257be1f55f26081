"""A reviewer's review of a dossier: drafts, submission, and every refusal with what was typed kept."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aap.core.models import utcnow
from aap.core.permissions import allow, get_or_404, signed_in
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.review import operations
from aap.review.aggregates import check_recommendation
from aap.review.forms import review_form, score_field, shown_answer, typed_scores
from aap.review.models import SUBMITTED
from aap.review.queries import current_grid, frozen_at, own_review, proposed_grid
from aap.review.scoring import check_scores, plain


@allow(signed_in)
def form(dossier_id):
    dossier = get_or_404(Dossier, dossier_id, "review")
    review = own_review(dossier.id, current_user.id)
    version = review.grid_version if review else current_grid(dossier.call_id)
    grid = version.grid if version else proposed_grid()
    page_form = review_form(grid)
    if request.method == "GET":
        _fill(page_form, grid, review)
    else:
        submitting = request.form.get("action") == "submit" or (review is not None and review.state == SUBMITTED)
        data = _checked(page_form, grid, dossier, submitting)
        if data is not None:
            try:
                operations.save_review(dossier, current_user, review, data, submitting=submitting,
                                       expected_version=_number(page_form.version.data), now=utcnow())
            except operations.ReviewRefused as refusal:
                db.session.rollback()
                page_form.form_errors.append(str(refusal))
            else:
                db.session.commit()
                flash(_("Votre relecture est soumise. Vous pouvez encore la modifier jusqu'à ce que les relectures "
                        "soient figées.") if submitting else
                      _("Brouillon enregistré : il n'est pas encore soumis."), "success")
                return redirect(url_for("dossiers.show", dossier_id=dossier.id) + "#review-title")
    status = 409 if page_form.form_errors else (400 if page_form.errors else 200)
    return render_template("review/form.html", dossier=dossier, review=review, grid=grid, version=version,
                           form=page_form, frozen_at=frozen_at(dossier.id), score_field=score_field,
                           plain=plain), status


def _fill(page_form, grid, review) -> None:
    page_form.version.data = review.lock_version if review else ""
    if review is None:
        return
    for criterion in grid.criteria:
        getattr(page_form, score_field(criterion.key)).data = shown_answer(review.scores.get(criterion.key))
    page_form.committee_comment.data, page_form.holder_comment.data = review.committee_comment, review.holder_comment
    page_form.recommendation.data, page_form.proposed_amount.data = review.recommendation, review.proposed_amount


def _checked(page_form, grid, dossier, submitting: bool):
    """The review typed, or None with each message next to its field (and nothing typed lost)."""
    page_form.validate()
    checked = check_scores(grid, typed_scores(page_form, grid), submitting=submitting)
    for key, message in checked.errors.items():
        field = getattr(page_form, score_field(key))
        field.errors = [*field.errors, message.translated(_)]
    recommendation = page_form.recommendation.data or None
    if recommendation is not None or submitting:
        problem = check_recommendation(recommendation)
        if problem is not None:
            page_form.recommendation.errors = [*page_form.recommendation.errors, problem.translated(_)]
    comment = (page_form.committee_comment.data or "").strip()
    if submitting and not comment:
        page_form.committee_comment.errors = [*page_form.committee_comment.errors,
                                              _("Écrivez un commentaire pour le comité avant de soumettre.")]
    amount = page_form.proposed_amount.data
    if amount is not None and dossier.requested_amount is not None and amount > dossier.requested_amount:
        page_form.proposed_amount.errors = [*page_form.proposed_amount.errors, _(
            "Le montant proposé ne peut pas dépasser le montant demandé (%(requested)s €).",
            requested=plain(dossier.requested_amount))]
    if page_form.errors:
        return None
    return operations.ReviewInput(scores=dict(checked.scores), committee_comment=comment,
                                  holder_comment=(page_form.holder_comment.data or "").strip(),
                                  recommendation=recommendation, proposed_amount=amount)


def _number(text) -> int | None:
    return int(text) if (text or "").isdigit() else None
