"""Closing a grant by hand once everything is paid and reported, and the titres de recettes to issue when more was
paid than the project spent."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aap.core.inputs import ActionForm, sent_by_button
from aap.core.listing import past_the_end, requested_page
from aap.core.models import utcnow
from aap.core.permissions import allow, instruction_team, signed_in
from aap.decisions import closing_operations as operations
from aap.decisions.access import manages_grant
from aap.decisions.closing_forms import RecoveryIssuedForm
from aap.decisions.closing_models import Recovery
from aap.decisions.closing_queries import recoveries_page
from aap.decisions.reports_views import load
from aap.extensions import db

bp = Blueprint("grant_closing", __name__)
RECOVERIES = "/subventions/titres-de-recettes"


@bp.post("/dossiers/<int:dossier_id>/cloture")
@allow(signed_in)
def close(dossier_id):
    dossier, rights = load(dossier_id)
    sent_by_button(ActionForm())
    if not rights.close:
        abort(403)
    try:
        operations.close(dossier, current_user, utcnow())
    except operations.ClosingRefused as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
        return redirect(url_for("dossiers.show", dossier_id=dossier_id) + "#report-title")
    db.session.commit()
    flash(_("Le dossier est clos : tout est versé et le compte-rendu accepté. Le porteur en est informé."), "success")
    return redirect(url_for("dossiers.show", dossier_id=dossier_id))


def _page(form=None, shown_id=None, status=200):
    issued = request.args.get("emis") == "1"
    page = recoveries_page(requested_page(request.args), issued)
    forms = {recovery.id: form if recovery.id == shown_id and form is not None
             else RecoveryIssuedForm(formdata=None, prefix=f"r{recovery.id}") for recovery in page.items}
    managed = {recovery.id: manages_grant(current_user, recovery.decision) for recovery in page.items}
    return render_template("decisions/reports/recoveries.html", page=page, issued=issued, forms=forms,
                           managed=managed, past_the_end=past_the_end(page)), status


@bp.get(RECOVERIES)
@allow(instruction_team)
def recoveries():
    return _page()


@bp.post(RECOVERIES + "/<int:recovery_id>/emis")
@allow(instruction_team)
def issued(recovery_id):
    recovery = db.session.get(Recovery, recovery_id) or abort(404)
    if not manages_grant(current_user, recovery.decision):
        abort(403)
    form = RecoveryIssuedForm(prefix=f"r{recovery.id}")
    if not form.validate_on_submit():
        return _page(form, recovery.id, 400)
    try:
        operations.record_issued(recovery, form.issued_on.data, form.reference.data, current_user, utcnow())
    except operations.ClosingRefused as refusal:
        db.session.rollback()
        if refusal.field is None:  # already issued: the list no longer shows it as to issue
            flash(refusal.message, "error")
            return redirect(url_for("grant_closing.recoveries"))
        form = RecoveryIssuedForm(prefix=f"r{recovery_id}")
        getattr(form, refusal.field).errors = [refusal.message]
        return _page(form, recovery_id, 400)
    db.session.commit()
    flash(_("Le titre de recettes est enregistré comme émis."), "success")
    return redirect(url_for("grant_closing.recoveries"))
