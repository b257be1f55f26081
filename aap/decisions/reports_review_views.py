"""Staff read the submitted final report beside the forecast, then accept it (recording what was not spent) or
return it to the holder with what to change."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aap.core.models import utcnow
from aap.core.permissions import allow, signed_in
from aap.decisions import reports_review as review
from aap.decisions.grant_models import SUBMITTED
from aap.decisions.lifecycle import granted_decisions
from aap.decisions.reports_forms import ReturnForm, accept_form_class
from aap.decisions.reports_operations import ReportRefused, report_of
from aap.decisions.reports_views import load, report_context
from aap.dossiers.models import Dossier
from aap.extensions import db

bp = Blueprint("final_report_review", __name__, url_prefix="/dossiers/<int:dossier_id>/compte-rendu/examen")


def _staff(dossier_id: int):
    dossier, rights = load(dossier_id)
    if not rights.review:
        abort(403)
    return dossier


def _render(dossier, accept_form=None, return_form=None, refusal=None, status=200):
    report = report_of(dossier.id)
    decisions = granted_decisions(dossier.id)
    reviewable = report is not None and report.state == SUBMITTED
    if reviewable:
        accept_form = accept_form or accept_form_class(decisions)(formdata=None, prefix="accept")
        return_form = return_form or ReturnForm(formdata=None, prefix="return")
    return render_template("decisions/reports/review.html", reviewable=reviewable, decisions=decisions,
                           accept_form=accept_form, return_form=return_form, refusal=refusal,
                           **report_context(dossier, report)), status


@bp.get("")
@allow(signed_in)
def page(dossier_id):
    return _render(_staff(dossier_id))


@bp.post("/accepter")
@allow(signed_in)
def accept(dossier_id):
    dossier = _staff(dossier_id)
    decisions = granted_decisions(dossier.id)
    form = accept_form_class(decisions)(prefix="accept")
    if not form.validate_on_submit():
        return _render(dossier, accept_form=form, status=400)
    unspent = {decision.id: form[f"unspent_{decision.id}"].data for decision in decisions}
    try:
        review.accept(dossier, current_user, utcnow(), unspent, form.comment.data)
    except review.UnspentRefused as refusal:
        db.session.rollback()
        form[f"unspent_{refusal.decision_id}"].errors.append(refusal.message)
        return _render(db.session.get(Dossier, dossier_id), accept_form=form, status=400)
    except ReportRefused as refusal:
        db.session.rollback()
        return _render(db.session.get(Dossier, dossier_id), accept_form=form, refusal=refusal, status=409)
    db.session.commit()
    flash(_("Le compte-rendu financier est accepté ; le porteur en est informé."), "success")
    return redirect(url_for("dossiers.show", dossier_id=dossier_id) + "#report-title")


@bp.post("/renvoyer")
@allow(signed_in)
def send_back(dossier_id):
    dossier = _staff(dossier_id)
    form = ReturnForm(prefix="return")
    if not form.validate_on_submit():
        return _render(dossier, return_form=form, status=400)
    try:
        review.return_to_holder(dossier, current_user, utcnow(), form.comment.data)
    except ReportRefused as refusal:
        db.session.rollback()
        still_submitted = getattr(report_of(dossier_id), "state", None) == SUBMITTED
        return _render(db.session.get(Dossier, dossier_id), return_form=form, refusal=refusal,
                       status=400 if still_submitted else 409)
    db.session.commit()
    flash(_("Le compte-rendu est renvoyé au porteur avec votre demande ; il pourra le déposer de nouveau."),
          "success")
    return redirect(url_for("dossiers.show", dossier_id=dossier_id) + "#report-title")
