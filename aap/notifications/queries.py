"""Reads of a person's notifications: the unread badge, one page of the centre, their mail preferences."""
from aap.extensions import db
from aap.notifications.events import EVENTS
from aap.notifications.models import Notification, NotificationPreference

#: the centre's "show" filter, by its value in the address
SHOWN = {"non-lues": Notification.read_at.is_(None), "lues": Notification.read_at.is_not(None)}


#: the badge counts this many unread notifications at most, from the (user_id, read_at) index, and shows « 99+ »
BADGE_CAP = 100


def unread_count(user, cap: int = BADGE_CAP) -> int:
    """The unread notifications, counted up to `cap`: every signed-in page shows it."""
    unread = (db.select(Notification.id).where(Notification.user_id == user.id, Notification.read_at.is_(None))
              .limit(cap).subquery())
    return db.session.execute(db.select(db.func.count()).select_from(unread)).scalar_one()


def notifications_page(user, shown: str = "", event: str = "", page: int = 1):
    query = db.select(Notification).where(Notification.user_id == user.id)
    if shown in SHOWN:
        query = query.where(SHOWN[shown])
    if event in EVENTS:
        query = query.where(Notification.event == event)
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc())
    return db.paginate(query, page=page, per_page=30, error_out=False)


def chosen_channels(user) -> dict[str, str]:
    """The channel this person chose for each event they changed (the others keep their default)."""
    return dict(db.session.execute(db.select(NotificationPreference.event, NotificationPreference.channel)
                                   .where(NotificationPreference.user_id == user.id)).all())
