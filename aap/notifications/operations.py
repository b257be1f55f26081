"""Every write of the notifications domain; none of them commits."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import force_locale

from aap.core.models import utcnow
from aap.extensions import db
from aap.notifications.context import encode
from aap.notifications.events import EVENTS
from aap.notifications.mail import queue_mail, render_parts
from aap.notifications.models import CHANNELS, Mail, Notification, NotificationPreference
from aap.notifications.unsubscribe import unsubscribe_url

PARIS = ZoneInfo("Europe/Paris")
#: the daily digest leaves after this local time
DIGEST_HOUR = 8


def channels_for(user_ids, event: str) -> dict[int, str]:
    """Each user's choice for one event, in one query; essential events are always immediate."""
    if EVENTS[event].essential or not user_ids:
        return {user_id: "immediate" for user_id in user_ids}
    chosen = dict(db.session.execute(db.select(NotificationPreference.user_id, NotificationPreference.channel)
                                     .where(NotificationPreference.user_id.in_(list(user_ids)),
                                            NotificationPreference.event == event)).all())
    return {user_id: chosen.get(user_id, "immediate") for user_id in user_ids}


def notify(user, event: str, template: str | None = None, *, link: str | None = None, key: str | None = None,
           channel: str | None = None, **context) -> Notification | None:
    """Tell one person: always in the app, by mail now, in the next digest, or not by mail, as they chose."""
    template = template or event
    if not user.active:
        return None
    encode(context)  # refuse here, where the bug is, values the worker could not read back
    channel = channel or channels_for([user.id], event)[user.id]
    notification = Notification(user_id=user.id, event=event, template=template, link=link, channel=channel,
                                title=_title(template, user, {"link": link, **context}, event))
    db.session.add(notification)
    if channel == "immediate":
        queue_mail(user.email, template, user=user, link=link, key=key,
                   unsubscribe_url=unsubscribe_url(user, event), **context)
    return notification


def _title(template: str, user, context: dict, event: str) -> str:
    """The mail's subject in the person's language; the event's name if the template cannot render."""
    try:
        subject, _text, _html = render_parts(template, user.locale, {"recipient": user, **context})
    except Exception:  # the mail itself will record the template error; the change goes on
        with force_locale(user.locale):
            subject = str(EVENTS[event].label)
    return subject[:300]


def set_preferences(user, choices: dict[str, str]) -> None:
    """Store the person's channel for each non-essential event they may receive."""
    current = {preference.event: preference for preference in db.session.execute(
        db.select(NotificationPreference).where(NotificationPreference.user_id == user.id)).scalars()}
    for event, channel in choices.items():
        if event not in EVENTS or EVENTS[event].essential or channel not in CHANNELS:
            raise ValueError(f"préférence invalide : {event} = {channel}")
        if event in current:
            current[event].channel = channel
        else:
            db.session.add(NotificationPreference(user_id=user.id, event=event, channel=channel))


def mark_read(user, notification_ids=None) -> int:
    """Mark some (or all) of the person's unread notifications as read; returns how many."""
    query = db.select(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_ids is not None:
        query = query.where(Notification.id.in_(list(notification_ids)))
    notifications = db.session.execute(query).scalars().all()
    now = utcnow()
    for notification in notifications:
        notification.read_at = now
    return len(notifications)


def digest_day(now: datetime) -> str | None:
    """The local date whose digest may leave now, or None before DIGEST_HOUR (Paris time)."""
    local = now.astimezone(PARIS)
    return local.date().isoformat() if local.time() >= time(DIGEST_HOUR) else None


def queue_digests(now: datetime | None = None) -> int:
    """Write today's digest for everyone with notifications waiting for it; at most one per person and day."""
    from aap.auth.models import User
    from aap.auth.operations import external_url

    now = now or utcnow()
    day = digest_day(now)
    if day is None:
        return 0
    waiting = db.session.execute(
        db.select(Notification).join(User, User.id == Notification.user_id)
        .where(Notification.channel == "digest", Notification.digest_mail_id.is_(None), User.active.is_(True))
        .order_by(Notification.user_id, Notification.created_at, Notification.id)).scalars().all()
    by_user: dict[int, list[Notification]] = {}
    for notification in waiting:
        by_user.setdefault(notification.user_id, []).append(notification)
    written = 0
    preferences_url = external_url("inbox.preferences") if by_user else None
    for user_id, notifications in by_user.items():
        key = f"digest:{user_id}:{day}"
        if db.session.execute(db.select(Mail.id).where(Mail.idempotency_key == key)).first():
            continue  # today's digest already left: these wait for tomorrow's
        user = db.session.get(User, user_id)
        items = [{"title": n.title, "link": n.link, "at": n.created_at} for n in notifications]
        mail = queue_mail(user.email, "digest", user=user, key=key, items=items, day=date.fromisoformat(day),
                          preferences_url=preferences_url)
        for notification in notifications:
            notification.digest_mail_id = mail.id
        written += 1
    return written


def next_digest_time(now: datetime) -> datetime:
    local = now.astimezone(PARIS)
    moment = datetime.combine(local.date(), time(DIGEST_HOUR), PARIS)
    if moment <= local:
        moment = datetime.combine(local.date() + timedelta(days=1), time(DIGEST_HOUR), PARIS)
    return moment
