"""State timeouts: fired as actor "system", re-checked at firing, never twice.

Each timeout is scheduled at its exact time through RQ's scheduler; a sweep every minute also fires
any that is due, so a timeout survives the loss of Redis.
"""
import logging

from aap.core.jobs import job
from aap.core.models import utcnow
from aap.core.queue import enqueue_after_commit
from aap.extensions import db
from aap.workflow import engine
from aap.workflow.subject import subject_model

log = logging.getLogger(__name__)


def fire_if_due(dossier_id: int, entered_sequence: int | None = None, now=None) -> str:
    now = now or utcnow()
    dossier = engine.lock(dossier_id)
    if dossier.timeout_at is None or dossier.timeout_at > now:
        return "not due"
    if entered_sequence is not None and dossier.audit_count != entered_sequence:
        return "moved on"
    state = engine.workflow_of(dossier).states[dossier.state]
    try:
        engine.apply_transition(dossier.id, state.timeout.transition, None, now=now)
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
    model = subject_model()
    due = db.session.execute(db.select(model.id).where(model.timeout_at <= now).order_by(model.id)).scalars()
    fired = 0
    for dossier_id in list(due):
        fired += fire_if_due(dossier_id, now=now) == "fired"
        db.session.commit()
    return fired


def schedule_timeout(dossier, workflow, transition, from_state, **_) -> None:
    """Receiver of transition_applied: a state with a timeout gets its job, at the exact time, after the commit."""
    if transition.target != from_state and workflow.states[transition.target].timeout:
        enqueue_after_commit(db.session(), fire_timeout, dossier.id, dossier.audit_count, at=dossier.timeout_at)
