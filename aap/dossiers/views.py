from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aap.calls.queries import visible_calls
from aap.core.errors import render_error
from aap.core.inputs import database_int
from aap.core.listing import requested_page, requested_sort
from aap.core.pdf import pdf_response
from aap.core.permissions import allow, get_or_404, signed_in
from aap.core.signals import dossier_panels_wanted
from aap.core.storage import StoredFile, download_response, receive
from aap.dossiers import operations as dossier_operations
from aap.dossiers import reading
from aap.dossiers.access import access, piece_withheld
from aap.dossiers.forms import MessageForm, TransitionForm, dossier_form
from aap.dossiers.models import Dossier
from aap.dossiers.overdue import overdue_by_organisation, overdue_elsewhere
from aap.dossiers.panels import DossierPanel
from aap.dossiers.queries import SORTS, audit_record, dossiers_page, private_draft_count, receipts_of, thread_of
from aap.dossiers.receipts import Receipt
from aap.dossiers.timeline import timeline
from aap.extensions import db
from aap.questionnaire.budget import CHARGES, PRODUITS, totals
from aap.workflow import engine
from aap.workflow.diagram import render_svg

REFUSAL_STATUS = {"unknown": 404, "forbidden": 403, "missing": 400, "invalid": 400, "guard": 409,
                  "wrong_state": 409, "already_done": 409, "stale": 409, "conflict": 409}


@allow(signed_in)
def index():
    args = request.args
    sort, descending = requested_sort(args, SORTS, "updated", descending=True)
    page = dossiers_page(current_user, search=args.get("q", ""), call_id=args.get("appel", type=database_int),
                         state=args.get("etat", ""), sort=sort, descending=descending,
                         page=requested_page(args))
    calls = visible_calls(current_user)
    chosen = next((call for call in calls if call.id == args.get("appel", type=database_int)), None)
    states = []
    if chosen is not None and chosen.workflow_version is not None:
        states = [(s.name, s.label) for s in engine.workflow_of_version(chosen.workflow_version).ordered_states()]
    return render_template("dossiers/index.html", page=page, sort=sort, descending=descending,
                           private_drafts=private_draft_count(current_user),
                           call_options=[(call.id, str(call)) for call in calls], state_options=states,
                           workflow_of=engine.workflow_of, overdue=_overdue_for_staff(page.items))


def _overdue_for_staff(dossiers) -> dict[int, list]:
    """Staff see which listed organisations owe a final report elsewhere (one query for the page)."""
    if not current_user.is_staff:
        return {}
    return overdue_by_organisation(dossier.organisation_id for dossier in dossiers)


def panels_of(dossier, rights) -> list[DossierPanel]:
    """What other domains show on the dossier page for this person, in their order."""
    answers = dossier_panels_wanted.send(dossier, user=current_user, rights=rights)
    return sorted((panel for _receiver, panel in answers if panel is not None), key=lambda panel: panel.order)


def render_dossier(dossier, forms=None, status=200, message_form=None):
    workflow, rights = engine.workflow_of(dossier), access(current_user, dossier)
    options = engine.available(dossier, current_user)
    forms = forms or {}
    for option in options:
        forms.setdefault(option.transition.name, TransitionForm(prefix=option.transition.name,
                                                                version=dossier.lock_version))
    return render_template("dossiers/show.html", dossier=dossier, workflow=workflow, options=options, forms=forms,
                           receipts=receipts_of(dossier), messages=thread_of(dossier) if rights.thread else None,
                           message_form=message_form or MessageForm(prefix="message"),
                           entries=timeline(dossier, current_user), diagram=render_svg(workflow, dossier.state),
                           access=rights, panels=panels_of(dossier, rights),
                           withheld=lambda kind: piece_withheld(current_user, dossier, kind)), status


@allow(signed_in)
def show(dossier_id):
    draft = db.session.get(Dossier, dossier_id)
    rights = access(current_user, draft) if draft is not None else None
    if rights is not None and rights.support_possible:
        return redirect(url_for("dossiers.support", dossier_id=dossier_id))
    if rights is not None and rights.recused:
        return render_error(404, rights.recused)
    return render_dossier(get_or_404(Dossier, dossier_id))


