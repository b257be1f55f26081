"""A granted decision's life: its agreement (convention), its payment tranches, and the dossier's final report."""
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import StoredFileColumns, TimestampMixin, UTCDateTime
from aap.extensions import db

#: loi 2000-321, art. 10: above this amount a grant needs an agreement before any payment
AGREEMENT_THRESHOLD = Decimal(23000)
#: the legal delay to pay a public grant once its trigger happened (délai global de paiement)
PAYMENT_DAYS = 60

AT_NOTIFICATION, AT_SIGNATURE, AFTER_REPORT = "notification", "signature", "report"
TRIGGERS = {AT_NOTIFICATION: _l("à la notification"), AT_SIGNATURE: _l("à la signature de la convention"),
            AFTER_REPORT: _l("après le compte-rendu financier")}

DRAFT, SUBMITTED, RETURNED, ACCEPTED = "draft", "submitted", "returned", "accepted"
REPORT_STATES = {DRAFT: _l("Brouillon"), SUBMITTED: _l("Déposé"), RETURNED: _l("À reprendre"),
                 ACCEPTED: _l("Accepté")}


class Agreement(StoredFileColumns, TimestampMixin, db.Model):
    """The convention of a granted decision: its text as generated, then its signature date and signed scan."""

    __tablename__ = "agreements"

    file_optional = True

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), unique=True)
    #: the text as generated from the template, kept as it was sent for signature
    text: Mapped[str] = mapped_column(Text, default="")
    generated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signed_on: Mapped[date | None]
    signature_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signature_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the call's template version it was generated from; None for the default template shipped with the application
    template_id: Mapped[int | None] = mapped_column(ForeignKey("agreement_templates.id", ondelete="RESTRICT"))
    #: SHA-256 of the template's text as used: it also tells which version of the shipped default it was
    template_sha256: Mapped[str] = mapped_column(String(64), default="")

    decision = relationship("Decision")
    template = relationship("AgreementTemplate")

    @property
    def signed(self) -> bool:
        return self.signed_on is not None


class PaymentTranche(TimestampMixin, db.Model):
    """One payment of a granted decision: an advance (acompte), a balance (solde), or one of several."""

    __tablename__ = "payment_tranches"
    __table_args__ = (UniqueConstraint("decision_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(120))
    #: share of the decision's amount, in percent, as the schedule says it
    share_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    #: a key of TRIGGERS: what must happen before it may be paid
    trigger: Mapped[str] = mapped_column(String(20))
    #: the legal due date, PAYMENT_DAYS after the trigger happened; None until it has
    due_on: Mapped[date | None] = mapped_column(index=True)
    paid_on: Mapped[date | None]
    #: the authority's own reference for the payment (mandat, bordereau)
    payment_reference: Mapped[str] = mapped_column(String(120), default="")
    paid_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    paid_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: not paid because the project spent less: the amount stays unspent (recorded at closing)
    cancelled: Mapped[bool] = mapped_column(default=False)

    decision = relationship("Decision")

    @property
    def settled(self) -> bool:
        return self.paid_on is not None or self.cancelled


class FinalReport(TimestampMixin, db.Model):
    """The dossier's compte-rendu financier (Cerfa 15059): filled in by the holder, accepted or returned by staff."""

    __tablename__ = "final_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), unique=True)
    #: a key of REPORT_STATES
    state: Mapped[str] = mapped_column(String(20), default=DRAFT)
    #: {"qualitative": text, "budget": {line: actual}, "indicators": {key: value}}
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    #: six months after the project's end (Cerfa 15059)
    due_on: Mapped[date | None] = mapped_column(index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: what staff asked to change when they returned it
    review_comment: Mapped[str] = mapped_column(Text, default="")

    dossier = relationship("Dossier")
