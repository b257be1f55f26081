"""An administrator's message to a filtered set of people."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import TimestampMixin, UTCDateTime
from aap.extensions import db


class BulkMessage(TimestampMixin, db.Model):
    """An admin's message to a filtered set of people: drafted, held for review, then released."""

    __tablename__ = "bulk_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    #: the filter that chose the recipients, kept to show who it was for
    audience: Mapped[dict] = mapped_column(JSON, default=dict)
    #: held (mails written, waiting), sent (released) or cancelled
    status: Mapped[str] = mapped_column(String(10), default="held")
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    author = relationship("User", foreign_keys=[author_id])

    def can(self, action: str, user) -> bool:
        """Admins manage it; once sent, each recipient may read it."""
        if not user.is_authenticated:
            return False
        if user.is_admin:
            return True
        return action == "view" and self.status == "sent" and user.id in self.audience.get("user_ids", [])
