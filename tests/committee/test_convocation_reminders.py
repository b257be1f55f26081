"""The reminder 7 days before a convened session: planned, moved with the session, sent once, never to the absent."""
from datetime import timedelta

import time_machine

from aap.committee.models import CommitteeSession
from aap.committee.reminders import SESSION_REMINDER, plan_missing
from aap.core.formatting import PARIS
from aap.core.models import utcnow
from aap.extensions import db
from aap.notifications.models import Reminder
from aap.notifications.reminders import send_due_reminders
from tests import factories
from tests.committee.test_sessions import create, pooled, session_data


def reminder_of(session_id):
    return db.session.execute(db.select(Reminder).where(Reminder.kind == SESSION_REMINDER,
                                                        Reminder.subject_id == session_id)).scalar_one_or_none()


def in_days(days: int) -> str:
    return (utcnow() + timedelta(days=days)).astimezone(PARIS).date().isoformat()


def planned_session(client, login_as, days=30, members=3):
    login_as("admin")
    call = factories.make_open_call(title="AAP ESS 2027")
    people = [pooled(call) for _ in range(members)]
    session = create(client, call, people, starts_on=in_days(days))
    return call, people, session


def test_convening_plans_the_reminder_7_days_before(client, login_as):
    _call, _people, session = planned_session(client, login_as)
    assert reminder_of(session.id) is None  # not convened yet: nobody is reminded
    assert client.post(f"/comite/seances/{session.id}/convoquer").status_code == 302
    reminder = reminder_of(session.id)
    assert (reminder.status, reminder.due_at) == ("scheduled", session.starts_at - timedelta(days=7))


def test_the_reminder_leaves_once_to_each_member_not_marked_absent(client, login_as, mailbox, worker):
    _call, people, session = planned_session(client, login_as)
    client.post(f"/comite/seances/{session.id}/convoquer")
    absent_seat = next(member.id for member in session.members if member.user_id == people[2].id)
    client.post(f"/comite/seances/{session.id}/presences", data={f"seat_{absent_seat}": "absent"})
    worker.drain()
    mailbox.clear()
    due = reminder_of(session.id).due_at
    with time_machine.travel(due - timedelta(minutes=1)):
        assert send_due_reminders() == 0
    with time_machine.travel(due + timedelta(seconds=1)):
        assert send_due_reminders() == 1
        assert send_due_reminders() == 0
    db.session.commit()
    worker.drain()
    for person in people[:2]:
        [mail] = mailbox.to(person.email)
        assert mail["Subject"].startswith("Rappel : Comité de printemps, le ")
        assert "a lieu dans 7 jours" in mailbox.text(mail) and f"/comite/seances/{session.id}" in mailbox.text(mail)
    assert mailbox.to(people[2].email) == []
    assert reminder_of(session.id).status == "sent"


def test_a_moved_session_moves_its_reminder(client, login_as):
    _call, people, session = planned_session(client, login_as)
    client.post(f"/comite/seances/{session.id}/convoquer")
    response = client.post(f"/comite/seances/{session.id}/modifier",
                           data={**session_data(people, starts_on=in_days(40)), "confirm_resend": "y"})
    assert response.status_code == 302
    db.session.refresh(session)
    reminder = reminder_of(session.id)
    assert (reminder.status, reminder.due_at) == ("scheduled", session.starts_at - timedelta(days=7))
    response = client.post(f"/comite/seances/{session.id}/modifier",
                           data={**session_data(people, starts_on=in_days(3)), "confirm_resend": "y"})
    assert response.status_code == 302
    assert reminder_of(session.id).status == "cancelled"  # 7 days before has passed: no « dans 7 jours » with 3


def test_a_deleted_or_closed_session_reminds_nobody(client, login_as, mailbox, worker):
    _call, _people, deleted = planned_session(client, login_as)
    client.post(f"/comite/seances/{deleted.id}/convoquer")
    deleted_id = deleted.id
    assert client.post(f"/comite/seances/{deleted_id}/supprimer").status_code == 302
    assert reminder_of(deleted_id).status == "cancelled"
    _call, people, closed = planned_session(client, login_as)
    client.post(f"/comite/seances/{closed.id}/convoquer")
    due = reminder_of(closed.id).due_at
    closed.state = "closed"
    db.session.commit()
    worker.drain()
    mailbox.clear()
    with time_machine.travel(due + timedelta(seconds=1)):
        assert send_due_reminders() == 0
    db.session.commit()
    worker.drain()
    assert reminder_of(closed.id).status == "cancelled"
    assert all(mailbox.to(person.email) == [] for person in people)


def test_the_sweep_plans_convened_sessions_without_a_reminder(client, login_as):
    _call, _people, session = planned_session(client, login_as)
    planned_only = planned_session(client, login_as)[2]
    session.state = "convened"  # convened elsewhere than through the page, say by a script
    db.session.commit()
    assert plan_missing() == 1
    db.session.commit()
    assert reminder_of(session.id).due_at == session.starts_at - timedelta(days=7)
    assert reminder_of(planned_only.id) is None
    assert plan_missing() == 0
    assert db.session.get(CommitteeSession, session.id).state == "convened"
