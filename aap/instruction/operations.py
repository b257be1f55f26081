"""Every write of the instruction; nothing here commits."""
import secrets

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from aap.core.models import utcnow
from aap.extensions import db
from aap.instruction import checklist
from aap.instruction.models import MAX_NOTE, EligibilityTick, InternalNote
from aap.workflow import engine


class InstructionRefused(Exception):
    """Nothing was written; the message says why, the status how the page answers."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message, self.status = message, status


def save_ticks(dossier_id: int, user, ticked: list[str], version: str | None) -> bool:
    """Tick exactly these points; False when they already were. Refused on a stale form, in the wrong state."""
    dossier = engine.lock(dossier_id)  # a decision taken meanwhile waits, then reads these ticks
    if not checklist.is_open(dossier):
        raise InstructionRefused(_("La recevabilité ne se coche plus : le dossier est à l'état « %(state)s ».",
                                   state=engine.workflow_of(dossier).state_label(dossier.state)), 409)
    if not checklist.deciding_transitions(dossier, user):
        raise InstructionRefused(_("Votre rôle ne permet pas de vérifier la recevabilité de ce dossier."), 403)
    items, current = checklist.items_of(dossier), checklist.ticks_of(dossier)
    unknown = set(ticked) - set(items)
    if unknown:
        raise InstructionRefused(_("Ce point ne fait pas partie de la liste de recevabilité de l'appel : %(items)s.",
                                   items=" ; ".join(sorted(unknown))), 400)
    if set(ticked) == set(current):
        return False  # the same form sent twice, or nothing changed
    if version != checklist.fingerprint(current):
        raise InstructionRefused(_("Quelqu'un a modifié la recevabilité de ce dossier depuis que vous avez ouvert "
                                   "la page : vos coches n'ont pas été enregistrées. Elles sont reprises ci-dessous ; "
                                   "vérifiez-les, puis enregistrez de nouveau."), 409)
    for item, tick in current.items():
        if item not in ticked:
            db.session.delete(tick)
    now = utcnow()
    for item in items:
        if item in ticked and item not in current:
            db.session.add(EligibilityTick(dossier_id=dossier.id, item=item, ticked_by_id=user.id,
                                           ticked_by_label=user.email, ticked_at=now))
    db.session.flush()
    return True


def new_note_token() -> str:
    return secrets.token_urlsafe(24)


def add_note(dossier, author, body: str, token: str) -> InternalNote | None:
    """Write one note; None when this form's note was already written (a double click, a replayed request)."""
    body = body.strip()
    if not body or len(body) > MAX_NOTE:
        raise InstructionRefused(_("Une note compte de 1 à %(n)d caractères.", n=MAX_NOTE), 400)
    if _note_exists(dossier, token):
        return None
    note = InternalNote(dossier_id=dossier.id, author_id=author.id, author_label=author.email, body=body,
                        token=token, created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(note)
    except IntegrityError:
        return None  # the same form, sent at the same moment, won the race
    return note


def _note_exists(dossier, token: str) -> bool:
    return db.session.execute(db.select(InternalNote.id).where(
        InternalNote.dossier_id == dossier.id, InternalNote.token == token)).first() is not None
