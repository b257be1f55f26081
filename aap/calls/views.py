"""Calls in the administration: settings, application form, publication and life cycle."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from aap.calls import operations as call_operations
from aap.calls.forms import ApplicationFormForm, CallForm
from aap.calls.models import Call
from aap.calls.queries import all_calls
from aap.core.formatting import PARIS
from aap.core.permissions import allow, get_or_404, role
from aap.core.signals import dossier_counts_wanted
from aap.extensions import db
from aap.questionnaire.definition import DefinitionError, default_source, parse_source
from aap.workflow import operations, schema

bp = Blueprint("calls", __name__, url_prefix="/admin/appels")
STATE_LABELS = {"draft": _l("Brouillon"), "published": _l("Publié"), "closed": _l("Clos"), "archived": _l("Archivé")}


@bp.get("")
@allow(role("admin"))
def index():
    counts = {}
    for _receiver, answer in dossier_counts_wanted.send(None):
        counts.update(answer)
    calls = all_calls()
    return render_template("calls/admin_index.html", calls=calls, counts=counts, form=FlaskForm(),
                           state_labels=STATE_LABELS)


def _workflow_choices() -> list[tuple[str, str]]:
    workflows, _errors = schema.load_directory(operations.workflows_folder())
    return [(name, workflow.label) for name, workflow in workflows.items()]


def _call_form(call=None) -> CallForm:
    form = CallForm(obj=call, workflows=_workflow_choices())
    if call is not None and request.method == "GET":
        form.funders.data = "\n".join(call.funders)
        form.required_attachments.data = "\n".join(item["label"] for item in call.required_attachments)
        form.eligibility_checklist.data = "\n".join(call.eligibility_checklist)
        for field, moment in (("opens", call.opens_at), ("closes", call.closes_at)):
            if moment:
                local = moment.astimezone(PARIS)
                getattr(form, f"{field}_on").data, getattr(form, f"{field}_time").data = local.date(), local.time()
        while len(form.strands.entries) <= len(call.strands):
            form.strands.append_entry()
    if call is None and request.method == "GET":
        form.eligibility_checklist.data = "\n".join(call_operations.DEFAULT_CHECKLIST)
    if call is not None and call.workflow_version_id:
        form.workflow_name.render_kw = {"disabled": True}
        form.workflow_name.data = call.workflow_name
    return form


@bp.route("/nouveau", methods=["GET", "POST"])
@allow(role("admin"))
def create():
    form = _call_form()
    if form.validate_on_submit():
        call = call_operations.create_call(form.data)
        db.session.commit()
        flash(_("L'appel « %(title)s » est créé en brouillon. Publiez-le quand il est prêt.", title=call.title),
              "success")
        return redirect(url_for("calls.index"))
    return render_template("calls/form.html", form=form, call=None), 400 if form.errors else 200


@bp.route("/<int:call_id>/modifier", methods=["GET", "POST"])
@allow(role("admin"))
def edit(call_id):
    call = get_or_404(Call, call_id, "manage")
    form = _call_form(call)
    if call.workflow_version_id:
        form.workflow_name.data = call.workflow_name
    if form.validate_on_submit():
        try:
            call_operations.update_call(call, form.data)
        except call_operations.CallRefused as refusal:
            db.session.rollback()
            form.strands.errors = [*form.strands.errors, str(refusal)]
        else:
            db.session.commit()
            flash(_("Les réglages de l'appel sont enregistrés."), "success")
            return redirect(url_for("calls.index"))
    return render_template("calls/form.html", form=form, call=call), 400 if form.errors else 200


@bp.post("/<int:call_id>/ouvrir")
@allow(role("admin"))
def open_call(call_id):
    call = get_or_404(Call, call_id, "manage")
    try:
        version = call_operations.publish(call)
    except call_operations.CallRefused as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("calls.index"))
    except schema.InvalidWorkflow as invalid:
        db.session.rollback()
        flash(_("Publication impossible, le cycle de traitement est invalide : %(errors)s",
                errors="; ".join(str(e) for e in invalid.errors)), "error")
        return redirect(url_for("calls.index"))
    db.session.commit()
    flash(_("L'appel est publié ; ses dossiers suivront %(version)s.", version=str(version)), "success")
    return redirect(url_for("calls.index"))


@bp.post("/<int:call_id>/etat/<action>")
@allow(role("admin"))
def change_state(call_id, action):
    call = get_or_404(Call, call_id, "manage")
    if action not in call_operations.LIFECYCLE:
        abort(404)
    try:
        call_operations.change_state(call, action)
    except call_operations.CallRefused as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("calls.index"))
    db.session.commit()
    flash(_("L'appel « %(title)s » est maintenant : %(state)s.", title=call.title, state=STATE_LABELS[call.state]),
          "success")
    return redirect(url_for("calls.index"))


@bp.route("/<int:call_id>/formulaire", methods=["GET", "POST"])
@allow(role("admin"))
def edit_form(call_id):
    call = get_or_404(Call, call_id, "manage")
    form = ApplicationFormForm(source=call.form_version.source if call.form_version else default_source())
    if form.validate_on_submit():
        try:
            version = call_operations.save_form(call, form.source.data)
        except DefinitionError as invalid:
            form.source.errors = [*form.source.errors, *invalid.problems]
        else:
            db.session.commit()
            flash(_("Le formulaire est enregistré (version %(n)d). Les dossiers déjà commencés gardent la version "
                    "qu'ils ont remplie.", n=version.number), "success")
            return redirect(url_for("calls.edit_form", call_id=call.id))
    preview = None
    try:
        preview = parse_source(form.source.data or "")
    except DefinitionError:
        pass
    return render_template("calls/form_editor.html", call=call, form=form, preview=preview), \
        400 if form.errors else 200
