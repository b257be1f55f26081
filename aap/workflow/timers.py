"""State timeouts: fired as actor "system", re-checked at firing, never twice.

Each timeout is scheduled at its exact time through RQ's scheduler; a sweep every minute also fires
any that is due, so a timeout survives the loss of Redis.
"""
import logging
from datetime import timedelta

from aap.core.jobs import job
from aap.core.models import utcnow
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.workflow import engine

log = logging.getLogger(__name__)
TICK_SECONDS = 60
TICK_JOB_ID = "aap-periodic-tick"


def fire_if_due(dossier_id: int, entered_sequence: int | None = None, now=None) -> str:
    now = now or utcnow()
    dossier = engine.lock(dossier_id)
    if dossier.timeout_at is None or dossier.timeout_at > now:
        return "not due"
    if entered_sequence is not None and dossier.audit_count != entered_sequence:
        return "moved on"
    state = engine.workflow_of(dossier).states[dossier.state]
    try:
        engine.apply(dossier.id, state.timeout.transition, None, now=now)
    except engine.TransitionRefused as refusal:
        # a guard may keep it waiting: try again at the next sweep rather than fire blindly
        log.info("timeout of dossier %s not applied: %s", dossier.id, refusal.message)
        return "refused"
    return "fired"


@job
def fire_timeout(dossier_id: int, entered_sequence: int) -> str:
    return fire_if_due(dossier_id, entered_sequence)


def fire_due_timeouts(now=None) -> int:
    now = now or utcnow()
    due = db.session.execute(db.select(Dossier.id).where(Dossier.timeout_at <= now).order_by(Dossier.id)).scalars()
    fired = 0
    for dossier_id in list(due):
        fired += fire_if_due(dossier_id, now=now) == "fired"
        db.session.commit()
    return fired


@job
def periodic_tick() -> int:
    """Sweeps that keep the system honest even if a scheduled job was lost; reschedules itself."""
    from aap.core.queue import get_queue
    from aap.notifications.sweeps import run_sweeps

    fired = fire_due_timeouts()
    run_sweeps(get_queue())
    schedule_tick(get_queue())
    return fired


def schedule_tick(queue) -> None:
    """One pending tick at a time, shared by every worker; an already scheduled tick is never pushed back."""
    if queue.connection.zscore(queue.scheduled_job_registry.key, TICK_JOB_ID) is not None:
        return
    if queue.connection.set("aap:tick-lock", "1", nx=True, ex=TICK_SECONDS - 5):
        queue.enqueue_in(timedelta(seconds=TICK_SECONDS), periodic_tick, job_id=TICK_JOB_ID)
