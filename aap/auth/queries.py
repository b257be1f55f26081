"""Reads of accounts for the sign-in pages."""
from aap.auth.models import User
from aap.extensions import db


def account_with_session_token(token: str) -> User | None:
    """The account a half-finished sign-in names (its password given, its second factor still to come)."""
    return db.session.execute(db.select(User).where(User.session_token == token)).scalar_one_or_none()
