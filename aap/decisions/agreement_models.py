"""The agreement templates of a call: each save by an administrator is a new version, and an agreement records the one
it was generated from. A call without any uses the default template shipped with the application."""
from datetime import datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import TimestampMixin, UTCDateTime
from aap.extensions import db


class AgreementTemplate(TimestampMixin, db.Model):
    """One version of a call's agreement template (Markdown with the sandbox's tags), never changed once saved."""

    __tablename__ = "agreement_templates"
    __table_args__ = (UniqueConstraint("call_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    #: 1, 2, 3… within the call
    version: Mapped[int]
    source: Mapped[str] = mapped_column(Text)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())

    saved_by = relationship("User")
