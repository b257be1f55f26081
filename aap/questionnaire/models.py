"""Versions of a call's application form: a dossier keeps the version it was started with."""
from functools import cached_property, lru_cache

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from aap.core.models import TimestampMixin
from aap.extensions import db
from aap.questionnaire.definition import Definition, parse_source


@lru_cache(maxsize=128)
def _parsed(source: str) -> Definition:
    """A stored form never changes: parsed once per process and text (a refused text is not kept)."""
    return parse_source(source)


class FormVersion(TimestampMixin, db.Model):
    __tablename__ = "form_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    #: the form as YAML, exactly as the administrator wrote it
    source: Mapped[str] = mapped_column(Text)

    @cached_property
    def definition(self) -> Definition:
        return _parsed(self.source)
