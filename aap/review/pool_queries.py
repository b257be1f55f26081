"""Read paths of the pools and of a reviewer's own page: one query per list, whatever its length."""
from sqlalchemy import case, func, or_
from sqlalchemy.orm import joinedload

from aap.auth.models import RoleGrant, User
from aap.calls.models import Call
from aap.core.roles import COMMITTEE, REVIEWER
from aap.core.text import contains_pattern
from aap.dossiers.models import Dossier
from aap.dossiers.reviewers import ASSIGNED, DECLINED, DONE, Assignment
from aap.extensions import db
from aap.review.models import PoolMember

MEMBER_SORTS = {"name": func.lower(func.coalesce(func.nullif(User.full_name, ""), User.email)),
                "email": User.email, "load": "load", "cap": PoolMember.cap}


def _count(state):
    return func.sum(case((Assignment.state == state, 1), else_=0))


def pool_members(call, group: str = "", search: str = "", sort: str = "name", descending: bool = False):
    """The call's members with their load: [(member, to_do, done, declined)], in the asked order."""
    loads = (db.select(Assignment.user_id, _count(ASSIGNED).label("to_do"), _count(DONE).label("done"),
                       _count(DECLINED).label("declined"))
             .join(Dossier, Dossier.id == Assignment.dossier_id).where(Dossier.call_id == call.id)
             .group_by(Assignment.user_id).subquery())
    load = func.coalesce(loads.c.to_do, 0) + func.coalesce(loads.c.done, 0)
    query = (db.select(PoolMember, func.coalesce(loads.c.to_do, 0), func.coalesce(loads.c.done, 0),
                       func.coalesce(loads.c.declined, 0))
             .join(PoolMember.user).outerjoin(loads, loads.c.user_id == PoolMember.user_id)
             .where(PoolMember.call_id == call.id).options(joinedload(PoolMember.user)))
    if group:
        query = query.where(PoolMember.group == group)
    if search:
        pattern = contains_pattern(search)
        query = query.where(or_(User.email.ilike(pattern, escape="\\"), User.full_name.ilike(pattern, escape="\\")))
    column = load if sort == "load" else MEMBER_SORTS.get(sort, MEMBER_SORTS["name"])
    query = query.order_by(column.desc() if descending else column.asc(), User.email)
    return [tuple(row) for row in db.session.execute(query).all()]


def member_of(call_id: int, user_id: int) -> PoolMember | None:
    return db.session.execute(db.select(PoolMember).where(PoolMember.call_id == call_id,
                                                          PoolMember.user_id == user_id)).scalar_one_or_none()


def my_assignments(user, state: str = "") -> list[Assignment]:
    """Every assignment of the person across calls, the nearest due first (those without a date last)."""
    query = (db.select(Assignment).join(Assignment.dossier).where(Assignment.user_id == user.id)
             .options(joinedload(Assignment.dossier).joinedload(Dossier.call))
             .order_by(case((Assignment.state == ASSIGNED, 0), else_=1), Assignment.due_at.is_(None),
                       Assignment.due_at, Assignment.id))
    if state:
        query = query.where(Assignment.state == state)
    return list(db.session.execute(query).scalars())


def my_pools(user) -> list[PoolMember]:
    return list(db.session.execute(db.select(PoolMember).where(PoolMember.user_id == user.id)
                                   .options(joinedload(PoolMember.call)).order_by(PoolMember.id)).scalars())


def reading_calls(user) -> list[Call]:
    """The calls where the person reviews or sits on the committee: where they declare conflicts."""
    ids = {grant.call_id for grant in user.grants if grant.role in (REVIEWER, COMMITTEE) and grant.call_id}
    if not ids:
        return []
    return list(db.session.execute(db.select(Call).where(Call.id.in_(sorted(ids))).order_by(Call.year.desc(),
                                                                                             Call.id)).scalars())


def call_readers(call) -> list[User]:
    """Everyone with a reviewer, committee or funder grant on the call: whom an administrator may set aside."""
    return list(db.session.execute(db.select(User).join(RoleGrant).where(
        RoleGrant.call_id == call.id, RoleGrant.role.in_((REVIEWER, COMMITTEE, "funder")))
        .distinct().order_by(User.email)).scalars())
