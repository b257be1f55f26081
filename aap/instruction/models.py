"""What the instruction keeps beside a dossier: the eligibility points ticked, and the staff's internal notes."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import UTCDateTime, utcnow
from aap.extensions import db

#: an internal note is a few paragraphs, not a document
MAX_NOTE = 5000


class EligibilityTick(db.Model):
    """One point of the call's eligibility checklist that an instructor found met for this dossier."""

    __tablename__ = "eligibility_ticks"
    __table_args__ = (UniqueConstraint("dossier_id", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    #: the point's text as the call lists it; a point renamed in the call is to be ticked again
    item: Mapped[str] = mapped_column(String(200))
    ticked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: kept for a deleted account, as the audit trail does
    ticked_by_label: Mapped[str] = mapped_column(String(254))
    ticked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    ticked_by = relationship("User")


class InternalNote(db.Model):
    """A dated, signed note of the staff on a dossier; never shown to its holders, never changed once written."""

    __tablename__ = "internal_notes"
    __table_args__ = (UniqueConstraint("dossier_id", "token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_label: Mapped[str] = mapped_column(String(254))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: the random token of the form that wrote it: the same form sent twice writes one note
    token: Mapped[str] = mapped_column(String(64))

    author = relationship("User")
