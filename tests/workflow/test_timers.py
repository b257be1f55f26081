from datetime import timedelta

import time_machine

from aap.core.models import utcnow
from aap.core.queue import get_queue
from aap.extensions import db
from aap.workflow import engine
from aap.workflow.models import AuditRecord
from aap.workflow.timers import fire_due_timeouts, fire_timeout
from tests import factories


def info_requested(world):
    dossier = factories.make_dossier(world.call, world.organisation, world.holder)
    engine.apply_transition(dossier.id, "submit", world.holder)
    engine.apply_transition(dossier.id, "request_info", world.instructor, {"comment": "Budget ?"})
    db.session.commit()
    return dossier


def test_entering_a_state_with_a_timeout_schedules_it(world, app):
    dossier = info_requested(world)
    assert dossier.timeout_at == dossier.state_entered_at + timedelta(days=30)
    queue = get_queue(app)
    scheduled = [queue.fetch_job(job_id) for job_id in queue.scheduled_job_registry.get_job_ids()]
    assert [job.args for job in scheduled if job.func_name.endswith("fire_timeout")] == [
        (dossier.id, dossier.audit_count)]


def test_the_timer_fires_once_as_system_when_due(world):
    dossier = info_requested(world)
    with time_machine.travel(utcnow() + timedelta(days=29, hours=23), tick=False):
        assert fire_due_timeouts() == 0
        assert fire_timeout(dossier.id, dossier.audit_count) == "not due"
    with time_machine.travel(utcnow() + timedelta(days=30, minutes=1), tick=False):
        assert fire_timeout(dossier.id, 3) == "fired"
        assert fire_timeout(dossier.id, 3) == "not due"
        assert fire_due_timeouts() == 0
    db.session.refresh(dossier)
    assert dossier.state == "abandoned" and dossier.timeout_at is None
    last = db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == dossier.id)
                              .order_by(AuditRecord.sequence.desc()).limit(1)).scalar_one()
    assert (last.transition, last.actor_id, last.actor_label) == ("close_without_answer", None, "system")


def test_nothing_happens_if_the_dossier_moved_on(world):
    dossier = info_requested(world)
    entered = dossier.audit_count
    engine.apply_transition(dossier.id, "resubmit", world.holder)
    db.session.commit()
    with time_machine.travel(utcnow() + timedelta(days=31), tick=False):
        assert fire_timeout(dossier.id, entered) == "not due"
        assert fire_due_timeouts() == 0
    assert dossier.state == "submitted"


def test_a_new_stay_in_the_state_does_not_fire_an_old_timer(world):
    dossier = info_requested(world)
    first_entry = dossier.audit_count
    engine.apply_transition(dossier.id, "resubmit", world.holder)
    engine.apply_transition(dossier.id, "request_info", world.instructor, {"comment": "Encore une pièce."})
    db.session.commit()
    with time_machine.travel(utcnow() + timedelta(days=30, minutes=1), tick=False):
        assert fire_timeout(dossier.id, first_entry) == "moved on"
    assert dossier.state == "info_requested"


def test_the_sweep_fires_timers_whose_job_was_lost(world, app):
    dossier = info_requested(world)
    get_queue(app).connection.flushdb()  # Redis lost every scheduled job
    with time_machine.travel(utcnow() + timedelta(days=31), tick=False):
        assert fire_due_timeouts() == 1
    db.session.refresh(dossier)
    assert dossier.state == "abandoned"


def test_system_may_only_take_timeout_transitions(world):
    dossier = info_requested(world)
    try:
        engine.apply_transition(dossier.id, "resubmit", None)
    except engine.TransitionRefused as refusal:
        assert refusal.code == "forbidden"
    else:
        raise AssertionError("the system resubmitted a dossier")


def test_the_periodic_sweep_reschedules_itself_once(world, app):
    from aap.core.periodic import periodic_tick
    from aap.core.queue import TICK_JOB_ID

    dossier = info_requested(world)
    registry = get_queue(app).scheduled_job_registry
    with time_machine.travel(utcnow() + timedelta(days=31), tick=False):
        assert periodic_tick()["timeouts"] == 1
    assert TICK_JOB_ID in registry.get_job_ids()
    periodic_tick()  # a second worker's tick within the minute does not schedule another one
    assert registry.get_job_ids().count(TICK_JOB_ID) == 1
    db.session.refresh(dossier)
    assert dossier.state == "abandoned"


def test_commits_never_push_the_scheduled_tick_back(app, session):
    from aap.core.queue import TICK_JOB_ID, get_redis, schedule_tick

    queue = get_queue(app)
    schedule_tick(queue)
    first = get_redis(app).zscore(queue.scheduled_job_registry.key, TICK_JOB_ID)
    get_redis(app).delete("aap:tick-lock")  # the lock expires before the tick is due, as on a busy site
    with time_machine.travel(utcnow() + timedelta(seconds=58), tick=False):
        schedule_tick(queue)
    assert get_redis(app).zscore(queue.scheduled_job_registry.key, TICK_JOB_ID) == first
