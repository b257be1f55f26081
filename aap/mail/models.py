"""The outbox: a Mail row is written in the same transaction as its cause, and sent after the commit.

The periodic relay sends whatever a lost job left behind. Rendering happens at delivery, so a template
error ends as a recorded failure rather than a refused change.
"""
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import TimestampMixin, UTCDateTime
from aap.extensions import db

#: held: waits for an admin's release (bulk messages); sending: claimed by a worker right now
MAIL_STATES = ("held", "pending", "sending", "sent", "failed")


#: the mailbox's text search: trigram indexes on PostgreSQL (ILIKE '%…%' uses them); SQLite scans, bounded
SEARCHED = ("to_address", "subject", "template")


class Mail(TimestampMixin, db.Model):
    __tablename__ = "mails"
    #: the mailbox sorts on the date and the recipient (the state has its own index)
    __table_args__ = (Index("ix_mails_created_at_id", "created_at", "id"),
                      Index("ix_mails_to_address_id", "to_address", "id"),
                      #: the queue page's figures: mails waiting since, sent in the last day
                      Index("ix_mails_status_created_at", "status", "created_at"),
                      Index("ix_mails_status_sent_at", "status", "sent_at"),
                      *(Index(f"ix_mails_{column}_trgm", column, postgresql_using="gin",
                              postgresql_ops={column: "gin_trgm_ops"}, info={"only_on": "postgresql"})
                        .ddl_if(dialect="postgresql") for column in SEARCHED))

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
    #: files made at delivery: [{"builder", "args", "filename", "mimetype"}] (aap.mail.attachments)
    attachments: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
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
