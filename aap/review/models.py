"""The review of a call: its reviewer pools, its versioned scoring grid, and the reviews themselves.

Assignments and conflicts of interest live in `aap.dossiers.reviewers`, where the access module reads them.
"""
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import TimestampMixin, UTCDateTime
from aap.extensions import db
from aap.review.scoring import Criterion, Grid

DRAFT, SUBMITTED = "draft", "submitted"
REVIEW_STATES = {DRAFT: _l("Brouillon"), SUBMITTED: _l("Soumise")}


class PoolMember(TimestampMixin, db.Model):
    """A reviewer in one of a call's pools, grouped by stakeholder group, with their stated preferences."""

    __tablename__ = "pool_members"
    __table_args__ = (UniqueConstraint("call_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: a key of aap.review.assignment.GROUP_LABELS
    group: Mapped[str] = mapped_column(String(30))
    #: most reviews this member takes on; None: no cap of their own
    cap: Mapped[int | None]
    #: ids of the call's strands the member knows
    strand_ids: Mapped[list] = mapped_column(JSON, default=list)
    #: INSEE codes of the communes where the member cannot be neutral
    non_neutral_communes: Mapped[list] = mapped_column(JSON, default=list)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user = relationship("User", foreign_keys=[user_id])
    call = relationship("Call")


class GridVersion(TimestampMixin, db.Model):
    """One version of a call's scoring grid. Editing a grid adds a version; a review keeps the one it was scored on."""

    __tablename__ = "grid_versions"
    __table_args__ = (UniqueConstraint("call_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    #: [{"key", "label", "weight", "minimum", "maximum", "required"}], numbers as strings, in the order shown
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def grid(self) -> Grid:
        return Grid(tuple(Criterion(**item) for item in self.criteria))


class Review(TimestampMixin, db.Model):
    """A reviewer's review of a dossier: a draft, then submitted; editable until it is frozen."""

    __tablename__ = "reviews"
    #: the second index answers a dossier's submitted scores (count, mean, spread) without reading the rows
    __table_args__ = (UniqueConstraint("dossier_id", "user_id"),
                      Index("ix_reviews_dossier_id_state_weighted_score", "dossier_id", "state", "weighted_score"))

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    grid_version_id: Mapped[int] = mapped_column(ForeignKey("grid_versions.id"))
    state: Mapped[str] = mapped_column(String(20), default=DRAFT)
    #: criterion key → a numeral or "n/a", as checked by aap.review.scoring
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    #: on 0–100, kept at submission so that lists filter and sort on it in SQL; None when all is "n/a"
    weighted_score: Mapped[Decimal | None] = mapped_column(Numeric(9, 4))
    committee_comment: Mapped[str] = mapped_column(Text, default="")
    #: shown to the holder without the reviewer's name, when the call shares it
    holder_comment: Mapped[str] = mapped_column(Text, default="")
    #: a key of aap.review.aggregates.RECOMMENDATIONS
    recommendation: Mapped[str | None] = mapped_column(String(20))
    proposed_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: set when the committee session freezes the reviews; no change after it
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: optimistic lock: a review saved from two tabs is refused, never half-applied
    lock_version: Mapped[int] = mapped_column(default=1)

    dossier = relationship("Dossier")
    user = relationship("User")
    grid_version = relationship("GridVersion")

    __mapper_args__ = {"version_id_col": lock_version}


class ReviewStanding(db.Model):
    """A dossier's submitted reviews in figures, kept as each review is submitted (aap.review.standings).

    Lists sort and filter on these columns in SQL, and never aggregate the reviews of a whole call per view.
    """

    __tablename__ = "review_standings"
    __table_args__ = (Index("ix_review_standings_call_id_score", "call_id", "score"),)

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    #: submitted reviews, and those of them with a weighted score ("n/a" throughout left out)
    reviews: Mapped[int] = mapped_column(default=0)
    scored: Mapped[int] = mapped_column(default=0)
    #: the mean of the weighted scores, kept to ten decimals: rounding it to two gives the exact mean's rounding
    score: Mapped[Decimal | None] = mapped_column(Numeric(20, 10))
    lowest: Mapped[Decimal | None] = mapped_column(Numeric(9, 4))
    highest: Mapped[Decimal | None] = mapped_column(Numeric(9, 4))
    divergent: Mapped[bool] = mapped_column(default=False)
    #: recommendation key → how many reviews give it
    recommendations: Mapped[dict] = mapped_column(JSON, default=dict)
    mean_proposed: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))
    #: grows at every change, so that a call's sum of revisions tells whether its ranking must be computed again
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
