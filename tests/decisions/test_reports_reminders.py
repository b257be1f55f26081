"""The final report is due six months after the project's end: opened when the workflow awaits it, reminded 30 days
before, on the day and 15 days after, only while it is an awaited draft."""
from datetime import date, datetime, time, timedelta

import pytest
import time_machine

from aap.core.formatting import PARIS
from aap.core.models import utcnow
from aap.decisions.grant_models import DRAFT, FinalReport
from aap.decisions.reports_content import add_months
from aap.decisions.reports_operations import submit
from aap.decisions.reports_reminders import FINAL_REPORT
from aap.extensions import db
from aap.notifications.models import Reminder
from aap.notifications.reminders import send_due_reminders
from tests.decisions.reports_world import granted_dossier, today
from tests.decisions.test_reports_review import CONTENT

END = date(2027, 3, 31)


@pytest.fixture
def world(session):
    return granted_dossier(end_date=today() + timedelta(days=10))


def _reminders(world) -> dict:
    return {r.offset: r for r in db.session.execute(db.select(Reminder).where(
        Reminder.kind == FINAL_REPORT, Reminder.subject_id == world.dossier.id)).scalars()}


def test_the_report_opens_when_the_workflow_awaits_it_due_six_months_after_the_end(world):
    report = db.session.execute(db.select(FinalReport).where(FinalReport.dossier_id == world.dossier.id)).scalar_one()
    assert report.state == DRAFT and report.due_on == add_months(today() + timedelta(days=10), 6)
    reminders = _reminders(world)
    due = datetime.combine(report.due_on, time(9), PARIS)
    assert {offset: r.due_at for offset, r in reminders.items()} == {
        "30d": due - timedelta(days=30), "0d": due, "-15d": due + timedelta(days=15)}
    assert {r.status for r in reminders.values()} == {"scheduled"}


def test_no_report_before_the_workflow_awaits_it(session):
    world = granted_dossier(pay_advance=False)
    assert db.session.execute(db.select(FinalReport).where(FinalReport.dossier_id == world.dossier.id)) \
        .scalar_one_or_none() is None
    assert _reminders(world) == {}


def test_the_late_reminder_says_the_report_is_late_and_links_to_it(world, worker, mailbox):
    holder_address = world.holder.email
    late = _reminders(world)["-15d"]
    worker.drain()
    mailbox.clear()
    with time_machine.travel(late.due_at + timedelta(minutes=1)):
        assert send_due_reminders() == 3  # the sweep catches up those whose jobs were lost
    db.session.commit()
    worker.drain()
    due_on = add_months(today() + timedelta(days=10), 6)
    subjects = sorted(m["Subject"] for m in mailbox.to(holder_address))
    assert f"Compte-rendu financier du dossier n° {world.dossier.id} en retard depuis le {due_on:%d/%m/%Y}" in subjects
    [late_mail] = [m for m in mailbox.to(holder_address) if "en retard" in m["Subject"]]
    assert "il est en retard" in mailbox.text(late_mail)
    assert f"/dossiers/{world.dossier.id}/compte-rendu" in mailbox.text(late_mail)


def test_reminders_stop_once_the_report_is_submitted(world):
    submit(world.dossier, CONTENT, world.holder, utcnow())
    db.session.commit()
    assert {r.status for r in _reminders(world).values()} == {"cancelled"}
    with time_machine.travel(_reminders(world)["-15d"].due_at + timedelta(days=1)):
        assert send_due_reminders() == 0
