"""Reads of the bilan: a call's draft and its versions, the public list, one published version, the live figures.

A published page reads only what its version froze (texts and snapshot), never the call's rows as they are now.
Each read is one statement whatever the number of calls or versions; the snapshot is loaded only for the one shown.
"""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from aap.bilan import figures
from aap.bilan.models import Bilan, BilanVersion
from aap.calls.models import Call
from aap.extensions import db


def live_figures(call: Call, now: datetime) -> dict:
    """Every figure of the call as it is now, in the snapshot's shape (what publishing would freeze)."""
    return figures.snapshot(call, now)


def draft_of(call_id: int) -> Bilan | None:
    return db.session.execute(select(Bilan).where(Bilan.call_id == call_id)).scalar_one_or_none()


@dataclass(frozen=True)
class VersionLine:
    """A published version as lists name it, without its snapshot."""

    number: int
    published_at: datetime
    correction_note: str
    published_by_label: str


def version_lines(bilan_id: int | None) -> list[VersionLine]:
    if bilan_id is None:
        return []
    rows = db.session.execute(select(BilanVersion.number, BilanVersion.published_at, BilanVersion.correction_note,
                                     BilanVersion.published_by_label)
                              .where(BilanVersion.bilan_id == bilan_id).order_by(BilanVersion.number))
    return [VersionLine(*row) for row in rows]


def published_version(call_id: int, number: int) -> BilanVersion | None:
    """One published version of the call's bilan, with its snapshot; None when there is no such version."""
    return db.session.execute(select(BilanVersion).join(Bilan, Bilan.id == BilanVersion.bilan_id)
                              .where(Bilan.call_id == call_id, BilanVersion.number == number)).scalar_one_or_none()


def latest_number(call_id: int) -> int | None:
    return db.session.execute(select(func.max(BilanVersion.number)).join(Bilan, Bilan.id == BilanVersion.bilan_id)
                              .where(Bilan.call_id == call_id)).scalar()


@dataclass
class PublishedBilan:
    """A call's published bilan in the public list: its versions, the last one first in what it says."""

    call_id: int
    title: str
    year: int
    edition: int | None
    versions: list[VersionLine] = field(default_factory=list)
    funded: int | None = None
    granted: str | None = None

    @property
    def latest(self) -> VersionLine:
        return self.versions[-1]


def published_bilans() -> list[tuple[int, list[PublishedBilan]]]:
    """Every published bilan, by year (the latest first), each under its title as its last version froze it."""
    snapshot = BilanVersion.snapshot
    rows = db.session.execute(
        select(Bilan.call_id, BilanVersion.number, BilanVersion.published_at, BilanVersion.correction_note,
               BilanVersion.published_by_label, snapshot[("call", "title")].as_string().label("title"),
               snapshot[("call", "year")].as_integer().label("year"),
               snapshot[("call", "edition")].as_integer().label("edition"),
               snapshot[("funnel", "funded")].as_integer().label("funded"),
               snapshot[("amounts", "granted")].as_string().label("granted"))
        .join(Bilan, Bilan.id == BilanVersion.bilan_id).order_by(Bilan.call_id, BilanVersion.number))
    bilans: dict[int, PublishedBilan] = {}
    for row in rows:
        entry = bilans.setdefault(row.call_id, PublishedBilan(row.call_id, row.title, row.year, row.edition))
        entry.versions.append(VersionLine(row.number, row.published_at, row.correction_note, row.published_by_label))
        entry.title, entry.year, entry.edition = row.title, row.year, row.edition  # the last version's words
        entry.funded, entry.granted = row.funded, row.granted
    years: dict[int, list[PublishedBilan]] = {}
    for entry in sorted(bilans.values(), key=lambda bilan: (-bilan.year, bilan.title, bilan.call_id)):
        years.setdefault(entry.year, []).append(entry)
    return list(years.items())


@dataclass(frozen=True)
class CallBilan:
    """A call in the administration's list of bilans: where its bilan stands."""

    call_id: int
    title: str
    year: int
    state: str
    closes_at: datetime | None
    written: bool
    versions: int
    last_published_at: datetime | None


def calls_with_bilans() -> list[CallBilan]:
    """Every call, the latest year first, with its bilan's draft and number of published versions."""
    rows = db.session.execute(
        select(Call.id, Call.title, Call.year, Call.state, Call.closes_at, Bilan.id.is_not(None).label("written"),
               func.count(BilanVersion.id), func.max(BilanVersion.published_at))
        .outerjoin(Bilan, Bilan.call_id == Call.id).outerjoin(BilanVersion, BilanVersion.bilan_id == Bilan.id)
        .group_by(Call.id, Call.title, Call.year, Call.state, Call.closes_at, Bilan.id)
        .order_by(Call.year.desc(), Call.title, Call.id))
    return [CallBilan(*row) for row in rows]

