"""Who reviews a dossier and who must step aside from it: the facts the access module decides on.

The review domain writes these rows (assignment runs, declarations); they live beside the dossier so
that `aap.dossiers.access` can read them without depending on the review domain.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import TimestampMixin, UTCDateTime
from aap.extensions import db

#: an assignment is to do, done (the review is submitted) or declined by the reviewer
ASSIGNED, DONE, DECLINED = "assigned", "done", "declined"
ASSIGNMENT_STATES = {ASSIGNED: _l("À relire"), DONE: _l("Relue"), DECLINED: _l("Déclinée")}

CONFLICT_KINDS = {
    "member": _l("Salarié·e ou administrateur·rice de la structure"),
    "financial": _l("Relation financière"),
    "family": _l("Relation familiale"),
    "other": _l("Autre"),
}
#: shown in place of a dossier to anyone who stepped aside from it
RECUSED = _l("Vous êtes déporté·e pour ce dossier.")


class Assignment(TimestampMixin, db.Model):
    """A reviewer asked to review a dossier, by hand or by an automatic run, with a due date."""

    __tablename__ = "review_assignments"
    __table_args__ = (UniqueConstraint("dossier_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=ASSIGNED)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: "manual" or "automatic"
    origin: Mapped[str] = mapped_column(String(20), default="manual")
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decline_reason: Mapped[str] = mapped_column(Text, default="")

    dossier = relationship("Dossier")
    user = relationship("User", foreign_keys=[user_id])

    @property
    def active(self) -> bool:
        return self.state != DECLINED


class Conflict(TimestampMixin, db.Model):
    """A declared conflict of interest: the person steps aside from the dossier in review and committee."""

    __tablename__ = "conflicts"
    __table_args__ = (UniqueConstraint("dossier_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: required for the kind "other"
    details: Mapped[str] = mapped_column(Text, default="")
    #: the person themself, or the administrator who recorded it
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime())

    dossier = relationship("Dossier")
    user = relationship("User", foreign_keys=[user_id])
    declared_by = relationship("User", foreign_keys=[declared_by_id])
