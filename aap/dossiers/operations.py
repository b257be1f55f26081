"""Every write of the dossiers domain; nothing here commits."""
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from aap.core.models import utcnow
from aap.core.signals import dossier_started
from aap.core.urls import external_url
from aap.dossiers.messages import Message
from aap.dossiers.models import Dossier
from aap.dossiers.notifications import recipients
from aap.extensions import db
from aap.notifications.operations import notify
from aap.questionnaire.forms import field_name, to_answer
from aap.workflow import audit
from aap.workflow.engine import workflow_of_version

DRAFT_FIELDS = ("title", "summary", "requested_amount", "strand_id", "public_summary", "publication_consent")
#: the audit record of an administrator opening a draft for support
SUPPORT_ACCESS = "support_access"


class StaleDossier(Exception):
    """Someone else saved the dossier since this form was opened: nothing of this save was written."""


def save_draft(dossier: Dossier, data: dict, expected_version: str | None = None) -> None:
    """Save what was typed, complete or not: completeness is checked at submission.

    With `expected_version`, the save is refused when the dossier changed since the form showed it,
    whether before this request or while it ran (the version column's UPDATE then matches no row):
    the caller rolls back.
    """
    if expected_version is not None and expected_version != str(dossier.lock_version):
        raise StaleDossier()
    _set_fields(dossier, data)
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleDossier() from None


def _set_fields(dossier: Dossier, data: dict) -> None:
    for name in DRAFT_FIELDS:
        value = data.get(name)
        setattr(dossier, name, value.strip() if isinstance(value, str) else value)
    if dossier.form_version is not None:
        answers = {}
        for field in dossier.form_version.definition.fields():
            if field_name(field.key) in data:
                value = to_answer(field, data[field_name(field.key)])
                if value not in (None, {}):
                    answers[field.key] = value.strip() if isinstance(value, str) else value
        dossier.answers = answers


def start_dossier(call, organisation, user, now=None, **fields) -> Dossier:
    """The holder's first step: an empty draft of this organisation for this call, in the call's workflow."""
    if call.workflow_version is None:
        raise ValueError("the call has not been opened")
    workflow = workflow_of_version(call.workflow_version)
    now = now or utcnow()
    dossier = Dossier(call=call, organisation=organisation, workflow_version=call.workflow_version,
                      form_version_id=call.form_version_id, answers={}, state=workflow.initial,
                      state_entered_at=now, **fields)
    db.session.add(dossier)
    db.session.flush()
    audit.append(dossier, transition="create", from_state=None, to_state=workflow.initial, actor=user, at=now)
    dossier_started.send(dossier)
    return dossier


def refuse_removing_used_strands(call, strands, **ignored) -> str | None:
    """Receiver of strands_removing: a strand that dossiers chose cannot go."""
    used = db.session.execute(db.select(Dossier.id).where(Dossier.strand_id.in_([s.id for s in strands]))
                              .limit(1)).first()
    if used:
        return _("Un volet retiré est déjà choisi par des dossiers : renommez-le plutôt que de le supprimer.")
    return None


def post_message(dossier, author, body: str, stored=None) -> Message:
    message = Message(dossier_id=dossier.id, author_id=author.id, from_staff=author.is_staff, body=body.strip())
    if stored is not None:
        message.stored_file = stored
    db.session.add(message)
    db.session.flush()
    readers = recipients(dossier, "holder") if message.from_staff else recipients(dossier, "instructors")
    for reader in readers:
        if reader.id != author.id:
            notify(reader, "dossier_message", dossier_title=dossier.title or f"n° {dossier.id}",
                   dossier_number=dossier.id,
                   author=author.display_name if message.from_staff is False else None, body=message.body,
                   link=external_url("dossiers.show", dossier_id=dossier.id) + "#messages-title")
    return message


def record_support_access(dossier: Dossier, admin, reason: str) -> None:
    """An administrator opens a draft for support: the opening goes into the history that its holders read."""
    audit.append(dossier, transition=SUPPORT_ACCESS, from_state=dossier.state, to_state=dossier.state, actor=admin,
                 at=utcnow(), comment=reason.strip())
