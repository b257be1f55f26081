"""What closing a grant leaves to do: the sum to be paid back when more was paid than the project spent."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import TimestampMixin, UTCDateTime
from aap.extensions import db


class Recovery(TimestampMixin, db.Model):
    """More was paid than spent: the authority issues a titre de recettes for the difference."""

    __tablename__ = "grant_recoveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), unique=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the day the titre de recettes was issued, None while it is still to issue
    issued_on: Mapped[date | None]
    #: the authority's number of the titre de recettes
    reference: Mapped[str] = mapped_column(String(120), default="")
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    issued_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    decision = relationship("Decision")

    @property
    def issued(self) -> bool:
        return self.issued_on is not None
