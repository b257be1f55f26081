"""Files attached to a dossier: the call's required pieces, and any other the holder wants to add."""
from datetime import datetime


from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import StoredFileColumns, UTCDateTime, utcnow
from aap.core.storage import StoredFile
from aap.extensions import db

OTHER = "autre"


class Attachment(StoredFileColumns, db.Model):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    #: key of the call's required attachment it answers, or "autre"
    kind: Mapped[str] = mapped_column(String(60))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    dossier = relationship("Dossier", back_populates="attachments")

    def can(self, action: str, user) -> bool:
        if action == "view":
            return self.dossier.can("view", user)
        return self.dossier.can("edit", user)


def attach(dossier, kind: str, stored: StoredFile, user) -> Attachment:
    """A required piece replaces the previous file for that piece; other pieces accumulate."""
    if kind != OTHER:
        for previous in [a for a in dossier.attachments if a.kind == kind]:
            dossier.attachments.remove(previous)
    attachment = Attachment(kind=kind, stored_file=stored, uploaded_by_id=user.id)
    dossier.attachments.append(attachment)
    return attachment

