"""Writes of committee sessions: planned, changed, deleted, members seated and unseated, attendance. Never commits."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from aap.auth.models import RoleGrant, User
from aap.auth.operations import grant_role
from aap.committee import convocation, reminders
from aap.committee.models import (
    ATTENDANCE,
    CLOSED,
    CONVENED,
    IN_ROOM,
    OPEN,
    PLANNED,
    REMOTE,
    CommitteeSession,
    SessionMember,
)
from aap.core.roles import COMMITTEE
from aap.extensions import db


class SessionRefused(ValueError):
    """A change of a session that cannot be made, with the reason in French."""


@dataclass(frozen=True)
class SessionDetails:
    """What the session form gives, times already in UTC."""

    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    video_url: str
    #: None: « half the members plus one », kept as members come and go
    quorum: int | None
    member_ids: tuple[int, ...]


@dataclass(frozen=True)
class Saved:
    session: CommitteeSession
    #: convocations mailed by this change (a convened session moved, or new members)
    convocations: int = 0


def quorum_rule(members: int) -> int:
    """Half the members plus one: 4 of 6, 4 of 7."""
    return members // 2 + 1


def moves(session: CommitteeSession, details: SessionDetails) -> bool:
    """Whether what the members were told (date, place, link) changes: a convened session is then convened again."""
    return session.state == CONVENED and (session.starts_at, session.ends_at, session.place, session.video_url) != (
        details.starts_at, details.ends_at, details.place, details.video_url)


def create_session(call, details: SessionDetails, actor) -> CommitteeSession:
    session = CommitteeSession(call_id=call.id, call=call, state=PLANNED, created_by_id=actor.id)
    db.session.add(session)
    _apply(session, details)
    db.session.flush()
    return session


def update_session(session: CommitteeSession, details: SessionDetails, now: datetime) -> Saved:
    """Change a session not yet open; once convened, a move re-sends the convocation, new members get theirs."""
    if session.state in (OPEN, CLOSED):
        raise SessionRefused(_("La séance est ouverte ou close : elle ne se modifie plus."))
    moved = moves(session, details)
    added = _apply(session, details)
    db.session.flush()
    sent = 0
    if moved:
        sent = convocation.convene(session, now)
    elif added and session.state == CONVENED:
        sent = convocation.convene(session, now, only=added)
    reminders.plan_for(session, now)
    return Saved(session, sent)


def _apply(session: CommitteeSession, details: SessionDetails) -> list[SessionMember]:
    session.title, session.place, session.video_url = details.title, details.place, details.video_url
    session.starts_at, session.ends_at = details.starts_at, details.ends_at
    added = _set_members(session, details.member_ids)
    session.quorum_from_rule = details.quorum is None
    session.quorum = quorum_rule(len(session.members)) if details.quorum is None else details.quorum
    return added


def _set_members(session: CommitteeSession, user_ids) -> list[SessionMember]:
    wanted = set(user_ids)
    for member in [member for member in session.members if member.user_id not in wanted]:
        _unseat(session, member)
    seated = {member.user_id for member in session.members}
    newcomers = db.session.execute(db.select(User).where(User.id.in_(sorted(wanted - seated)))
                                   .order_by(User.id)).scalars().all()
    return [_seat(session, user) for user in newcomers]


def _seat(session: CommitteeSession, user: User) -> SessionMember:
    """A seat brings the committee role on the call, so that the access module lets the member read its dossiers."""
    had_role = user.has_role(COMMITTEE, session.call_id)
    grant_role(user, COMMITTEE, session.call_id)
    member = SessionMember(user_id=user.id, user=user, granted_role=not had_role)
    session.members.append(member)
    return member


def _unseat(session: CommitteeSession, member: SessionMember) -> None:
    """The role goes only with the seat that brought it, and only if no other seat on the call keeps it."""
    if member.granted_role:
        other = db.session.execute(
            db.select(SessionMember).join(CommitteeSession, CommitteeSession.id == SessionMember.session_id)
            .where(CommitteeSession.call_id == session.call_id, CommitteeSession.id != session.id,
                   SessionMember.user_id == member.user_id).order_by(SessionMember.id).limit(1)).scalar()
        if other is not None:
            other.granted_role = True
        else:
            db.session.execute(db.delete(RoleGrant).where(
                RoleGrant.user_id == member.user_id, RoleGrant.role == COMMITTEE,
                RoleGrant.call_id == session.call_id))
            db.session.expire(member.user, ["grants"])
    session.members.remove(member)


def convene(session: CommitteeSession, now: datetime) -> int | None:
    """Convoke every member (planned → convened) and plan the reminder; None when nothing changed since the last."""
    if session.state not in (PLANNED, CONVENED):
        raise SessionRefused(_("La séance est ouverte ou close : la convocation ne part plus."))
    sent = convocation.convene(session, now)
    reminders.plan_for(session, now)
    return sent


def delete_session(session: CommitteeSession, now: datetime) -> int:
    """A session not yet open leaves with its seats; convened members are told it is cancelled. Returns how many."""
    if session.state in (OPEN, CLOSED):
        raise SessionRefused(_("La séance est ouverte ou close : elle ne se supprime plus."))
    told = convocation.cancel(session, now) if session.state == CONVENED else 0
    for member in list(session.members):
        _unseat(session, member)
    reminders.cancel(session)
    db.session.delete(session)
    db.session.flush()
    return told


def record_attendance(session: CommitteeSession, answers: dict[int, str | None], now: datetime) -> int:
    """Each member's attendance (a key of ATTENDANCE, or None), timed when it changes; the last answer stays."""
    if session.state == CLOSED:
        raise SessionRefused(_("La séance est close : les présences ne changent plus."))
    changed = 0
    for member in session.members:
        answer = answers.get(member.id, member.attendance) or None
        if answer is not None and answer not in ATTENDANCE:
            raise SessionRefused(_("Choisissez une présence parmi celles proposées."))
        if answer != member.attendance:
            member.attendance, member.attendance_recorded_at = answer, now if answer else None
            changed += 1
    if changed:
        session.revision += 1
    return changed


def present(members) -> int:
    """Members present, in the room or remote."""
    return sum(member.attendance in (IN_ROOM, REMOTE) for member in members)
