"""The instructor ticks the eligibility checklist; the staff write internal notes. Both on the dossier page."""
from flask import Blueprint, abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aap.core.permissions import allow, get_or_404, signed_in
from aap.dossiers.access import access
from aap.dossiers.models import Dossier
from aap.dossiers.views import render_dossier
from aap.extensions import db
from aap.instruction import checklist, operations
from aap.instruction.forms import ChecklistForm, NoteForm

bp = Blueprint("instruction", __name__, url_prefix="/dossiers")
#: the forms a refused request gives back to the panels, with what was typed and why it was refused
FORMS = "instruction_forms"


def _dossier(dossier_id: int, right: str) -> Dossier:
    """Someone without the right does not learn that the checklist or the notes exist: 404."""
    dossier = get_or_404(Dossier, dossier_id)
    if not getattr(access(current_user, dossier), right):
        abort(404)
    return dossier


def _again(dossier_id: int, name: str, form, status: int):
    g.setdefault(FORMS, {})[name] = form
    return render_dossier(db.session.get(Dossier, dossier_id), status=status)


@bp.post("/<int:dossier_id>/recevabilite")
@allow(signed_in)
def save_checklist(dossier_id):
    dossier = _dossier(dossier_id, "staff_view")
    form = ChecklistForm(checklist.items_of(dossier), prefix="eligibility")
    if not form.validate_on_submit():
        return _again(dossier_id, "eligibility", form, 400)
    try:
        changed = operations.save_ticks(dossier.id, current_user, form.ticked.data or [], form.version.data)
        db.session.commit()
    except operations.InstructionRefused as refusal:
        db.session.rollback()
        form.form_errors.append(refusal.message)
        return _again(dossier_id, "eligibility", form, refusal.status)
    flash(_("La recevabilité est enregistrée.") if changed else _("Ces coches étaient déjà enregistrées : "
                                                                   "rien n'a changé."), "success")
    return redirect(url_for("dossiers.show", dossier_id=dossier_id, _anchor="eligibility-title"))


@bp.post("/<int:dossier_id>/notes-internes")
@allow(signed_in)
def add_note(dossier_id):
    dossier = _dossier(dossier_id, "internal_notes")
    form = NoteForm(prefix="note")
    if not form.validate_on_submit():
        return _again(dossier_id, "note", form, 400)
    try:
        note = operations.add_note(dossier, current_user, form.body.data,
                                   form.token.data or operations.new_note_token())
        db.session.commit()
    except operations.InstructionRefused as refusal:
        db.session.rollback()
        form.body.errors = [*form.body.errors, refusal.message]
        return _again(dossier_id, "note", form, refusal.status)
    flash(_("La note interne est enregistrée.") if note else _("Cette note était déjà enregistrée : "
                                                              "elle n'a pas été ajoutée une seconde fois."), "success")
    return redirect(url_for("dossiers.show", dossier_id=dossier_id, _anchor="notes-title"))
