"""Calls as the public sees them."""
from aap.calls.models import Call
from aap.core.models import utcnow
from aap.extensions import db


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
