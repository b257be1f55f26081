"""Reads of committee sessions for their pages: one statement per list, whatever the number of sessions or members."""
from dataclasses import dataclass

from sqlalchemy import and_, func

from aap.auth.models import User
from aap.committee.models import IN_ROOM, REMOTE, CommitteeSession, SessionMember
from aap.extensions import db
from aap.review.models import PoolMember
from aap.review.queries import UNKNOWN_GROUP

SESSION_SORTS = ("date",)


@dataclass(frozen=True)
class SessionRow:
    session: CommitteeSession
    members: int
    present: int


def call_sessions(call, descending: bool = True) -> list[SessionRow]:
    """The call's sessions by date (newest first unless asked), each with its number of members and of present."""
    counts = (db.select(SessionMember.session_id, func.count().label("members"),
                        func.count().filter(SessionMember.attendance.in_((IN_ROOM, REMOTE))).label("present"))
              .group_by(SessionMember.session_id).subquery())
    start = CommitteeSession.starts_at.desc() if descending else CommitteeSession.starts_at.asc()
    rows = db.session.execute(
        db.select(CommitteeSession, func.coalesce(counts.c.members, 0), func.coalesce(counts.c.present, 0))
        .outerjoin(counts, counts.c.session_id == CommitteeSession.id)
        .where(CommitteeSession.call_id == call.id).order_by(start, CommitteeSession.id.desc())).all()
    return [SessionRow(session, members, present) for session, members, present in rows]


@dataclass(frozen=True)
class MemberRow:
    member: SessionMember
    user: User
    #: a key of aap.review.assignment.GROUP_LABELS, or UNKNOWN_GROUP for someone no longer in the call's pools
    group: str


def session_members(session: CommitteeSession) -> list[MemberRow]:
    """The members with their stakeholder group in the call's pools, by name."""
    rows = db.session.execute(
        db.select(SessionMember, User, PoolMember.group).join(User, User.id == SessionMember.user_id)
        .outerjoin(PoolMember, and_(PoolMember.call_id == session.call_id, PoolMember.user_id == User.id))
        .where(SessionMember.session_id == session.id)
        .order_by(func.lower(func.coalesce(User.full_name, User.email)), User.id)).all()
    return [MemberRow(member, user, group or UNKNOWN_GROUP) for member, user, group in rows]


@dataclass(frozen=True)
class Candidate:
    user_id: int
    name: str
    email: str
    group: str


def candidates(call, seated_ids=()) -> list[Candidate]:
    """Who may sit: the call's pool members by group and name, and members already seated who left the pools."""
    pooled = db.session.execute(
        db.select(User.id, User.full_name, User.email, PoolMember.group).join(PoolMember, PoolMember.user_id == User.id)
        .where(PoolMember.call_id == call.id)
        .order_by(func.lower(func.coalesce(User.full_name, User.email)), User.id)).all()
    found = [Candidate(user_id, name or email, email, group) for user_id, name, email, group in pooled]
    left = set(seated_ids) - {candidate.user_id for candidate in found}
    if left:
        others = db.session.execute(db.select(User.id, User.full_name, User.email).where(User.id.in_(sorted(left)))
                                    .order_by(User.id)).all()
        found += [Candidate(user_id, name or email, email, UNKNOWN_GROUP) for user_id, name, email in others]
    return found

