"""Draft reminders 7 days and 1 day before the deadline: scheduled through RQ, recomputed, never twice, never moot."""
from datetime import date, datetime, time, timedelta

import pytest
import time_machine

from aap.calls.operations import change_state
from aap.core.formatting import PARIS
from aap.core.models import utcnow
from aap.core.queue import get_queue
from aap.core.signals import call_schedule_changed
from aap.extensions import db
from aap.notifications.models import Reminder
from aap.notifications.reminders import fire, send_due_reminders
from aap.workflow import engine
from tests import factories


@pytest.fixture
def draft(session):
    holder = factories.make_user(email="porteuse@example.org", full_name="Awa")
    call = factories.make_open_call(closes_at=utcnow() + timedelta(days=10), title="AAP <ESS>")
    organisation = factories.make_organisation(members=[holder])
    dossier = factories.make_dossier(call, organisation, holder)
    db.session.commit()
    return dossier


def _reminders(dossier):
    return {reminder.offset: reminder for reminder in db.session.execute(
        db.select(Reminder).where(Reminder.subject_id == dossier.id)).scalars()}


def test_a_new_draft_gets_two_reminders_scheduled_on_the_queue(app, draft):
    reminders = _reminders(draft)
    closes_at = draft.call.closes_at
    assert reminders["7d"].due_at == closes_at - timedelta(days=7)
    assert reminders["1d"].due_at == closes_at - timedelta(days=1)
    scheduled = get_queue(app).scheduled_job_registry.get_job_ids()
    jobs = [get_queue(app).fetch_job(job_id) for job_id in scheduled]
    assert sorted(job.args[0] for job in jobs if job.func_name.endswith("send_reminder")) == \
        sorted(reminder.id for reminder in reminders.values())


def test_each_reminder_is_sent_once_when_due(draft, worker, mailbox):
    closes_at = draft.call.closes_at
    with time_machine.travel(closes_at - timedelta(days=7, minutes=-1)):
        assert send_due_reminders() == 1
        assert send_due_reminders() == 0
    db.session.commit()
    worker.drain()
    [mail] = mailbox.to("porteuse@example.org")
    assert mail["Subject"] == f"Plus que 7 jours pour déposer votre dossier n° {draft.id}"
    assert "AAP <ESS>" in mailbox.text(mail) and "AAP &lt;ESS&gt;" in mailbox.html(mail)
    with time_machine.travel(closes_at - timedelta(hours=23)):
        assert send_due_reminders() == 1
    db.session.commit()
    worker.drain()
    assert [m["Subject"] for m in mailbox.to("porteuse@example.org")][1].startswith("Plus qu'un jour")
    assert {r.status for r in _reminders(draft).values()} == {"sent"}


def test_the_scheduled_job_sends_it_and_a_stale_job_does_nothing(draft):
    reminder = _reminders(draft)["7d"]
    assert fire(reminder.id) == "not due"
    with time_machine.travel(reminder.due_at + timedelta(seconds=1)):
        assert fire(reminder.id) == "sent"
        assert fire(reminder.id) == "not scheduled"


def test_no_reminder_once_the_dossier_is_submitted(draft, worker, mailbox):
    holder = draft.organisation.memberships[0].user
    engine.apply_transition(draft.id, "submit", holder)
    db.session.commit()
    worker.drain()
    mailbox.clear()
    with time_machine.travel(draft.call.closes_at - timedelta(hours=1)):
        assert send_due_reminders() == 0
    assert {r.status for r in _reminders(draft).values()} == {"cancelled"}
    db.session.commit()
    worker.drain()
    assert mailbox.messages == []


def test_moving_the_deadline_recomputes_the_reminders(draft):
    call = draft.call
    call.closes_at = call.closes_at + timedelta(days=5)
    call_schedule_changed.send(call)
    reminders = _reminders(draft)
    assert reminders["7d"].due_at == call.closes_at - timedelta(days=7)
    assert reminders["1d"].status == "scheduled" and reminders["1d"].due_at == call.closes_at - timedelta(days=1)


def test_a_reminder_already_sent_is_not_sent_again_when_the_date_moves(draft):
    with time_machine.travel(draft.call.closes_at - timedelta(days=6)):
        assert send_due_reminders() == 1
        draft.call.closes_at += timedelta(days=3)
        call_schedule_changed.send(draft.call)
        assert _reminders(draft)["7d"].status == "sent"
        assert send_due_reminders() == 0


