"""The committee sessions a person takes part in: all of them for the instruction team, their own for members."""
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from aap.committee.access import is_session_staff
from aap.committee.models import AgendaItem, CommitteeSession, SessionMember
from aap.core.listing import RowsPage
from aap.extensions import db

PER_PAGE = 50


def sessions_of(user, upcoming: bool, now, page: int) -> RowsPage:
    """Sessions with their agenda's size, soonest first when upcoming, latest first when past."""
    items = select(func.count(AgendaItem.id)).where(AgendaItem.session_id == CommitteeSession.id) \
        .correlate(CommitteeSession).scalar_subquery()
    query = select(CommitteeSession, items.label("items")).options(joinedload(CommitteeSession.call))
    if not is_session_staff(user):
        query = query.where(CommitteeSession.id.in_(select(SessionMember.session_id).where(
            SessionMember.user_id == user.id)))
    query = query.where(CommitteeSession.ends_at >= now if upcoming else CommitteeSession.ends_at < now)
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    pages = max(1, -(-total // PER_PAGE))
    shown = min(page, pages)
    order = CommitteeSession.starts_at.asc() if upcoming else CommitteeSession.starts_at.desc()
    rows = db.session.execute(query.order_by(order, CommitteeSession.id).limit(PER_PAGE)
                              .offset((shown - 1) * PER_PAGE)).all()
    return RowsPage(items=rows, total=total, page=shown, pages=pages, asked=page)
