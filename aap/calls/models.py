"""A call for projects (appel à projets): its settings, strands, eligibility rules and workflow."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.formatting import PARIS
from aap.core.models import TimestampMixin, UTCDateTime
from aap.extensions import db

CALL_STATES = ("draft", "published", "closed", "archived")


class Call(TimestampMixin, db.Model):
    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int]
    #: edition number within the authority's series (15 for Plaine Commune in 2021)
    edition: Mapped[int | None]
    state: Mapped[str] = mapped_column(String(20), default="draft")
    #: names of the funders, in the order they are shown
    funders: Mapped[list] = mapped_column(JSON, default=list)
    #: Markdown, rendered without raw HTML
    description: Mapped[str] = mapped_column(Text, default="")
    #: name of the file in workflows/ this call follows
    workflow_name: Mapped[str] = mapped_column(String(80), default="plaine-commune")
    #: the workflow version pinned when the call opened
    workflow_version_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_versions.id"))
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    total_envelope: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    min_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    max_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    #: highest share of the project's budget the grant may cover, in percent
    max_share_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    #: legal forms accepted (keys of LEGAL_FORMS); empty means all
    eligible_legal_forms: Mapped[list] = mapped_column(JSON, default=list)
    #: INSEE codes of the communes where the organisation must be based; empty means anywhere
    eligible_communes: Mapped[list] = mapped_column(JSON, default=list)
    min_age_years: Mapped[int | None]
    max_age_years: Mapped[int | None]
    #: attachments every dossier must carry: [{"key": "statuts", "label": "Statuts signés"}]
    required_attachments: Mapped[list] = mapped_column(JSON, default=list)
    #: the points an instructor ticks before declaring a dossier eligible (recevabilité), in order
    eligibility_checklist: Mapped[list] = mapped_column(JSON, default=list)
    #: the call's own indicators the final report asks for, besides jobs and beneficiaries: [{"key", "label"}]
    report_indicators: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")

    #: review: reviews asked per dossier, from how many stakeholder groups, due how many days after assignment
    reviews_per_dossier: Mapped[int] = mapped_column(default=3)
    groups_per_dossier: Mapped[int] = mapped_column(default=2)
    review_days: Mapped[int] = mapped_column(default=21)
    #: reviewers do not see the organisation, nor the answers the form marks as identifying
    hide_holder_identity: Mapped[bool] = mapped_column(default=False)
    #: the committee's members score each dossier in session, on the call's grid (no review beforehand)
    scores_in_session: Mapped[bool] = mapped_column(default=False)

    #: the application form new dossiers are given; dossiers keep the version they started with
    form_version_id: Mapped[int | None] = mapped_column(ForeignKey("form_versions.id", use_alter=True))

    workflow_version = relationship("WorkflowVersion")
    form_version = relationship("FormVersion", foreign_keys=[form_version_id])
    strands: Mapped[list["Strand"]] = relationship(back_populates="call", cascade="all, delete-orphan",
                                                   order_by="Strand.position", lazy="selectin")

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    def can(self, action: str, user) -> bool:
        """Published calls are public; managing them is for administrators."""
        if action == "view":
            return self.state != "draft" or (user.is_authenticated and user.is_staff)
        return user.is_authenticated and user.is_admin

    def is_open(self, now: datetime) -> bool:
        return (self.state == "published" and (self.opens_at is None or self.opens_at <= now)
                and (self.closes_at is None or now < self.closes_at))

    def closing_day(self) -> date | None:
        return self.closes_at.astimezone(PARIS).date() if self.closes_at else None


class Strand(db.Model):
    """A volet: création, développement, coopération…, with an envelope of its own if any."""

    __tablename__ = "strands"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    envelope: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    position: Mapped[int] = mapped_column(default=0)

    call: Mapped[Call] = relationship(back_populates="strands")
