"""The client's address behind trusted proxies, and rate limits counted by Flask-Limiter in the app's Redis."""
import hashlib
import math
import time

import redis
from flask import Flask, current_app, request
from flask_babel import gettext as _
from flask_babel import ngettext
from limits import parse_many
from limits.errors import StorageError
from limits.storage import RedisStorage, Storage
from werkzeug.exceptions import TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix

from aap.core.queue import get_redis
from aap.extensions import limiter


class RateLimited(TooManyRequests):
    """A limit is used up; `retry_after` says in how many seconds the next attempt is counted."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after=retry_after)
        self.seconds = retry_after


class LimitsUnavailable(Exception):
    """Redis cannot count: what the limit protects is refused rather than left unlimited.

    Counting in each process's memory instead would give an attacker the limit once per process
    and afresh at every restart, and would not stop the mails from piling up for later.
    """


def refusal_answer(refusal: Exception) -> tuple[int, dict]:
    """The status and Retry-After of a refusal: 429 for a used-up limit, 503 while Redis cannot count."""
    if isinstance(refusal, RateLimited):
        return 429, {"Retry-After": str(refusal.seconds)}
    return 503, {"Retry-After": "60"}


def mail_refusal_message(refusal: Exception) -> str:
    if isinstance(refusal, RateLimited):
        minutes = max(1, math.ceil(refusal.seconds / 60))
        return ngettext("Trop de courriels ont été demandés pour cette adresse ou depuis votre connexion. "
                        "Réessayez dans %(num)d minute : ce que vous avez saisi a été gardé.",
                        "Trop de courriels ont été demandés pour cette adresse ou depuis votre connexion. "
                        "Réessayez dans %(num)d minutes : ce que vous avez saisi a été gardé.", minutes)
    return _("L'envoi de courriels est suspendu pour un instant. Réessayez dans une minute : "
             "ce que vous avez saisi a été gardé.")


class AppRedisStorage(RedisStorage):
    """Flask-Limiter's Redis storage on the current app's own connection (REDIS_URL, or the embedded Redis)."""

    STORAGE_SCHEME = ["aap-redis"]

    def __init__(self, uri: str, **options):
        Storage.__init__(self, uri, wrap_exceptions=True)
        self.key_prefix = "aap:limits"
        self.target_server = "redis"
        self.dependency = redis

    def initialize_storage(self, _uri: str) -> None:
        """Nothing to connect to yet: each app's connection is opened on first use."""

    def get_connection(self, readonly: bool = False) -> redis.Redis:
        return get_redis(current_app)

    def _script(self, source: str):
        """The Lua script registered on the app's current connection (a script keeps the client it was made on)."""
        connection = self.get_connection()
        scripts = current_app.extensions.setdefault("aap_limit_scripts", {})
        if scripts.get(source, (None,))[0] is not connection:
            scripts[source] = (connection, connection.register_script(source))
        return scripts[source][1]

    lua_moving_window = property(lambda self: self._script(self.SCRIPT_MOVING_WINDOW))
    lua_acquire_moving_window = property(lambda self: self._script(self.SCRIPT_ACQUIRE_MOVING_WINDOW))
    lua_clear_keys = property(lambda self: self._script(self.SCRIPT_CLEAR_KEYS))
    lua_incr_expire = property(lambda self: self._script(self.SCRIPT_INCR_EXPIRE))
    lua_sliding_window = property(lambda self: self._script(self.SCRIPT_SLIDING_WINDOW))
    lua_acquire_sliding_window = property(lambda self: self._script(self.SCRIPT_ACQUIRE_SLIDING_WINDOW))


def take(setting: str, *identifiers: str) -> None:
    """Count one attempt against each limit of a setting (e.g. "5 per 15 minutes"), atomically in Redis.

    Raises RateLimited when a limit is already used up (the refused attempt is not counted, so
    it does not push the wait further), LimitsUnavailable when Redis cannot count.
    """
    strategy = limiter.limiter
    try:
        for item in parse_many(current_app.config[setting]):
            if not strategy.hit(item, setting, *identifiers):
                reset_at, _remaining = strategy.get_window_stats(item, setting, *identifiers)
                raise RateLimited(max(1, math.ceil(reset_at - time.time())))
    except StorageError as error:
        raise LimitsUnavailable(str(error)) from error


def clear(setting: str, *identifiers: str) -> None:
    """Forget the attempts counted under a setting (after a success that proves the owner)."""
    try:
        for item in parse_many(current_app.config[setting]):
            limiter.limiter.clear(item, setting, *identifiers)
    except StorageError:
        current_app.logger.warning("limites : compteur %s non remis à zéro (Redis indisponible)", setting)


def limit_mail(recipient: str, sender: str | None = None) -> None:
    """Count a mail that a request is about to send, per recipient address and per sender.

    `sender` names a signed-in account ("user:12"); a visitor is counted by address.
    """
    take("MAIL_RECIPIENT_LIMIT", hashlib.sha256(recipient.strip().lower().encode()).hexdigest()[:32])
    take("MAIL_SENDER_LIMIT", sender or "address:" + (request.remote_addr or "unknown"))


def refused(count, *args, **kwargs) -> Exception | None:
    """Run a count (take, limit_mail) for a view that only needs to know: the refusal, or None."""
    try:
        count(*args, **kwargs)
    except (RateLimited, LimitsUnavailable) as refusal:
        return refusal
    return None


def mail_refused(recipient: str, sender: str | None = None) -> Exception | None:
    return refused(limit_mail, recipient, sender)


def init_app(app: Flask) -> None:
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # only the last N hops are ours; anything further left in X-Forwarded-For was written by the client
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    limiter.init_app(app)
