"""Every write of the calls domain; nothing here commits."""
import re
from datetime import datetime, timezone

from flask_babel import gettext as _

from aap.calls.models import Call, Strand
from aap.core.formatting import PARIS
from aap.core.signals import call_schedule_changed, strands_removing
from aap.core.text import sort_key
from aap.extensions import db
from aap.questionnaire.definition import default_source, parse_source
from aap.questionnaire.models import FormVersion
from aap.workflow.models import WorkflowVersion
from aap.workflow.operations import load_named, pin_version

LIFECYCLE = {"close": ("published", "closed"), "archive": ("closed", "archived"), "reopen": ("closed", "published")}


class CallRefused(ValueError):
    pass


def paris_to_utc(day, moment) -> datetime:
    """A date and time typed in Europe/Paris, honouring daylight saving time, as an aware UTC datetime."""
    return datetime.combine(day, moment).replace(tzinfo=PARIS).astimezone(timezone.utc)


def attachment_key(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", sort_key(label)).strip("-")[:60] or "piece"


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


#: what a new call asks its instructors to check before declaring a dossier eligible; each call edits its own
DEFAULT_CHECKLIST = (
    "La structure relève de l'économie sociale et solidaire",
    "Le siège ou l'activité est sur le territoire de l'appel",
    "Les pièces demandées sont fournies et valides",
    "Le budget prévisionnel est équilibré",
    "Le projet est conforme à l'objet de l'appel",
)

CALL_FIELDS = ("title", "year", "edition", "description", "total_envelope", "min_amount", "max_amount",
               "max_share_percent", "eligible_legal_forms", "eligible_communes", "min_age_years", "max_age_years",
               "hide_holder_identity", "scores_in_session")
#: left as they are when the form leaves them empty
REVIEW_NUMBERS = ("reviews_per_dossier", "groups_per_dossier", "review_days")


def update_call(call: Call, data: dict) -> None:
    """Set a call from plain values (the call form's data): Paris dates and times, one funder or piece per line."""
    for name in CALL_FIELDS:
        setattr(call, name, data[name])
    for name in REVIEW_NUMBERS:
        if data.get(name) is not None:
            setattr(call, name, data[name])
    if call.workflow_version_id is None:
        call.workflow_name = data["workflow_name"]
    call.funders = _lines(data["funders"])
    call.required_attachments = [{"key": attachment_key(label), "label": label}
                                 for label in _lines(data["required_attachments"])]
    call.eligibility_checklist = _lines(data["eligibility_checklist"])
    call.opens_at = paris_to_utc(data["opens_on"], data["opens_time"])
    closes_at = paris_to_utc(data["closes_on"], data["closes_time"])
    if closes_at != call.closes_at:
        call.closes_at = closes_at
        if call.id is not None:
            call_schedule_changed.send(call)
    _sync_strands(call, [entry for entry in data["strands"] if (entry.get("name") or "").strip()])


def _sync_strands(call: Call, entries: list[dict]) -> None:
    kept = []
    for position, entry in enumerate(entries):
        strand = call.strands[position] if position < len(call.strands) else Strand()
        strand.name, strand.envelope = entry["name"].strip(), entry["envelope"]
        strand.description, strand.position = entry.get("description") or "", position
        kept.append(strand)
    removed = [s for s in call.strands if s not in kept and s.id is not None]
    if removed:
        refusals = [reason for _receiver, reason in strands_removing.send(call, strands=removed) if reason]
        if refusals:
            raise CallRefused(" ".join(refusals))
    call.strands = kept


def create_call(data: dict) -> Call:
    call = Call(state="draft", funders=[], required_attachments=[], eligible_legal_forms=[], eligible_communes=[])
    update_call(call, data)
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
        raise CallRefused(_("Cet appel est déjà publié : son cycle de traitement est fixé."))
    if call.closes_at is None:
        raise CallRefused(_("Indiquez la date de clôture avant de publier l'appel."))
    return open_call(call)


def open_call(call: Call) -> WorkflowVersion:
    """Publishing pins the workflow as it is now; later edits of the file never reach the call's dossiers."""
    call.workflow_version = pin_version(load_named(call.workflow_name))
    call.state = "published"
    return call.workflow_version


def change_state(call: Call, action: str) -> None:
    source, target = LIFECYCLE[action]
    if call.state != source:
        raise CallRefused(_("Cette action n'est pas possible pour un appel dans cet état."))
    call.state = target
    call_schedule_changed.send(call)
