"""The holder's final report: filled in once the workflow awaits it, saved as drafts with its files, submitted; read
afterwards by its holders, and by staff beside the forecast on the review page."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aap.core.inputs import ActionForm, sent_by_button
from aap.core.models import utcnow
from aap.core.permissions import allow, get_or_404, signed_in
from aap.core.storage import download_response, receive
from aap.decisions import reports_operations as operations
from aap.decisions.access import report_access
from aap.decisions.grant_models import REPORT_STATES
from aap.decisions.reports_content import budget_sides, due_on_for
from aap.decisions.reports_forms import content_of, line_name, report_form
from aap.decisions.reports_models import ReportAttachment
from aap.decisions.reports_queries import attachments_of
from aap.dossiers.models import Dossier
from aap.extensions import db

bp = Blueprint("final_reports", __name__, url_prefix="/dossiers/<int:dossier_id>/compte-rendu")


def load(dossier_id: int):
    """The dossier, its report's rights; 404 for whoever may not read it, or when no granted decision awaits one."""
    dossier = get_or_404(Dossier, dossier_id)
    rights = report_access(current_user, dossier)
    if not rights.read or operations.authority_decision(dossier.id) is None:
        abort(404)
    return dossier, rights


def report_context(dossier, report, typed: dict | None = None) -> dict:
    """What the report's templates read: the budget beside the forecast (as typed, when given), indicators, files."""
    content = typed if typed is not None else (report.content if report is not None else {})
    return {"dossier": dossier, "report": report, "content": content, "states": REPORT_STATES,
            "sides": budget_sides((dossier.answers or {}).get("budget"), content),
            "indicators": dossier.call.report_indicators, "files": attachments_of(report),
            "due_on": report.due_on if report is not None and report.due_on else due_on_for(dossier.answers),
            "forecast_jobs": (dossier.answers or {}).get("jobs_created"), "line_name": line_name}


def _render(dossier, form=None, refusal=None, status=200, file_lost=False):
    report = operations.report_of(dossier.id)
    blocked = operations.editing_refusal(dossier, report)
    if form is None and blocked is None:
        form = report_form(dossier.call.report_indicators, report.content if report else {})
    typed = content_of(form, dossier.call.report_indicators) if form is not None and form.is_submitted() else None
    shown = form if blocked is None or refusal is not None else None  # what was typed is shown back, even refused
    return render_template("decisions/reports/form.html", form=shown, blocked=blocked,
                           refusal=refusal, file_lost=file_lost, remove_form=ActionForm(),
                           **report_context(dossier, report, typed)), status


@bp.route("", methods=["GET", "POST"])
@allow(signed_in)
def page(dossier_id):
    dossier, rights = load(dossier_id)
    if not rights.fill:
        return redirect(url_for("final_report_review.page", dossier_id=dossier.id))
    if request.method == "POST":
        return _save(dossier)
    return _render(dossier)


def _save(dossier):
    indicators = dossier.call.report_indicators
    form = report_form(indicators, posted=True)
    chosen = bool(getattr(request.files.get("piece"), "filename", ""))
    if not form.validate_on_submit():
        return _render(dossier, form, status=400, file_lost=chosen)
    stored = receive(form.piece, operations.room_for(operations.report_of(dossier.id)))
    if form.piece.errors:
        return _render(dossier, form, status=400)
    submitting = bool(request.form.get("deposer"))
    try:
        if submitting:
            operations.submit(dossier, content_of(form, indicators), current_user, utcnow(), stored)
        else:
            operations.save_draft(dossier, content_of(form, indicators), current_user, stored)
    except operations.ReportRefused as refusal:
        db.session.rollback()  # and with it the file just stored
        return _render(db.session.get(Dossier, dossier.id), form, refusal, 409, file_lost=stored is not None)
    db.session.commit()
    flash(_("Votre compte-rendu financier est déposé : l'équipe de la collectivité va l'examiner.") if submitting
          else _("Brouillon du compte-rendu enregistré. Vous pouvez y revenir à tout moment."), "success")
    return redirect(url_for("final_reports.page", dossier_id=dossier.id))


@bp.get("/pieces/<int:attachment_id>")
@allow(signed_in)
def download(dossier_id, attachment_id):
    dossier, _rights = load(dossier_id)
    attachment = _attachment_or_404(dossier, attachment_id)
    return download_response(attachment.stored_file)


@bp.post("/pieces/<int:attachment_id>/retirer")
@allow(signed_in)
def remove(dossier_id, attachment_id):
    dossier, rights = load(dossier_id)
    attachment = _attachment_or_404(dossier, attachment_id)
    sent_by_button(ActionForm())
    if not rights.fill:
        abort(403)
    name = attachment.file_name
    try:
        operations.remove_file(dossier, attachment)
    except operations.ReportRefused as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
        return redirect(url_for("final_reports.page", dossier_id=dossier_id))
    db.session.commit()
    flash(_("La pièce « %(name)s » est retirée du compte-rendu.", name=name), "success")
    return redirect(url_for("final_reports.page", dossier_id=dossier_id) + "#files-title")


def _attachment_or_404(dossier, attachment_id: int) -> ReportAttachment:
    attachment = db.session.get(ReportAttachment, attachment_id)
    if attachment is None or attachment.report.dossier_id != dossier.id:
        abort(404)
    return attachment
