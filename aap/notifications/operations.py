"""Every write of the notifications domain; none of them commits."""
from datetime import date, datetime, time

from flask_babel import force_locale

from aap.auth.models import User
from aap.core.formatting import PARIS
from aap.core.models import utcnow
from aap.core.urls import external_url
from aap.extensions import db
from aap.mail.context import encode
from aap.mail.models import Mail
from aap.mail.outbox import queue_mail
from aap.mail.rendering import render_subject
from aap.notifications.events import EVENTS
from aap.notifications.models import CHANNELS, Notification, NotificationPreference
from aap.notifications.unsubscribe import unsubscribe_url

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
           channel: str | None = None, attachments: list[dict] | None = None, **context) -> Notification | None:
    """Tell one person: always in the app, by mail now, in the next digest, or not by mail, as they chose.

    `attachments` go with the mail sent at once (a digest carries none): give them with essential events.
    """
    template = template or event
    if not user.active:
        return None
    encode(context)  # refuse here, where the bug is, values the worker could not read back
    channel = channel or channels_for([user.id], event)[user.id]
    notification = Notification(user_id=user.id, event=event, template=template, link=link, channel=channel,
                                title=_title(template, user, {"link": link, **context}, event))
    db.session.add(notification)
    if channel == "immediate":
        queue_mail(user.email, template, user=user, link=link, key=key, attachments=attachments,
                   unsubscribe_url=unsubscribe_url(user, event), **context)
    return notification


def _title(template: str, user, context: dict, event: str) -> str:
    """The mail's subject in the person's language; the event's name if the template cannot render."""
    try:
        subject = render_subject(template, user.locale, {"recipient": user, **context})
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
    now = now or utcnow()
    day = digest_day(now)
    if day is None:
        return 0
    waiting = db.session.execute(
        db.select(Notification, User).join(User, User.id == Notification.user_id)
        .where(Notification.channel == "digest", Notification.digest_mail_id.is_(None), User.active.is_(True))
        .order_by(Notification.user_id, Notification.created_at, Notification.id)).all()
    by_user: dict[User, list[Notification]] = {}
    for notification, user in waiting:
        by_user.setdefault(user, []).append(notification)
    keys = {user: f"digest:{user.id}:{day}" for user in by_user}
    # today's digest already left for these people: their notifications wait for tomorrow's
    already = set(db.session.execute(db.select(Mail.idempotency_key)
                                     .where(Mail.idempotency_key.in_(list(keys.values())))).scalars())
    preferences_url = external_url("inbox.preferences") if by_user else None
    written = 0
    for user, notifications in by_user.items():
        if keys[user] in already:
            continue
        items = [{"title": n.title, "link": n.link, "at": n.created_at} for n in notifications]
        mail = queue_mail(user.email, "digest", user=user, key=keys[user], items=items,
                          day=date.fromisoformat(day), preferences_url=preferences_url)
        for notification in notifications:
            notification.digest_mail_id = mail.id
        written += 1
    return written
