"""What the instruction shows on the dossier page: the checklist, the reasons of an ineligibility, the notes."""
from flask import g
from sqlalchemy.orm import joinedload

from aap.dossiers.panels import DossierPanel, rendered_panel
from aap.extensions import db
from aap.instruction import checklist, operations
from aap.instruction.forms import ChecklistForm, NoteForm
from aap.instruction.models import InternalNote
from aap.workflow.models import AuditRecord

ELIGIBILITY_ORDER, NOTES_ORDER = 10, 90


def _forms() -> dict:
    return g.get("instruction_forms", {})


def eligibility_panel(dossier, user, rights, **ignored) -> DossierPanel | None:
    """Staff read the checklist and tick it while it is open; holders read why their dossier is ineligible."""
    if not rights.view:
        return None
    if not rights.staff_view:
        return _reasons_panel(dossier)
    items = checklist.items_of(dossier)
    if not items or dossier.reference is None:
        return None
    ticks = checklist.ticks_of(dossier)
    editable = bool(checklist.deciding_transitions(dossier, user))
    form = _forms().get("eligibility")
    if form is None and editable:
        form = ChecklistForm(items, formdata=None, prefix="eligibility", data={"ticked": list(ticks)})
    if form is not None:
        form.version.data = checklist.fingerprint(ticks)  # a refused form is sent again against what is now saved
    return rendered_panel(ELIGIBILITY_ORDER, "instruction/_eligibility.html", dossier=dossier, items=items,
                          ticks=ticks, form=form, editable=editable)


def _reasons_panel(dossier) -> DossierPanel | None:
    """The holder's side: the reasons of the ineligibility decision, when it is the dossier's last step."""
    record = db.session.execute(db.select(AuditRecord).where(
        AuditRecord.dossier_id == dossier.id, AuditRecord.sequence == dossier.audit_count)).scalar_one_or_none()
    decision = (record.payload.get("eligibility") or {}) if record is not None and record.holder_visible else {}
    if decision.get("decision") != "ineligible":
        return None
    return rendered_panel(ELIGIBILITY_ORDER, "instruction/_reasons.html", record=record,
                          reasons=record.payload.get("reasons", []))


def notes_panel(dossier, user, rights, **ignored) -> DossierPanel | None:
    if not rights.internal_notes:
        return None
    notes = db.session.execute(db.select(InternalNote).where(InternalNote.dossier_id == dossier.id)
                               .options(joinedload(InternalNote.author))
                               .order_by(InternalNote.created_at, InternalNote.id)).scalars().all()
    form = _forms().get("note") or NoteForm(formdata=None, prefix="note")
    if not form.token.data:
        form.token.data = operations.new_note_token()
    return rendered_panel(NOTES_ORDER, "instruction/_notes.html", dossier=dossier, notes=notes, form=form)
