"""The comité de projets: its sessions, members and attendance, the agenda, votes, recusals and the minutes."""
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.committee.access import session_access
from aap.committee.states import CLOSED, CONVENED, OPEN, PLANNED
from aap.core.models import StoredFileColumns, TimestampMixin, UTCDateTime
from aap.extensions import db

SESSION_STATES = {PLANNED: _l("En préparation"), CONVENED: _l("Convoquée"), OPEN: _l("En séance"),
                  CLOSED: _l("Close")}

IN_ROOM, REMOTE, ABSENT = "room", "remote", "absent"
ATTENDANCE = {IN_ROOM: _l("Présent·e en salle"), REMOTE: _l("Présent·e à distance"), ABSENT: _l("Absent·e")}

FAVORABLE, UNFAVORABLE, ABSTENTION = "favorable", "defavorable", "abstention"
VOTES = {FAVORABLE: _l("Favorable"), UNFAVORABLE: _l("Défavorable"), ABSTENTION: _l("Abstention")}

POSTPONED = "ajourne"
RECOMMENDATIONS = {FAVORABLE: _l("Avis favorable"), UNFAVORABLE: _l("Avis défavorable"), POSTPONED: _l("Ajourné")}


class CommitteeSession(TimestampMixin, db.Model):
    """One meeting of a call's committee, in a room and/or on a video call."""

    __tablename__ = "committee_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(300), default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    #: members present (in the room or remote) needed for the session to deliberate
    quorum: Mapped[int] = mapped_column(default=1)
    #: the quorum follows « half the members plus one » as members come and go, until staff type a number
    quorum_from_rule: Mapped[bool] = mapped_column(default=True, server_default="1")
    state: Mapped[str] = mapped_column(String(20), default=PLANNED)
    convened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the invitation's SEQUENCE (RFC 5545): grows each time the convocation leaves again after a change
    convocation_sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    #: sha256 of what the last convocation said (date, place, link, members, agenda): none is sent twice unchanged
    convocation_fingerprint: Mapped[str | None] = mapped_column(String(64))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: members present when the session was opened, and whether that met the quorum (said in the minutes)
    present_at_opening: Mapped[int | None]
    quorum_met: Mapped[bool | None]
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the one person acting as chair now; a hand-over names the next one
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    chair_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    current_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL", use_alter=True, name="fk_committee_sessions_current_item"))
    #: grows at every change the members' screens follow: their poll compares it (ETag) and reads nothing else
    revision: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    call = relationship("Call")
    chair = relationship("User", foreign_keys=[chair_id])
    members = relationship("SessionMember", back_populates="session", cascade="all, delete-orphan",
                           order_by="SessionMember.id")
    items = relationship("AgendaItem", back_populates="session", cascade="all, delete-orphan",
                         foreign_keys="AgendaItem.session_id", order_by="AgendaItem.position")
    current_item = relationship("AgendaItem", foreign_keys=[current_item_id], post_update=True)

    def __str__(self) -> str:
        return self.title

    def can(self, action: str, user) -> bool:
        return session_access(user, self).allows(action)


class SessionMember(TimestampMixin, db.Model):
    """A person convened to a session, from the call's reviewer pools, with their attendance."""

    __tablename__ = "session_members"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("committee_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    convocation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: a key of ATTENDANCE, None until recorded
    attendance: Mapped[str | None] = mapped_column(String(20))
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the committee role on the call came with this seat: it leaves with the person's last seat on the call
    granted_role: Mapped[bool] = mapped_column(default=False, server_default="0")

    session = relationship("CommitteeSession", back_populates="members")
    user = relationship("User")


class AgendaItem(TimestampMixin, db.Model):
    """A dossier on a session's agenda, and what the committee recommended for it."""

    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("session_id", "dossier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("committee_sessions.id", ondelete="CASCADE"), index=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: a key of RECOMMENDATIONS, None until the chair records it
    recommendation: Mapped[str | None] = mapped_column(String(20))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    notes: Mapped[str] = mapped_column(Text, default="")
    #: for an adjournment: the later session or edition it goes to, in the chair's words
    postponed_to: Mapped[str] = mapped_column(String(200), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    session = relationship("CommitteeSession", back_populates="items", foreign_keys=[session_id])
    dossier = relationship("Dossier")


class Recusal(TimestampMixin, db.Model):
    """A member set aside for an item because of a declared conflict of interest, recorded when it came up."""

    __tablename__ = "recusals"
    __table_args__ = (UniqueConstraint("item_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))


class Vote(TimestampMixin, db.Model):
    """A member's vote on an agenda item: once, never by a recused member."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("item_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: a key of VOTES
    choice: Mapped[str] = mapped_column(String(20))


class Minutes(TimestampMixin, db.Model):
    """One version of a session's minutes: generated figures, the chair's text, then locked for good."""

    __tablename__ = "minutes"
    __table_args__ = (UniqueConstraint("session_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("committee_sessions.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    #: what the session recorded, as generated: attendance, quorum, recusals, items with votes and recommendations
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    text: Mapped[str] = mapped_column(Text, default="")
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: sha256 of the locked content and text, entered in the audit chain of each dossier discussed
    fingerprint: Mapped[str | None] = mapped_column(String(64))


QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class PreparationPack(StoredFileColumns, TimestampMixin, db.Model):
    """A member's preparation pack for a session, as a PDF built by a background job with its progress."""

    __tablename__ = "preparation_packs"
    file_optional = True

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("committee_sessions.id", ondelete="CASCADE"), index=True)
    #: the reader: the pack holds what their rights show, and nothing of a dossier they are recused for
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=QUEUED)
    done_count: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    session = relationship("CommitteeSession")
    user = relationship("User")