def test_closing_the_call_drops_its_reminders(draft):
    change_state(draft.call, "close")
    assert {r.status for r in _reminders(draft).values()} == {"cancelled"}
    with time_machine.travel(draft.call.closes_at - timedelta(hours=1)):
        assert send_due_reminders() == 0


def test_a_draft_started_late_only_gets_the_reminders_still_ahead(session):
    holder = factories.make_user()
    call = factories.make_open_call(closes_at=utcnow() + timedelta(days=3))
    dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
    assert set(_reminders(dossier)) == {"1d"}


def test_the_holder_who_switched_reminders_off_sees_it_in_the_app_only(draft, worker, mailbox):
    from aap.notifications.models import Notification
    from aap.notifications.operations import set_preferences

    holder = draft.organisation.memberships[0].user
    set_preferences(holder, {"draft_reminder": "off"})
    with time_machine.travel(draft.call.closes_at - timedelta(days=6)):
        assert send_due_reminders() == 1
    db.session.commit()
    worker.drain()
    assert mailbox.messages == []
    [notification] = db.session.execute(db.select(Notification).where(
        Notification.user_id == holder.id, Notification.event == "draft_reminder")).scalars()
    assert notification.link.endswith(f"/dossiers/{draft.id}")


@pytest.fixture
def awaiting_report(session):
    holder = factories.make_user(email="porteuse@example.org")
    admin = factories.make_user(roles=("admin",))
    call = factories.make_open_call()
    dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
    dossier.answers = {"end_date": (utcnow() + timedelta(days=20)).date().isoformat()}
    dossier.state, dossier.reference = "agreement_signed", "AAP-2026-0042"  # as if it had come this far
    engine.fire(dossier.id, "advance_paid", admin, {"amount": "6000"})  # as the payment of the advance does
    db.session.commit()
    return dossier, holder


def test_the_final_report_is_reminded_a_month_before_and_on_its_due_day(awaiting_report, worker, mailbox):
    from aap.decisions.reports_content import add_months
    from aap.decisions.reports_reminders import FINAL_REPORT

    dossier, _holder = awaiting_report
    reminders = {r.offset: r for r in db.session.execute(db.select(Reminder).where(
        Reminder.kind == FINAL_REPORT, Reminder.subject_id == dossier.id)).scalars()}
    due_day = add_months(utcnow().date() + timedelta(days=20), 6)
    assert reminders["0d"].due_at.astimezone(PARIS).replace(tzinfo=None) == datetime.combine(due_day, time(9))
    assert reminders["30d"].due_at == reminders["0d"].due_at - timedelta(days=30)
    worker.drain()
    mailbox.clear()
    with time_machine.travel(reminders["0d"].due_at + timedelta(minutes=1)):
        assert send_due_reminders() == 2  # the sweep catches up the one a lost job missed, too
    db.session.commit()
    worker.drain()
    subjects = sorted(m["Subject"] for m in mailbox.to("porteuse@example.org"))
    assert subjects == [f"Compte-rendu financier du dossier n° {dossier.id} attendu aujourd'hui",
                        f"Compte-rendu financier du dossier n° {dossier.id} attendu avant le {due_day:%d/%m/%Y}"]


def test_no_final_report_reminder_once_it_is_handed_in(awaiting_report):
    from aap.decisions.reports_reminders import FINAL_REPORT

    dossier, holder = awaiting_report
    dossier.state = "report_submitted"  # as submit_report leaves it
    engine.fire(dossier.id, "report_returned", factories.make_user(roles=("instructor",)),
                {"comment": "Il manque le bilan."})
    engine.apply_transition(dossier.id, "withdraw", holder)
    statuses = set(db.session.execute(db.select(Reminder.status).where(
        Reminder.kind == FINAL_REPORT, Reminder.subject_id == dossier.id)).scalars())
    assert statuses == {"cancelled"}


@pytest.mark.parametrize("day, months, expected", [
    (date(2023, 8, 31), 6, date(2024, 2, 29)), (date(2023, 12, 31), 6, date(2024, 6, 30)),
    (date(2023, 6, 15), 6, date(2023, 12, 15)), (date(2023, 7, 1), 6, date(2024, 1, 1))])
def test_six_months_after_a_month_end_is_the_last_day_of_the_month(day, months, expected):
    from aap.decisions.reports_content import add_months

    assert add_months(day, months) == expected
