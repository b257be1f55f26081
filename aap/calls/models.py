"""A call for projects (appel à projets). Its settings and form grow with the calls feature."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    #: name of the file in workflows/ this call follows
    workflow_name: Mapped[str] = mapped_column(String(80), default="plaine-commune")
    #: the snapshot taken when the call opened
    workflow_version_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_versions.id"))
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    workflow_version = relationship("WorkflowVersion")

    def can(self, action: str, user) -> bool:
        """Published calls are public; managing them is for administrators."""
        if action == "view":
            return self.state != "draft" or (user.is_authenticated and user.is_staff)
        return user.is_authenticated and user.is_admin

    def is_open(self, now: datetime) -> bool:
        return (self.state == "published" and (self.opens_at is None or self.opens_at <= now)
                and (self.closes_at is None or now < self.closes_at))

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"
