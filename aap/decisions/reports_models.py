"""The files the holder joins to the final report (invoices, photos, the signed Cerfa 15059)."""
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import StoredFileColumns, UTCDateTime, utcnow
from aap.extensions import db


class ReportAttachment(StoredFileColumns, db.Model):
    """A file the holder joins to the final report; it leaves the disk with its row."""

    __tablename__ = "final_report_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("final_reports.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    report = relationship("FinalReport")
