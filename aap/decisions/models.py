"""Funding decisions: the co-funders of a call, each decision with its instrument and deliberation, and the
audited changes of the envelopes they are drawn on."""
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import TimestampMixin, UTCDateTime
from aap.extensions import db

GRANTED, REFUSED, POSTPONED = "granted", "refused", "postponed"
OUTCOMES = {GRANTED: _l("Accordé"), REFUSED: _l("Refusé"), POSTPONED: _l("Ajourné")}

GRANT, IN_KIND, EQUITY, REPAYABLE = "grant", "in_kind", "equity", "repayable_advance"
INSTRUMENTS = {GRANT: _l("Subvention (aide en numéraire)"), IN_KIND: _l("Aide en nature"),
               EQUITY: _l("Prise de participation au capital"), REPAYABLE: _l("Avance remboursable")}


def funder_label(call, funder=None, start: bool = False) -> str:
    """Who decides: the co-funder, else the authority running the call (its first funder), named in words."""
    if funder is not None:
        return funder.name
    if call.funders:
        return call.funders[0]
    return str(_l("Autorité de l'appel") if start else _l("l'autorité de l'appel"))


class Funder(TimestampMixin, db.Model):
    """A co-funder of a call (Département, Région, a bank…), with its own envelope and the people who decide for it.

    The authority that runs the call is not one of them: its envelopes are the call's and its strands'.
    """

    __tablename__ = "funders"
    __table_args__ = (UniqueConstraint("call_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    envelope: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    position: Mapped[int] = mapped_column(default=0)

    call = relationship("Call")
    deciders: Mapped[list["FunderDecider"]] = relationship(back_populates="funder", cascade="all, delete-orphan",
                                                           lazy="selectin")

    def __str__(self) -> str:
        return self.name


class FunderDecider(TimestampMixin, db.Model):
    """A person who records the decisions of a co-funder (the `funder` role on the call comes with it)."""

    __tablename__ = "funder_deciders"
    __table_args__ = (UniqueConstraint("funder_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    funder_id: Mapped[int] = mapped_column(ForeignKey("funders.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: the funder role on the call came with this seat: it leaves with the person's last seat on the call
    granted_role: Mapped[bool] = mapped_column(default=False)

    funder: Mapped[Funder] = relationship(back_populates="deciders")
    user = relationship("User")


class Decision(TimestampMixin, db.Model):
    """One funder's formal decision on a dossier: staged first, seen by the holder only once released."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    #: None for the authority that runs the call
    funder_id: Mapped[int | None] = mapped_column(ForeignKey("funders.id", ondelete="RESTRICT"), index=True)
    #: the committee session whose recommendation it follows, if any
    session_id: Mapped[int | None] = mapped_column(ForeignKey("committee_sessions.id", ondelete="SET NULL"),
                                                   index=True)
    #: a key of OUTCOMES
    outcome: Mapped[str] = mapped_column(String(20))
    #: a key of INSTRUMENTS, for a granted decision
    instrument: Mapped[str | None] = mapped_column(String(30))
    #: what is granted, in euros: the valuation of aid in kind, the shares' total value for equity
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    #: what the instrument needs besides the amount: {"description"} in kind, {"shares", "share_value"} equity,
    #: {"repayments": [{"due_on", "amount"}]} for a repayable advance
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the reasons given to the holder
    motivation: Mapped[str] = mapped_column(Text, default="")
    deliberation_reference: Mapped[str] = mapped_column(String(120))
    deliberation_date: Mapped[date]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: None while staged: the holder sees nothing of it and is told nothing
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: a later decision of the same funder on the same dossier (after an adjournment) replaces this one
    superseded: Mapped[bool] = mapped_column(default=False)
    #: recorded at closing: what of the amount was not spent, and so not paid or to be paid back
    unspent: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    dossier = relationship("Dossier")
    funder = relationship("Funder")
    session = relationship("CommitteeSession")
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    released_by = relationship("User", foreign_keys=[released_by_id])

    @property
    def released(self) -> bool:
        return self.released_at is not None

    @property
    def funder_name(self) -> str:
        return self.funder.name if self.funder is not None else ""


class EnvelopeChange(TimestampMixin, db.Model):
    """An envelope raised or lowered by an administrator, with the reason: the only way past an envelope."""

    __tablename__ = "envelope_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    #: the co-funder's envelope, or the call's own (None)
    funder_id: Mapped[int | None] = mapped_column(ForeignKey("funders.id", ondelete="CASCADE"))
    #: a strand's envelope of the call's own; None for the total
    strand_id: Mapped[int | None] = mapped_column(ForeignKey("strands.id", ondelete="CASCADE"))
    previous: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    new: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    reason: Mapped[str] = mapped_column(Text)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())

    funder = relationship("Funder")
    strand = relationship("Strand")
    changed_by = relationship("User")
