"""Reads of the live meeting: the poll's one statement, the agenda in order, members, votes, recusals, envelopes."""
from collections import Counter
from decimal import Decimal

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from aap.auth.models import RoleGrant, User
from aap.committee.models import (
    CLOSED,
    FAVORABLE,
    IN_ROOM,
    OPEN,
    REMOTE,
    AgendaItem,
    CommitteeSession,
    Recusal,
    SessionMember,
    Vote,
)
from aap.core.roles import STAFF_ROLES
from aap.core.text import sort_key
from aap.dossiers.access import access
from aap.dossiers.models import Dossier
from aap.dossiers.reviewers import Conflict
from aap.extensions import db
from aap.review.models import ReviewStanding

PRESENT = (IN_ROOM, REMOTE)


def follow_state(session_id: int, user_id: int):
    """(revision, current item, convened) of a session in one statement, or None: the members' screens poll it."""
    convened = exists().where(SessionMember.session_id == CommitteeSession.id, SessionMember.user_id == user_id)
    return db.session.execute(select(CommitteeSession.revision, CommitteeSession.current_item_id,
                                     convened.label("convened"))
                              .where(CommitteeSession.id == session_id)).first()


def agenda(meeting: CommitteeSession) -> list[AgendaItem]:
    """The session's items in their order, with what the screens show of each dossier."""
    return list(db.session.execute(
        select(AgendaItem).where(AgendaItem.session_id == meeting.id).order_by(AgendaItem.position, AgendaItem.id)
        .options(selectinload(AgendaItem.dossier).selectinload(Dossier.organisation),
                 selectinload(AgendaItem.dossier).selectinload(Dossier.strand))).scalars())


def members(meeting: CommitteeSession) -> list[SessionMember]:
    return list(db.session.execute(
        select(SessionMember).where(SessionMember.session_id == meeting.id).order_by(SessionMember.id)
        .options(selectinload(SessionMember.user).selectinload(User.grants))).scalars())


def member_of(meeting: CommitteeSession, user_id: int) -> SessionMember | None:
    return db.session.execute(select(SessionMember).where(SessionMember.session_id == meeting.id,
                                                          SessionMember.user_id == user_id)).scalar_one_or_none()


def present_count(meeting: CommitteeSession) -> int:
    return db.session.execute(select(func.count()).select_from(SessionMember).where(
        SessionMember.session_id == meeting.id, SessionMember.attendance.in_(PRESENT))).scalar_one()


def recused_ids(item: AgendaItem) -> set[int]:
    """The people whose recusal was recorded for this item."""
    return set(db.session.execute(select(Recusal.user_id).where(Recusal.item_id == item.id)).scalars())


def stepping_aside(users, dossier: Dossier) -> set[int]:
    """Those of `users` set aside from the dossier: one query for the conflicts, the access rule for each one found.

    The access module decides (a conflict does not bind the authority's staff); only the few declared are asked.
    """
    by_id = {user.id: user for user in users}
    declared = db.session.execute(select(Conflict.user_id).where(
        Conflict.dossier_id == dossier.id, Conflict.user_id.in_(by_id))).scalars() if by_id else []
    return {user_id for user_id in declared if access(by_id[user_id], dossier).recused}


def recused_dossiers(user, items: list[AgendaItem]) -> set[int]:
    """The dossiers of the agenda this person is set aside from, by a declared conflict."""
    dossiers = {item.dossier_id: item.dossier for item in items}
    declared = db.session.execute(select(Conflict.dossier_id).where(
        Conflict.user_id == user.id, Conflict.dossier_id.in_(dossiers))).scalars() if dossiers else []
    return {dossier_id for dossier_id in declared if access(user, dossiers[dossier_id]).recused}


def votes(item: AgendaItem) -> list[Vote]:
    return list(db.session.execute(select(Vote).where(Vote.item_id == item.id).order_by(Vote.id)).scalars())


def own_vote(item: AgendaItem, user_id: int) -> Vote | None:
    return db.session.execute(select(Vote).where(Vote.item_id == item.id, Vote.user_id == user_id)).scalar_one_or_none()


def tally(cast: list[Vote]) -> Counter:
    return Counter(vote.choice for vote in cast)


def standing(dossier_id: int) -> ReviewStanding | None:
    return db.session.get(ReviewStanding, dossier_id)


def favorable_amounts(call_id: int, excluding_item_id: int | None = None,
                      excluding_session_id: int | None = None) -> list[tuple[int | None, Decimal]]:
    """(strand, amount) of each favorable recommendation in the call's open and closed sessions, but one item's
    or one session's: what the call's envelopes have committed, for the live page and the envelope tracker."""
    query = (select(Dossier.strand_id, AgendaItem.amount).join(Dossier, Dossier.id == AgendaItem.dossier_id)
             .join(CommitteeSession, CommitteeSession.id == AgendaItem.session_id)
             .where(CommitteeSession.call_id == call_id, CommitteeSession.state.in_((OPEN, CLOSED)),
                    AgendaItem.recommendation == FAVORABLE, AgendaItem.amount.is_not(None)))
    if excluding_item_id is not None:
        query = query.where(AgendaItem.id != excluding_item_id)
    if excluding_session_id is not None:
        query = query.where(AgendaItem.session_id != excluding_session_id)
    return [(strand_id, amount) for strand_id, amount in db.session.execute(query).all()]


def staff_people() -> list[User]:
    """Administrators and instructors: any of them may chair a session."""
    staff = select(RoleGrant.user_id).where(RoleGrant.role.in_(STAFF_ROLES))
    people = db.session.execute(select(User).where(User.id.in_(staff), User.active.is_(True))).scalars()
    return sorted(people, key=lambda user: sort_key(user.display_name))


def chair_candidates(meeting: CommitteeSession, convened: list[SessionMember]) -> list[User]:
    """Whom the chair may hand over to: a staff person, or a convened member present; never the chair themself."""
    present = [member.user for member in convened if member.attendance in PRESENT]
    seen, candidates = set(), []
    for person in staff_people() + sorted(present, key=lambda user: sort_key(user.display_name)):
        if person.id not in seen and person.id != meeting.chair_id:
            seen.add(person.id)
            candidates.append(person)
    return candidates
