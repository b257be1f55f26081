"""A call for projects (appel à projets). Its settings and form grow with the calls feature."""
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from aap.core.models import TimestampMixin
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

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"
