"""The in-app notification centre (Notification), mail preferences and planned reminders."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aap.core.models import TimestampMixin, UTCDateTime
from aap.extensions import db

CHANNELS = ("immediate", "digest", "off")


class Notification(TimestampMixin, db.Model):
    """What a person sees in the app's notification centre, whatever their mail preference."""

    __tablename__ = "notifications"
    #: the unread badge of every signed-in page counts from this index
    __table_args__ = (Index("ix_notifications_user_id_read_at", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    template: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    link: Mapped[str | None] = mapped_column(String(500))
    #: immediate, digest or off, as decided when it was written
    channel: Mapped[str] = mapped_column(String(10))
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    digest_mail_id: Mapped[int | None] = mapped_column(ForeignKey("mails.id", ondelete="SET NULL"))

    def can(self, action: str, user) -> bool:
        return user.is_authenticated and user.id == self.user_id


class NotificationPreference(db.Model):
    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))


class Reminder(TimestampMixin, db.Model):
    """A reminder planned for a date; recomputed when dates change, sent once, dropped once moot."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("kind", "subject_id", "offset"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    #: the id of what the reminder is about (a dossier for draft reminders)
    subject_id: Mapped[int] = mapped_column(index=True)
    #: which of the kind's reminders, e.g. "7d" or "1d" before the deadline
    offset: Mapped[str] = mapped_column(String(10))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: scheduled, sent or cancelled
    status: Mapped[str] = mapped_column(String(10), default="scheduled", index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