@allow(signed_in)
def edit(dossier_id):
    dossier = get_or_404(Dossier, dossier_id, "edit")
    form = dossier_form(dossier)
    if request.method == "GET":
        form.version.data = dossier.lock_version
    elif form.validate_on_submit():
        try:
            dossier_operations.save_draft(dossier, form.data, expected_version=form.version.data)
            db.session.commit()
        except dossier_operations.StaleDossier:
            db.session.rollback()
            dossier = db.session.get(Dossier, dossier_id)
            form.form_errors.append(_("Quelqu'un d'autre a enregistré ce dossier depuis que vous l'avez ouvert : "
                                      "vos modifications n'ont pas été enregistrées. Elles sont toujours "
                                      "ci-dessous : copiez-les, rechargez la page, puis reportez-les."))
        else:
            flash(_("Brouillon enregistré. Vous pouvez y revenir à tout moment."), "success")
            return redirect(url_for("dossiers.show", dossier_id=dossier.id))
    return render_template("dossiers/edit.html", dossier=dossier, form=form, budget_charges=CHARGES,
                           budget_produits=PRODUITS, budget_totals=lambda value: totals(value or {}),
                           overdue=overdue_elsewhere(dossier)), \
        409 if form.form_errors else \
        (400 if form.errors else 200)


@allow(signed_in)
def act(dossier_id, name):
    dossier = get_or_404(Dossier, dossier_id)
    form = TransitionForm(prefix=name)
    try:
        record = _act(dossier, name, form)
        db.session.commit()
    except engine.TransitionRefused as refusal:
        db.session.rollback()  # and with it the file stored for this action
        if refusal.field:
            getattr(form, refusal.field).errors = [*getattr(form, refusal.field).errors, refusal.message]
        else:
            form.form_errors.append(refusal.message)
        dossier = db.session.get(Dossier, dossier_id)
        return render_dossier(dossier, forms={name: form}, status=REFUSAL_STATUS.get(refusal.code, 400))
    flash(_("« %(label)s » : c'est fait. Le dossier est maintenant à l'état « %(state)s ».",
            label=engine.workflow_of(dossier).transitions[name].label,
            state=engine.workflow_of(dossier).state_label(record.to_state)), "success")
    return redirect(url_for("dossiers.show", dossier_id=dossier.id))


def _act(dossier, name: str, form):
    """Apply the action with what the form brings; only an action that takes a file has one stored."""
    if not form.validate():
        raise engine.TransitionRefused(_("Le formulaire contient une erreur."), "invalid")
    data = {"comment": form.comment.data, "amount": form.amount.data}
    transition = engine.workflow_of(dossier).transitions.get(name)
    if transition is not None and "file" in transition.requires:
        data["file"] = receive(form.file)
        if form.file.errors:  # the refusal moves from the field to the exception, which puts it back
            raise engine.TransitionRefused(form.file.errors.pop(), "invalid", "file")
    expected = int(form.version.data) if (form.version.data or "").isdigit() else None
    return engine.apply_transition(dossier.id, name, current_user, data, expected_version=expected)


@allow(signed_in)
def receipt_pdf(dossier_id, receipt_id):
    receipt = get_or_404(Receipt, receipt_id, dossier_id=dossier_id)
    dossier = receipt.dossier  # the content as it was submitted, under the reader's blind rule
    withheld = lambda kind: piece_withheld(current_user, dossier, kind)  # noqa: E731
    content = reading.build(reading.receipt_source(receipt), access(current_user, dossier).identity_hidden, withheld)
    return pdf_response("dossiers/receipt_pdf.html", f"accuse-{receipt.reference}.pdf", receipt=receipt,
                        reading=content)


@allow(signed_in)
def record_file(dossier_id, sequence):
    dossier = get_or_404(Dossier, dossier_id)
    record = audit_record(dossier, sequence)
    if record is None or "file" not in record.payload or not (record.holder_visible
                                                              or access(current_user, dossier).staff_view):
        abort(404)
    return download_response(StoredFile(**record.payload["file"]))
