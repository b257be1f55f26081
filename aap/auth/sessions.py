"""Login sessions held by the server: opened at login, ended at logout or from the account page."""
import secrets
from datetime import timedelta

from flask import request, session

from aap.auth.models import SESSION_SECRET, LoginSession, User, hash_secret, idle_since
from aap.core.models import utcnow
from aap.extensions import db

#: how long a typed password opens sensitive actions (regenerating recovery codes…), as GitHub's sudo mode
SUDO_WINDOW = timedelta(minutes=10)


def open_session(user: User) -> LoginSession:
    """A new session for this browser; its secret goes in the browser's cookie, only its hash in the table."""
    secret = secrets.token_urlsafe(32)
    db.session.execute(db.delete(LoginSession).where(LoginSession.user_id == user.id,
                                                     LoginSession.last_seen_at <= idle_since()))
    login_session = LoginSession(user_id=user.id, token_hash=hash_secret(secret),
                                 user_agent=(request.headers.get("User-Agent") or "")[:300],
                                 ip_address=(request.remote_addr or "")[:45], password_confirmed_at=utcnow())
    db.session.add(login_session)
    db.session.flush()
    session[SESSION_SECRET] = secret
    user.login_session = login_session
    return login_session


def current_session(user) -> LoginSession | None:
    return getattr(user, "login_session", None)


def end_session(login_session: LoginSession | None) -> None:
    if login_session is not None:
        db.session.execute(db.delete(LoginSession).where(LoginSession.id == login_session.id))


def end_other_sessions(user: User) -> int:
    """Sign every other browser of this account out; returns how many."""
    keep = current_session(user)
    query = db.delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep is not None:
        query = query.where(LoginSession.id != keep.id)
    return db.session.execute(query).rowcount


def end_all_sessions(user: User) -> None:
    db.session.execute(db.delete(LoginSession).where(LoginSession.user_id == user.id))


def open_sessions(user: User) -> list[LoginSession]:
    return list(db.session.execute(db.select(LoginSession).where(LoginSession.user_id == user.id,
                                                                 LoginSession.last_seen_at > idle_since())
                                   .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())).scalars())


def confirm_password(user: User) -> None:
    current_session(user).password_confirmed_at = utcnow()


def recently_confirmed(user: User) -> bool:
    login_session = current_session(user)
    confirmed = login_session.password_confirmed_at if login_session is not None else None
    return confirmed is not None and utcnow() - confirmed < SUDO_WINDOW
