"""A granted decision's agreement: read by its holder and staff, generated and its signature recorded by those who
follow the grant."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aap.core.formatting import date_time
from aap.core.inputs import ActionForm, sent_by_button
from aap.core.models import utcnow
from aap.core.pdf import pdf_response
from aap.core.permissions import allow, signed_in
from aap.core.storage import download_response, receive
from aap.decisions import agreement_operations as operations
from aap.decisions.access import agreement_access
from aap.decisions.agreement_forms import SignatureForm
from aap.decisions.grant_models import AGREEMENT_THRESHOLD
from aap.decisions.letters_views import decision_or_404
from aap.decisions.letters_words import authority_name
from aap.decisions.templating import markdown_html
from aap.extensions import db

bp = Blueprint("decision_agreements", __name__, url_prefix="/decisions/<int:decision_id>")


def _load(decision_id: int, manage: bool = False):
    """The decision and its agreement; 404 for who may not read it, 403 for a reader who may not manage it."""
    decision = decision_or_404(decision_id)
    rights = agreement_access(current_user, decision)
    if not rights.read:
        abort(404)
    if manage and not rights.manage:
        abort(403)
    return decision, operations.agreement_of(decision), rights


def _page(decision, agreement, rights, form=None, status: int = 200):
    signable = rights.manage and agreement is not None and agreement.generated_at is not None \
        and not agreement.signed
    if signable and form is None:
        form = SignatureForm()
    return render_template(
        "decisions/agreements/agreement.html", decision=decision, agreement=agreement, rights=rights,
        authority=authority_name(decision), required=(decision.amount or 0) > AGREEMENT_THRESHOLD,
        threshold=AGREEMENT_THRESHOLD, text=markdown_html(agreement.text) if agreement and agreement.text else None,
        form=form, signable=signable, action_form=ActionForm()), status


@bp.get("/convention")
@allow(signed_in)
def agreement(decision_id):
    return _page(*_load(decision_id))


@bp.post("/convention/generer")
@allow(signed_in)
def generate(decision_id):
    decision, _agreement, _rights = _load(decision_id, manage=True)
    sent_by_button(ActionForm())
    try:
        _generated, replaced = operations.generate(decision, current_user, utcnow())
    except operations.AgreementRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect(url_for("decision_agreements.agreement", decision_id=decision_id))
    db.session.commit()
    if replaced is None:
        flash(_("La convention est générée : relisez-la, puis envoyez-la à la structure pour signature."), "success")
    else:
        flash(_("Un nouveau texte de la convention est généré : il remplace celui du %(at)s, qui ne vaut plus.",
                at=date_time(replaced)), "success")
    return redirect(url_for("decision_agreements.agreement", decision_id=decision_id))


@bp.get("/convention.pdf")
@allow(signed_in)
def agreement_pdf(decision_id):
    decision, agreement, _rights = _load(decision_id)
    if agreement is None or agreement.generated_at is None:
        abort(404)
    reference = decision.dossier.reference or f"dossier-{decision.dossier_id}"
    return pdf_response("decisions/agreements/agreement_pdf.html", f"convention-{reference}-{decision.id}.pdf",
                        decision=decision, agreement=agreement, text=markdown_html(agreement.text))


@bp.post("/convention/signature")
@allow(signed_in)
def sign(decision_id):
    decision, agreement, rights = _load(decision_id, manage=True)
    form = SignatureForm()
    if not form.validate_on_submit():
        return _page(decision, agreement, rights, form=form, status=400)
    stored = receive(form.file)
    if form.file.errors:
        db.session.rollback()
        return _page(decision, agreement, rights, form=form, status=400)
    try:
        operations.record_signature(decision, form.signed_on.data, stored, current_user, utcnow())
    except operations.AgreementRefused as refusal:
        db.session.rollback()  # and with it the scan just stored
        errors = getattr(form, refusal.field).errors if refusal.field else form.form_errors
        errors.append(str(refusal))
        decision, agreement, rights = _load(decision_id, manage=True)
        return _page(decision, agreement, rights, form=form, status=409 if refusal.conflict else 400)
    db.session.commit()
    flash(_("La signature de la convention est enregistrée ; la structure en est informée."), "success")
    return redirect(url_for("decision_agreements.agreement", decision_id=decision_id))


@bp.get("/convention/signee")
@allow(signed_in)
def signed_scan(decision_id):
    _decision, agreement, _rights = _load(decision_id)
    if agreement is None or agreement.stored_file is None:
        abort(404)
    return download_response(agreement.stored_file)
