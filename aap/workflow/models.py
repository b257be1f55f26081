"""Pinned workflow versions, the hash-chained audit trail and the record of version migrations."""
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import TimestampMixin, UTCDateTime, utcnow
from aap.extensions import db


class WorkflowVersion(TimestampMixin, db.Model):
    """A workflow file as it was when a call opened: dossiers follow this copy, not the file."""

    __tablename__ = "workflow_versions"
    __table_args__ = (UniqueConstraint("name", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    version: Mapped[int]
    source: Mapped[str] = mapped_column(Text)
    #: sha256 of the source
    digest: Mapped[str] = mapped_column(String(64))

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def can(self, action: str, user) -> bool:
        return user.is_authenticated and user.is_admin


class AuditRecord(db.Model):
    __tablename__ = "audit_records"
    __table_args__ = (UniqueConstraint("dossier_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    #: 1, 2, 3… within the dossier
    sequence: Mapped[int]
    transition: Mapped[str] = mapped_column(String(80))
    from_state: Mapped[str | None] = mapped_column(String(60))
    to_state: Mapped[str] = mapped_column(String(60))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: who acted, kept as text so the record still reads after the account is gone ("system" for timers)
    actor_label: Mapped[str] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    comment: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    #: shown on the holder's timeline
    holder_visible: Mapped[bool] = mapped_column(default=True)
    previous_hash: Mapped[str] = mapped_column(String(64))
    #: HMAC-SHA256 of the record under AUDIT_KEY, a key kept outside the database
    hash: Mapped[str] = mapped_column(String(64))
    #: number of the first signed checkpoint that counted this record (outside the hash: set afterwards)
    checkpoint: Mapped[int | None] = mapped_column(index=True)

    actor = relationship("User")

    @classmethod
    def stored_file_keys(cls, session) -> Iterator[str]:
        """The files that actions carried, for `aap storage check`."""
        payloads = session.execute(select(cls.payload).execution_options(yield_per=500)).scalars()
        return (payload["file"]["key"] for payload in payloads if isinstance(payload, dict) and "file" in payload)


class WorkflowMigration(TimestampMixin, db.Model):
    __tablename__ = "workflow_migrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    from_version_id: Mapped[int] = mapped_column(ForeignKey("workflow_versions.id"))
    to_version_id: Mapped[int] = mapped_column(ForeignKey("workflow_versions.id"))
    #: old state → new state
    mapping: Mapped[dict] = mapped_column(JSON)
    dossier_count: Mapped[int]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    from_version = relationship("WorkflowVersion", foreign_keys=[from_version_id])
    to_version = relationship("WorkflowVersion", foreign_keys=[to_version_id])
