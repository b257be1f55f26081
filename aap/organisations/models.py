"""Organisations (structures) and who belongs to them."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import TimestampMixin, UTCDateTime
from aap.extensions import db

LEGAL_FORMS = ("association", "scic", "scop", "esus", "mutuelle", "fondation", "autre")


class Organisation(TimestampMixin, db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_form: Mapped[str] = mapped_column(String(20))
    siret: Mapped[str | None] = mapped_column(String(14), index=True)
    #: Répertoire national des associations: W followed by 9 digits
    rna: Mapped[str | None] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(Text, default="")
    #: INSEE code of the commune of the registered office
    commune_insee: Mapped[str] = mapped_column(String(5))
    #: located in a priority neighbourhood of the city policy (quartier prioritaire, QPV)
    in_qpv: Mapped[bool] = mapped_column(default=False)
    creation_date: Mapped[date | None]
    #: paid staff in full-time equivalents (ETP)
    paid_staff_fte: Mapped[Decimal] = mapped_column(Numeric(7, 2), default=Decimal(0))
    volunteers: Mapped[int] = mapped_column(default=0)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", lazy="selectin")

    def is_member(self, user) -> bool:
        return user.is_authenticated and any(m.user_id == user.id for m in self.memberships)

    def can(self, action: str, user) -> bool:
        if not user.is_authenticated:
            return False
        if action == "view":
            return self.is_member(user) or user.is_staff
        if action in ("edit", "invite"):
            return self.is_member(user)
        return False


class Membership(TimestampMixin, db.Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user = relationship("User", lazy="joined")


class OrganisationInvitation(TimestampMixin, db.Model):
    """A co-member invited by e-mail; the token itself is only in the mail."""

    __tablename__ = "organisation_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
