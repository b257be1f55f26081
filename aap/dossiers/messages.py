"""The thread between a dossier's holders and the instruction team, with attachments."""
from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import StoredFileColumns, UTCDateTime, utcnow
from aap.dossiers.access import access
from aap.extensions import db

MAX_BODY = 10000


class Message(StoredFileColumns, db.Model):
    __tablename__ = "dossier_messages"
    file_optional = True

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: true when written by the authority's staff, false when written by a holder
    from_staff: Mapped[bool]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author = relationship("User")
    dossier = relationship("Dossier")

    def can(self, action: str, user) -> bool:
        return action == "view" and access(user, self.dossier).thread
