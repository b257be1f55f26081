"""A run of the automatic assignment of a call: queued, computed by a job, previewed, adjusted, confirmed."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import TimestampMixin, UTCDateTime
from aap.extensions import db

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
RUN_STATES = {QUEUED: _l("En attente"), RUNNING: _l("Calcul en cours"), DONE: _l("Terminé"), FAILED: _l("Échec")}
PENDING_STATES = (QUEUED, RUNNING)


class AssignmentRun(TimestampMixin, db.Model):
    """One request of an automatic assignment, and the proposal it produced."""

    __tablename__ = "assignment_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(20), default=QUEUED)
    #: {"added": [[user, dossier]…], "kept": […], "dropped": […], "shortfalls": […], "optimal", "balance_note"}
    proposal: Mapped[dict] = mapped_column(JSON, default=dict)
    #: a digest of the inputs the proposal was computed from; a different digest at confirmation means stale
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    #: why the job failed, for the staff
    error: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: raised by every change by hand: a confirmation sent from an older page is refused
    edits: Mapped[int] = mapped_column(default=0)

    requested_by = relationship("User", foreign_keys=[requested_by_id])
    call = relationship("Call")

    @property
    def pending(self) -> bool:
        return self.state in PENDING_STATES
