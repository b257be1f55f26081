"""The state of the job queue (RQ's registries and workers) and of the mail outbox, for administrators."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import redis
from rq import Queue, Worker
from rq.job import Job, JobStatus
from rq.results import Result
from sqlalchemy import func

from aap.core.models import utcnow
from aap.core.queue import TICK_JOB_ID
from aap.extensions import db
from aap.mail.models import Mail

#: failed jobs listed on the page, the most recent first
FAILED_SHOWN = 20


@dataclass
class FailedJob:
    id: str
    function: str
    arguments: str
    enqueued_at: datetime | None
    ended_at: datetime | None
    #: the last line of the traceback, e.g. "RuntimeError: …"
    error: str


@dataclass
class WorkerInfo:
    name: str
    state: str
    current_job: str | None
    last_heartbeat: datetime | None
    successful: int
    failed: int


@dataclass
class QueueFigures:
    queued: int
    scheduled: int
    started: int
    deferred: int
    failed: int
    failed_jobs: list[FailedJob] = field(default_factory=list)
    workers: list[WorkerInfo] = field(default_factory=list)
    #: "scheduled", "queued", "started" or "missing"
    tick: str = "missing"
    tick_at: datetime | None = None


@dataclass
class OutboxFigures:
    pending: int
    sending: int
    failed: int
    held: int
    sent_last_day: int
    oldest_pending_at: datetime | None

    @property
    def oldest_pending_age(self) -> timedelta | None:
        return utcnow() - self.oldest_pending_at if self.oldest_pending_at else None


def outbox_figures(now: datetime | None = None) -> OutboxFigures:
    """One statement of indexed counts: mails per waiting state, sent in the last 24 hours, the oldest waiting.

    Each figure reads its own range of an index on (status, …), never the 30,000 mails sent long ago.
    """
    now = now or utcnow()

    def count_of(*conditions):
        return db.select(func.count()).select_from(Mail).where(*conditions).scalar_subquery()

    row = db.session.execute(db.select(
        *(count_of(Mail.status == state) for state in ("pending", "sending", "failed", "held")),
        count_of(Mail.status == "sent", Mail.sent_at >= now - timedelta(days=1)),
        db.select(func.min(Mail.created_at)).where(Mail.status == "pending").scalar_subquery(),
    )).one()
    return OutboxFigures(*(int(value) for value in row[:5]), oldest_pending_at=row[5])


def queue_figures(queue: Queue) -> QueueFigures:
    """Read-only look at RQ; raises redis.RedisError (or OSError) when Redis cannot be reached."""
    queue.connection.ping()
    # no cleanup on the started registry: moving abandoned jobs is the workers' business, not a page's
    figures = QueueFigures(queued=queue.count, scheduled=queue.scheduled_job_registry.get_job_count(cleanup=False),
                           started=queue.started_job_registry.get_job_count(cleanup=False),
                           deferred=queue.deferred_job_registry.get_job_count(cleanup=False),
                           failed=queue.failed_job_registry.count)
    figures.failed_jobs = failed_jobs(queue)
    figures.workers = workers(queue)
    figures.tick, figures.tick_at = tick_state(queue)
    return figures


def failed_jobs(queue: Queue, limit: int = FAILED_SHOWN) -> list[FailedJob]:
    ids = queue.failed_job_registry.get_job_ids(0, limit - 1, desc=True, cleanup=False)
    listed = []
    for job in Job.fetch_many(ids, connection=queue.connection, serializer=queue.serializer):
        if job is not None:
            listed.append(FailedJob(job.id, job.func_name or "?", _arguments(job), job.enqueued_at, job.ended_at,
                                    _last_line(_traceback(job))))
    return listed


def _traceback(job: Job) -> str:
    result = job.latest_result()
    if result is not None and result.type == Result.Type.FAILED:
        return result.exc_string or ""
    return ""


def _last_line(traceback: str) -> str:
    lines = [line for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def _arguments(job: Job) -> str:
    try:
        return ", ".join([repr(value) for value in job.args] + [f"{k}={v!r}" for k, v in job.kwargs.items()])
    except Exception:  # arguments pickled by a version of the code this process cannot read
        return "?"


def workers(queue: Queue) -> list[WorkerInfo]:
    """Workers serving this queue; a worker that stopped sending heartbeats drops out of RQ's list."""
    found = Worker.all(queue=queue)
    return sorted((WorkerInfo(worker.name, worker.get_state(), worker.get_current_job_id(), worker.last_heartbeat,
                              worker.successful_job_count, worker.failed_job_count) for worker in found),
                  key=lambda info: info.name)


def tick_state(queue: Queue) -> tuple[str, datetime | None]:
    """Where the periodic tick is: scheduled (and when), waiting in the queue, running, or nowhere."""
    registry = queue.scheduled_job_registry
    if TICK_JOB_ID in registry:
        return "scheduled", registry.get_scheduled_time(TICK_JOB_ID)
    job = queue.fetch_job(TICK_JOB_ID)
    status = job.get_status(refresh=False) if job is not None else None
    if status == JobStatus.QUEUED:
        return "queued", None
    if status == JobStatus.STARTED:
        return "started", None
    return "missing", None


def queue_health(queue_factory) -> tuple[QueueFigures | None, str | None]:
    """(figures, None), or (None, the reason) when Redis cannot be reached."""
    try:
        return queue_figures(queue_factory()), None
    except (redis.RedisError, OSError) as error:
        return None, f"{type(error).__name__} : {str(error).rstrip('.')}"
