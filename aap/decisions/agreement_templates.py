"""The agreement template a call uses: the default shipped with the application, or the call's own latest version.

Saving checks the text (aap.decisions.templating) before anything is written: a refused template saves nothing.
"""
import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from aap.calls.models import Call
from aap.decisions.agreement_models import AgreementTemplate
from aap.decisions.agreement_values import CATALOGUE, SAMPLE
from aap.decisions.templating import TemplateRefused, check
from aap.extensions import db

DEFAULT_TEMPLATE = "decisions/agreements/convention.md"
#: the newline browsers send in a text area
CRLF = "\r\n"


@dataclass(frozen=True)
class TemplateInUse:
    source: str
    #: the call's version, or None for the shipped default
    row: AgreementTemplate | None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.source.encode()).hexdigest()


def default_source() -> str:
    """The shipped default, read as text: it is rendered by the sandbox, never by the pages' own environment."""
    source, _filename, _uptodate = current_app.jinja_loader.get_source(current_app.jinja_env, DEFAULT_TEMPLATE)
    return source


def latest(call_id: int) -> AgreementTemplate | None:
    return db.session.execute(select(AgreementTemplate).where(AgreementTemplate.call_id == call_id)
                              .order_by(AgreementTemplate.version.desc()).limit(1)).scalar_one_or_none()


def in_use(call_id: int) -> TemplateInUse:
    row = latest(call_id)
    return TemplateInUse(row.source if row else default_source(), row)


def versions(call_id: int) -> list[AgreementTemplate]:
    return list(db.session.execute(select(AgreementTemplate).where(AgreementTemplate.call_id == call_id)
                                   .order_by(AgreementTemplate.version.desc())).scalars())


def version_of(call_id: int, number: int) -> AgreementTemplate | None:
    return db.session.execute(select(AgreementTemplate).where(AgreementTemplate.call_id == call_id,
                                                              AgreementTemplate.version == number)).scalar_one_or_none()


def normalised(source: str) -> str:
    return source.replace(CRLF, "\n")


def save_template(call: Call, source: str, user, now: datetime) -> AgreementTemplate | None:
    """A new version of the call's template, once checked; None when it is the call's version in use already."""
    source = normalised(source)
    if not source.strip():
        raise TemplateRefused([_("Le modèle est vide : écrivez le texte de la convention.")])
    check(source, CATALOGUE, SAMPLE)
    _lock(call)
    current = latest(call.id)
    if current is not None and current.source == source:
        return None
    number = (db.session.execute(select(func.max(AgreementTemplate.version))
                                 .where(AgreementTemplate.call_id == call.id)).scalar() or 0) + 1
    row = AgreementTemplate(call_id=call.id, version=number, source=source, saved_by_id=user.id, saved_at=now)
    db.session.add(row)
    db.session.flush()
    return row


def _lock(call: Call) -> None:
    """Two administrators saving at once get two numbered versions, not one refused by the unique key."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Call.id).where(Call.id == call.id).with_for_update())
