"""The outbox (Mail), the in-app centre (Notification), preferences and reminders.

A Mail row is written in the same transaction as its cause; a job sends it after the commit and
the periodic relay sends whatever a lost job left behind. Rendering happens at delivery, so a
template error ends as a recorded failure rather than a refused change.
"""
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import TimestampMixin, UTCDateTime
from aap.extensions import db

#: held: waits for an admin's release (bulk messages); sending: claimed by a worker right now
MAIL_STATES = ("held", "pending", "sending", "sent", "failed")
CHANNELS = ("immediate", "digest", "off")


class Mail(TimestampMixin, db.Model):
    __tablename__ = "mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: one mail per key: a second queue_mail with the same key returns the first
    idempotency_key: Mapped[str] = mapped_column(String(160), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: addressed to an account: if the account is gone or disabled at delivery, nothing is sent
    for_user: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    to_address: Mapped[str] = mapped_column(String(254))
    template: Mapped[str] = mapped_column(String(80))
    locale: Mapped[str] = mapped_column(String(5), default="fr", server_default="fr")
    #: JSON values the template is rendered with (datetimes tagged, see notifications.context)
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    subject: Mapped[str] = mapped_column(String(300), default="", server_default="")
    body_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    body_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    #: "smtp" or "mailbox" (the development mailbox, which keeps the mail here and sends nothing)
    transport: Mapped[str | None] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    bulk_message_id: Mapped[int | None] = mapped_column(ForeignKey("bulk_messages.id", ondelete="SET NULL"),
                                                        index=True)

    user = relationship("User", foreign_keys=[user_id])

    def can(self, action: str, user) -> bool:
        return user.is_authenticated and user.is_admin

    @property
    def message_id_key(self) -> str:
        return f"aap-mail-{self.id}"


class Notification(TimestampMixin, db.Model):
    """What a person sees in the app's notification centre, whatever their mail preference."""

    __tablename__ = "notifications"

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
