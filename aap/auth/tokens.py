"""Signed, expiring, single-use links: e-mail verification, password reset, invitation."""
import hashlib

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from aap.auth.models import User
from aap.extensions import db

MAX_AGE = {"verify": 3 * 24 * 3600, "reset": 2 * 3600, "invite": 14 * 24 * 3600}


class TokenError(Exception):
    pass


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"aap-{purpose}")


def _fingerprint(user: User, purpose: str) -> str:
    """Changes once the link has been used, which is what makes it single-use."""
    state = {
        "verify": f"{user.email}|{user.email_verified_at}",
        "reset": f"{user.email}|{user.password_hash}",
        "invite": f"{user.email}|{user.password_hash}|{user.session_token}",
    }[purpose]
    return hashlib.sha256(f"{purpose}|{state}".encode()).hexdigest()[:24]


def make_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"u": user.id, "f": _fingerprint(user, purpose)})


def read_token(token: str, purpose: str) -> User:
    try:
        data = _serializer(purpose).loads(token, max_age=MAX_AGE[purpose])
    except SignatureExpired:
        raise TokenError(_("Ce lien a expiré. Demandez-en un nouveau.")) from None
    except BadSignature:
        raise TokenError(_("Ce lien n'est pas valable. Vérifiez qu'il a été copié en entier.")) from None
    user = db.session.get(User, data.get("u"))
    if user is None or not user.active:
        raise TokenError(_("Ce lien n'est pas valable. Vérifiez qu'il a été copié en entier."))
    if data.get("f") != _fingerprint(user, purpose):
        raise TokenError(_("Ce lien a déjà été utilisé. Il ne sert qu'une fois."))
    return user
