"""TOTP two-factor authentication and one-time recovery codes."""
import hashlib
import secrets
import time
from datetime import datetime, timezone

import pyotp
import segno
from sqlalchemy.orm.attributes import set_committed_value

from aap.auth.models import RecoveryCode, User
from aap.core.models import utcnow
from aap.extensions import db

ISSUER = "aap"
RECOVERY_CODE_COUNT = 10


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """An SVG QR code inlined as a data: URI, so nothing is loaded from elsewhere."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step a code belongs to, allowing one step of clock drift either side."""
    code = _normalise(code)
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = at if at is not None else time.time()
    for drift in (0, -1, 1):
        moment = now + drift * totp.interval
        if secrets.compare_digest(totp.at(moment), code):
            return totp.timecode(_datetime(moment))
    return None


def _datetime(moment: float):
    return datetime.fromtimestamp(moment, timezone.utc)


def check_totp(user: User, code: str) -> bool:
    """A valid code, never accepted twice: of concurrent requests with one code, only one moves the step on."""
    if not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code)
    if step is None:
        return False
    claimed = db.session.execute(
        db.update(User).where(User.id == user.id, db.or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def _hash_code(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def issue_recovery_codes(user: User) -> list[str]:
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_code(raw)))
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    if len(_normalise(code)) != 10:
        return False
    """An unused code, spent by one conditional UPDATE so that two requests cannot both spend it."""
    spent = db.session.execute(
        db.update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash_code(code),
                                      RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
    return spent.rowcount == 1


def remaining_recovery_codes(user: User) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).scalar_one()
