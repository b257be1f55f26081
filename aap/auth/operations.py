"""Every write of the accounts domain. Nothing here commits: the request or job does."""
from aap.auth import tokens, totp
from aap.auth.models import RoleGrant, User, new_session_token
from aap.auth.passwords import hash_password, needs_rehash, verify_password
from aap.auth.sessions import end_all_sessions
from aap.core.models import utcnow
from aap.core.roles import CALL_ROLES, GLOBAL_ROLES
from aap.core.urls import external_url
from aap.extensions import db
from aap.mail.outbox import queue_mail


def find_user(email: str) -> User | None:
    return db.session.execute(db.select(User).where(User.email == email.strip().lower())).scalar_one_or_none()


def register(full_name: str, email: str, password: str, locale: str) -> User | None:
    """Create an account and mail its verification link; an existing address gets a warning mail instead."""
    password_hash = hash_password(password)  # before the lookup: a known address costs the same time
    existing = find_user(email)
    if existing is not None:
        queue_mail(existing.email, "account_exists", user=existing,
                   login_url=external_url("auth.login"), reset_url=external_url("auth.forgot_password"))
        return None
    user = User(full_name=full_name.strip(), email=email, password_hash=password_hash, locale=locale)
    db.session.add(user)
    db.session.flush()
    send_verification(user)
    return user


def send_verification(user: User) -> None:
    queue_mail(user.email, "verify_email", user=user,
               link=external_url("auth.verify_email", token=tokens.make_token(user, "verify")))


def verify_email(token: str) -> User:
    user = tokens.read_token(token, "verify")
    user.email_verified_at = utcnow()
    return user


def check_credentials(email: str, password: str) -> User | None:
    user = find_user(email)
    # the hash is checked even for an unknown or disabled account, so that both take the same time
    matches = verify_password(user.password_hash if user is not None else None, password)
    if user is None or not user.active or not matches:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def record_login(user: User) -> None:
    user.last_login_at = utcnow()


def set_password(user: User, password: str) -> None:
    """A new password signs every session of the account out (the caller opens a new one if needed)."""
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    end_all_sessions(user)


def request_password_reset(email: str) -> None:
    user = find_user(email)
    if user is not None and user.active:
        queue_mail(user.email, "reset_password", user=user,
                   link=external_url("auth.reset_password", token=tokens.make_token(user, "reset")))


def reset_password(token: str, password: str) -> User:
    user = tokens.read_token(token, "reset")
    set_password(user, password)
    # following the mailed link proves the address too
    user.email_verified_at = user.email_verified_at or utcnow()
    return user


def grant_role(user: User, role: str, call_id: int | None = None) -> RoleGrant:
    if role in GLOBAL_ROLES and call_id is not None:
        raise ValueError(f"{role} is a global role")
    if role in CALL_ROLES and call_id is None:
        raise ValueError(f"{role} is granted on a call")
    if role not in GLOBAL_ROLES + CALL_ROLES:
        raise ValueError(f"unknown role {role}")
    for grant in user.grants:
        if grant.role == role and grant.call_id == call_id:
            return grant
    grant = RoleGrant(role=role, call_id=call_id)
    user.grants.append(grant)
    return grant


def invite(email: str, role: str, call_id: int | None, invited_by: User | None) -> tuple[User, str]:
    """Create (or reuse) the account, grant the role and mail the link that sets its password."""
    user = find_user(email)
    if user is None:
        user = User(email=email.strip().lower(), password_hash=None)
        db.session.add(user)
    grant_role(user, role, call_id)
    db.session.flush()
    if user.password_hash is None:
        link = external_url("auth.accept_invitation", token=tokens.make_token(user, "invite"))
    else:
        link = external_url("auth.login")
    queue_mail(user.email, "invitation", user=user, link=link, role=role,
               inviter=invited_by.display_name if invited_by else None,
               has_password=user.password_hash is not None, days=tokens.MAX_AGE["invite"] // 86400)
    return user, link


def accept_invitation(token: str, full_name: str, password: str) -> User:
    user = tokens.read_token(token, "invite")
    user.full_name = full_name.strip()
    set_password(user, password)
    user.email_verified_at = user.email_verified_at or utcnow()
    return user


def enable_totp(user: User, secret: str) -> list[str]:
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = None
    return totp.issue_recovery_codes(user)


def disable_totp(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(db.delete(totp.RecoveryCode).where(totp.RecoveryCode.user_id == user.id))
