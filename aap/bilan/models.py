"""The annual bilan of a call: the admin's draft texts, and each published version as an immutable snapshot."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import StoredFileColumns, TimestampMixin, UTCDateTime
from aap.extensions import db

#: states of a version's PDF, built by a background job
PDF_QUEUED, PDF_RUNNING, PDF_READY, PDF_FAILED = "queued", "running", "ready", "failed"


class Bilan(TimestampMixin, db.Model):
    """The bilan being written for one call: what the next version will say."""

    __tablename__ = "bilans"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    #: Markdown, rendered without raw HTML
    introduction: Mapped[str] = mapped_column(Text, default="")
    commentary: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    call = relationship("Call")
    versions: Mapped[list["BilanVersion"]] = relationship(back_populates="bilan", order_by="BilanVersion.number")


class BilanVersion(StoredFileColumns, db.Model):
    """A published bilan: texts and figures frozen at publication; a correction is the next number."""

    __tablename__ = "bilan_versions"
    __table_args__ = (UniqueConstraint("bilan_id", "number"),)
    file_optional = True

    id: Mapped[int] = mapped_column(primary_key=True)
    bilan_id: Mapped[int] = mapped_column(ForeignKey("bilans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    introduction: Mapped[str] = mapped_column(Text, default="")
    commentary: Mapped[str] = mapped_column(Text, default="")
    #: what a correction changed, shown on the versions it replaces
    correction_note: Mapped[str] = mapped_column(Text, default="")
    #: every figure, chart and supported structure as computed at publication (aap.bilan.figures.snapshot)
    snapshot: Mapped[dict] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: kept for a deleted account, as the audit trail does
    published_by_label: Mapped[str] = mapped_column(String(254), default="")
    pdf_state: Mapped[str] = mapped_column(String(20), default=PDF_QUEUED)
    pdf_done: Mapped[int] = mapped_column(default=0)
    pdf_total: Mapped[int] = mapped_column(default=0)
    pdf_error: Mapped[str] = mapped_column(Text, default="")

    bilan: Mapped[Bilan] = relationship(back_populates="versions")
    published_by = relationship("User")


class HistoryImport(TimestampMixin, db.Model):
    """One import of past editions: the file as read, what it created, and who brought it."""

    __tablename__ = "history_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(200))
    #: SHA-256 of the file's bytes: the same file again changes nothing
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    rows: Mapped[int] = mapped_column(default=0)
    #: {"calls": n, "organisations": n, "dossiers": n, "decisions": n, "payments": n, "unchanged": n}
    created: Mapped[dict] = mapped_column(JSON, default=dict)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    imported_by_label: Mapped[str] = mapped_column(String(254), default="")
