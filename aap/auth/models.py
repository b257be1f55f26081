"""Accounts, roles, two-factor recovery codes and the login sessions the server keeps."""
import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, request, session
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint, update
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from aap.core.models import TimestampMixin, UTCDateTime, utcnow
from aap.core.roles import ADMIN, STAFF_ROLES, TWO_FACTOR_ROLES
from aap.extensions import db


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    #: argon2id; empty until an invited person sets a password
    password_hash: Mapped[str | None] = mapped_column(String(200))
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: last TOTP time step accepted, so that one code cannot be replayed
    totp_last_step: Mapped[int | None]
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    #: identifies the login session; rotated on password change to sign every other session out
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    grants: Mapped[list["RoleGrant"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin")

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    @property
    def totp_enabled(self) -> bool:
        return self.totp_enabled_at is not None

    def has_role(self, role: str, call_id: int | None = None) -> bool:
        return any(grant.role == role and (call_id is None or grant.call_id == call_id)
                   for grant in self.grants)

    def roles(self) -> set[str]:
        return {grant.role for grant in self.grants}

    @property
    def is_admin(self) -> bool:
        return self.has_role(ADMIN)

    @property
    def is_staff(self) -> bool:
        return any(grant.role in STAFF_ROLES for grant in self.grants)

    def requires_two_factor(self) -> bool:
        return bool(self.roles() & TWO_FACTOR_ROLES)

    def must_enrol_totp(self) -> bool:
        return self.requires_two_factor() and not self.totp_enabled

    def can(self, action: str, user) -> bool:
        """Accounts are seen by admins only (and by their owner through the account page)."""
        return user.is_authenticated and (user.is_admin or (action == "view" and user.id == self.id))


class RoleGrant(TimestampMixin, db.Model):
    """A global role (call_id empty) or a role on one call."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role", "call_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))

    user: Mapped[User] = relationship(back_populates="grants")
    call = relationship("Call", lazy="joined")


class RecoveryCode(TimestampMixin, db.Model):
    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: sha256 of the code: the codes are random and long, so a slow hash adds nothing
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LoginSession(TimestampMixin, db.Model):
    """One signed-in browser: deleting the row signs that browser out, whatever cookie it kept."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: sha256 of the secret kept in the browser's (signed) session cookie
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: when the password was last typed in this session; sensitive actions need it to be recent
    password_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def due_for_notice(self) -> bool:
        """The browser's activity is noted at most every few minutes, or when its address changes."""
        return utcnow() - self.last_seen_at >= SEEN_EVERY or self.ip_address != (request.remote_addr or "")


SEEN_EVERY = timedelta(minutes=5)
#: the key, in Flask's session, of this browser's login secret
SESSION_SECRET = "login_secret"


def idle_since() -> datetime:
    """Sessions not seen since then have ended (PERMANENT_SESSION_LIFETIME of inactivity)."""
    return utcnow() - current_app.permanent_session_lifetime


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def load_user(session_token: str) -> User | None:
    """Flask-Login's user loader: the account of this browser's login session, if the server still holds it."""
    secret = session.get(SESSION_SECRET)
    if not secret:
        return None
    row = db.session.execute(
        db.select(User, LoginSession).join(LoginSession, LoginSession.user_id == User.id)
        .options(joinedload(User.grants).lazyload(RoleGrant.call))  # the account and its grants in one query
        .where(User.session_token == session_token, User.active.is_(True),
               LoginSession.token_hash == hash_secret(secret), LoginSession.last_seen_at > idle_since())
    ).unique().first()
    if row is None:
        return None
    user, login_session = row
    user.login_session = login_session
    if login_session.due_for_notice():
        _note_activity(login_session.id)
    return user


def _note_activity(login_session_id: int) -> None:
    """In a transaction of its own that starts with the write, before the view runs.

    A GET's transaction only reads; on SQLite, one that has read cannot wait for the write lock
    ("database is locked" at once), while one that starts by writing waits its turn.
    """
    db.session.commit()  # nothing is pending yet: this only ends the reading
    db.session.execute(update(LoginSession).where(LoginSession.id == login_session_id)
                       .values(last_seen_at=utcnow(), ip_address=(request.remote_addr or "")[:45])
                       .execution_options(synchronize_session=False))
    db.session.commit()


def session_identifier() -> str:
    """Flask-Login's "strong" check on the address and browser, with the address ProxyFix trusts.

    Flask-Login's own reads X-Forwarded-For, which any client writes as it likes.
    """
    base = f"{request.remote_addr}|{request.headers.get('User-Agent')}"
    return hashlib.sha512(base.encode("utf8")).hexdigest()
