"""One-click unsubscribe links (RFC 8058) for the mails a person may switch off, one event at a time."""
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from aap.auth.models import User
from aap.core.urls import external_url
from aap.extensions import db
from aap.notifications.events import EVENTS, Event

#: a link stays good for a year of mails, with some margin
MAX_AGE = 400 * 24 * 3600


class UnsubscribeError(Exception):
    pass


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="aap-unsubscribe")


def unsubscribe_url(user, event: str) -> str | None:
    """The link that switches this event's mails off for this person; none for essential events."""
    if EVENTS[event].essential:
        return None
    return external_url("inbox.unsubscribe", token=_serializer().dumps({"u": user.id, "e": event}))


def read_unsubscribe_token(token: str):
    """The account and the event a link names, or UnsubscribeError with the reason in French."""
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except SignatureExpired:
        raise UnsubscribeError(_("Ce lien de désabonnement a expiré. Choisissez vos courriels depuis vos "
                                 "préférences de notification.")) from None
    except BadSignature:
        raise UnsubscribeError(_("Ce lien de désabonnement n'est pas valable. Vérifiez qu'il a été copié en "
                                 "entier.")) from None
    user = db.session.get(User, data.get("u"))
    event: Event | None = EVENTS.get(data.get("e"))
    if user is None or not user.active or event is None or event.essential:
        raise UnsubscribeError(_("Ce lien de désabonnement n'est pas valable. Vérifiez qu'il a été copié en "
                                 "entier."))
    return user, event
