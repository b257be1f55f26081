"""Reads of calls: as the public sees them, as an administrator lists them, as a choice in a filter."""
from sqlalchemy.orm import lazyload, load_only

from aap.calls.models import Call
from aap.core.models import utcnow
from aap.extensions import db
from aap.workflow.models import WorkflowVersion


def public_calls() -> dict[str, list[Call]]:
    """Published calls split into open, upcoming and closed, soonest deadline first."""
    now = utcnow()
    calls = db.session.execute(db.select(Call).where(Call.state.in_(("published", "closed")))
                               .order_by(Call.closes_at.asc().nulls_last(), Call.id)).scalars().all()
    groups = {"open": [], "upcoming": [], "closed": []}
    for call in calls:
        if call.is_open(now):
            groups["open"].append(call)
        elif call.state == "published" and call.opens_at and call.opens_at > now:
            groups["upcoming"].append(call)
        else:
            groups["closed"].append(call)
    groups["closed"].reverse()
    return groups


NEWEST_FIRST = (Call.year.desc(), Call.title, Call.id)


def all_calls() -> list[Call]:
    """Every call, newest edition first, for the administration."""
    return db.session.execute(db.select(Call).order_by(*NEWEST_FIRST)).scalars().all()


def visible_calls(user) -> list[Call]:
    """The calls this person may know about (the SQL twin of Call.can("view")), newest first: for choice lists."""
    query = db.select(Call).options(load_only(Call.id, Call.title, Call.year, Call.state, Call.workflow_version_id),
                                    lazyload(Call.strands)).order_by(*NEWEST_FIRST)
    if not (user.is_authenticated and user.is_staff):
        query = query.where(Call.state != "draft")
    return db.session.execute(query).scalars().all()


def versions_followed_by_calls() -> list[WorkflowVersion]:
    """The pinned workflow versions some call follows, oldest first."""
    return db.session.execute(db.select(WorkflowVersion).where(WorkflowVersion.id.in_(
        db.select(Call.workflow_version_id))).order_by(WorkflowVersion.id)).scalars().all()
