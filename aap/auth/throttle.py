"""Failed-attempt counters in Redis, shared by every web process."""
import hashlib
import logging

import redis
from flask import current_app

from aap.core.queue import get_redis

log = logging.getLogger(__name__)


def _key(kind: str, value: str) -> str:
    return f"aap:throttle:{kind}:" + hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def keys_for(email: str, ip: str | None) -> list[str]:
    return [_key("email", email), _key("ip", ip or "unknown")]


def retry_after(keys: list[str]) -> int:
    """Seconds before another attempt is allowed; 0 when not throttled."""
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    try:
        connection = get_redis()
        waits = []
        for index, key in enumerate(keys):
            count = int(connection.get(key) or 0)
            # an address shared by many people (a town hall's NAT) gets more room than one account
            if count >= (limit if index == 0 else limit * 4):
                waits.append(max(connection.ttl(key), 1))
        return max(waits, default=0)
    except redis.RedisError as exc:
        log.warning("throttle unavailable, login allowed: %s", exc)
        return 0


def record_failure(keys: list[str]) -> None:
    window = current_app.config["LOGIN_THROTTLE_SECONDS"]
    try:
        pipe = get_redis().pipeline()
        for key in keys:
            pipe.incr(key)
            pipe.expire(key, window)
        pipe.execute()
    except redis.RedisError as exc:
        log.warning("throttle unavailable: %s", exc)


def clear(keys: list[str]) -> None:
    try:
        get_redis().delete(keys[0])
    except redis.RedisError as exc:
        log.warning("throttle unavailable: %s", exc)
