"""The mail outbox: a row written with the change that causes it, sent by a job after the commit."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aap.core.models import TimestampMixin, UTCDateTime
from aap.extensions import db

MAIL_STATES = ("pending", "sent", "failed")


class Mail(TimestampMixin, db.Model):
    __tablename__ = "mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    template: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    #: "smtp" or "mailbox" (the development mailbox, which keeps the mail here and sends nothing)
    transport: Mapped[str | None] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def can(self, action: str, user) -> bool:
        return user.is_authenticated and user.is_admin

    @property
    def message_id_key(self) -> str:
        return f"aap-mail-{self.id}"
