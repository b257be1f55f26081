"""Every write of the calls domain; nothing here commits."""
import re
from datetime import datetime

from flask_babel import gettext as _

from aap.calls.models import Call, Strand
from aap.core.formatting import PARIS
from aap.core.signals import call_schedule_changed
from aap.core.text import sort_key
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.questionnaire.definition import default_source, parse_source
from aap.questionnaire.models import FormVersion
from aap.workflow import operations as workflow_operations

TRANSITIONS = {"close": ("published", "closed"), "archive": ("closed", "archived"), "reopen": ("closed", "published")}


class CallRefused(ValueError):
    pass


def paris_to_utc(day, moment) -> datetime:
    """A date and time typed in Europe/Paris, honouring daylight saving time, as an aware UTC datetime."""
    from datetime import timezone

    return datetime.combine(day, moment).replace(tzinfo=PARIS).astimezone(timezone.utc)


def attachment_key(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", sort_key(label)).strip("-")[:60] or "piece"


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def apply_form(call: Call, form) -> None:
    for name in ("title", "year", "edition", "description", "total_envelope", "min_amount", "max_amount",
                 "max_share_percent", "eligible_legal_forms", "eligible_communes", "min_age_years",
                 "max_age_years"):
        setattr(call, name, getattr(form, name).data)
    if call.workflow_version_id is None:
        call.workflow_name = form.workflow_name.data
    call.funders = _lines(form.funders.data)
    call.required_attachments = [{"key": attachment_key(label), "label": label}
                                 for label in _lines(form.required_attachments.data)]
    call.opens_at = paris_to_utc(form.opens_on.data, form.opens_time.data)
    closes_at = paris_to_utc(form.closes_on.data, form.closes_time.data)
    if closes_at != call.closes_at:
        call.closes_at = closes_at
        if call.id is not None:
            call_schedule_changed.send(call)
    _sync_strands(call, [entry.form for entry in form.strands.entries if (entry.form.name.data or "").strip()])


def _sync_strands(call: Call, entries) -> None:
    kept = []
    for position, entry in enumerate(entries):
        strand = call.strands[position] if position < len(call.strands) else Strand()
        strand.name, strand.envelope = entry.name.data.strip(), entry.envelope.data
        strand.description, strand.position = entry.description.data or "", position
        kept.append(strand)
    removed = [s for s in call.strands if s not in kept and s.id is not None]
    if removed:
        used = db.session.execute(db.select(Dossier.id).where(Dossier.strand_id.in_([s.id for s in removed]))
                                  .limit(1)).first()
        if used:
            raise CallRefused(_("Un volet retiré est déjà choisi par des dossiers : renommez-le plutôt que de le "
                                "supprimer."))
    call.strands = kept


def create_call(form) -> Call:
    call = Call(state="draft", funders=[], required_attachments=[], eligible_legal_forms=[], eligible_communes=[])
    apply_form(call, form)
    db.session.add(call)
    db.session.flush()
    save_form(call, default_source())
    return call


def save_form(call: Call, source: str) -> FormVersion:
    """A new version of the application form; dossiers already started keep theirs."""
    parse_source(source)
    number = (call.form_version.number + 1) if call.form_version else 1
    version = FormVersion(call_id=call.id, number=number, source=source)
    db.session.add(version)
    db.session.flush()
    call.form_version = version
    return version


def publish(call: Call):
    if call.state != "draft":
        raise CallRefused(_("Cet appel est déjà publié : son workflow est fixé."))
    if call.closes_at is None:
        raise CallRefused(_("Indiquez la date de clôture avant de publier l'appel."))
    return workflow_operations.open_call(call)


def change_state(call: Call, action: str) -> None:
    source, target = TRANSITIONS[action]
    if call.state != source:
        raise CallRefused(_("Cette action n'est pas possible pour un appel dans cet état."))
    call.state = target
    call_schedule_changed.send(call)
