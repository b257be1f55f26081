"""Limits on guessing a password or a code, counted atomically before the secret is checked."""
import hashlib
import secrets
from dataclasses import dataclass

from flask import after_this_request, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from aap.core.ratelimit import clear, take

DEVICE_COOKIE = "aap_appareil"
DEVICE_DAYS = 180
DEVICE_ACCOUNTS = 5


def _digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="aap-device")


def _device() -> dict:
    """This browser's id and the accounts that signed in with it, from its signed cookie."""
    raw = request.cookies.get(DEVICE_COOKIE)
    try:
        data = _serializer().loads(raw, max_age=DEVICE_DAYS * 86400) if raw else {}
    except BadSignature:
        data = {}
    return data if isinstance(data, dict) and isinstance(data.get("accounts"), list) else {}


@dataclass
class LoginAttempt:
    account: str
    #: the browser ("device:…") or, for a browser new to the account, the address ("address:…")
    origin: str

    def succeeded(self) -> None:
        """The owner proved the password: their count starts again and this browser is remembered."""
        clear("LOGIN_LIMIT", self.account, self.origin)
        _remember_device(self.account)


def count_login(email: str) -> LoginAttempt:
    """Count a password attempt for an account (known or not); RateLimited or LimitsUnavailable refuse it.

    The lock is per account and per browser, so failures from elsewhere, or by someone else behind
    the same address, never lock the owner's own browser out: an attacker can only lock new browsers.
    """
    account, device = _digest(email), _device()
    if account in device.get("accounts", []):
        attempt = LoginAttempt(account, "device:" + device["id"])
        take("LOGIN_LIMIT", account, attempt.origin)
        return attempt
    address = request.remote_addr or "unknown"
    attempt = LoginAttempt(account, "address:" + address)
    take("LOGIN_LIMIT", account, attempt.origin)
    take("LOGIN_ACCOUNT_LIMIT", account)
    take("LOGIN_ADDRESS_LIMIT", address)
    return attempt


def count_second_factor(user_id: int) -> None:
    """The code step has its own count: whoever reaches it already knows the password."""
    take("TWO_FACTOR_LIMIT", str(user_id))


def second_factor_succeeded(user_id: int) -> None:
    clear("TWO_FACTOR_LIMIT", str(user_id))


def _remember_device(account: str) -> None:
    device = _device()
    device_id = device.get("id") or secrets.token_hex(16)
    accounts = [account] + [known for known in device.get("accounts", []) if known != account]
    value = _serializer().dumps({"id": device_id, "accounts": accounts[:DEVICE_ACCOUNTS]})

    @after_this_request
    def set_cookie(response):
        response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_DAYS * 86400, httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
        return response
