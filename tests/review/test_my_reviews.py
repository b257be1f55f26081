"""« Mes relectures »: assignments across calls with due dates, declining with a reason, and review reminders."""
from datetime import timedelta

from aap.auth.operations import grant_role
from aap.core.models import utcnow
from aap.dossiers.reviewers import DECLINED, DONE
from aap.extensions import db
from aap.notifications.models import Notification, Reminder
from aap.notifications.reminders import fire
from aap.review.reminders import REVIEW_DUE, plan_missing
from aap.workflow.models import AuditRecord
from tests import factories
from tests.review.helpers import assign, reviewer, submitted_dossier


def test_my_page_lists_assignments_across_calls_with_overdue_ones_marked(client, count_queries):
    call, other = factories.make_open_call(title="Appel A"), factories.make_open_call(title="Appel B")
    user = reviewer(call)
    grant_role(user, "reviewer", other.id)  # the same person reviews a second call
    db.session.commit()
    late = assign(submitted_dossier(call, title="Dossier en retard"), user, days=-2)
    soon = assign(submitted_dossier(other, title="Dossier à venir"), user, days=5)
    client.login(user)
    page = client.get("/relectures").page
    assert page.index("Dossier en retard") < page.index("Dossier à venir")
    assert page.count("En retard<") == 1 and f"/dossiers/{soon.dossier_id}" in page
    assert f"/relectures/appels/{call.id}/preferences" in page and f"/relectures/appels/{other.id}/conflits" in page
    assert 'href="/relectures" aria-current="page"' in page
    with count_queries() as few:
        client.get("/relectures")
    for n in range(6):
        assign(submitted_dossier(call), user, days=n)
    with count_queries() as many:
        client.get("/relectures")
    assert many.n == few.n and late.id


def test_reviewer_declines_with_a_reason_and_instructors_are_told(client, worker, mailbox):
    call = factories.make_open_call()
    instructor = factories.make_user(roles=("instructor",), totp=True)
    user = reviewer(call, full_name="Rémi Relecteur")
    assignment = assign(submitted_dossier(call), user)
    client.login(user)
    refused = client.post(f"/relectures/{assignment.id}/decliner", data={"reason": "  "})
    assert refused.status_code == 400 and "Indiquez le motif." in refused.page
    response = client.post(f"/relectures/{assignment.id}/decliner", data={"reason": "Absent tout le mois"})
    assert response.status_code == 302
    db.session.refresh(assignment)
    assert (assignment.state, assignment.decline_reason) == (DECLINED, "Absent tout le mois")
    record = db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == assignment.dossier_id)
                                .order_by(AuditRecord.sequence.desc())).scalars().first()
    assert (record.transition, record.comment, record.holder_visible) == ("review_declined", "Absent tout le mois",
                                                                          False)
    assert db.session.execute(db.select(Notification).where(Notification.user_id == instructor.id,
                                                            Notification.event == "review_declined")).first()
    worker.drain()
    [text] = [mailbox.text(mail) for mail in mailbox.to(instructor.email) if "a décliné" in mailbox.text(mail)]
    assert "Rémi Relecteur a décliné la relecture" in text and "Motif : Absent tout le mois" in text
    again = client.post(f"/relectures/{assignment.id}/decliner", data={"reason": "Encore"})
    assert again.status_code == 400 and "ne peut plus être déclinée" in again.page


def test_someone_elses_assignment_cannot_be_declined(client):
    call = factories.make_open_call()
    assignment = assign(submitted_dossier(call), reviewer(call))
    client.login(reviewer(call))
    assert client.post(f"/relectures/{assignment.id}/decliner", data={"reason": "Pas moi"}).status_code == 404
    assert client.get("/relectures/999999/decliner").status_code == 404
    db.session.refresh(assignment)
    assert assignment.state != DECLINED


def reminders_of(assignment):
    return {r.offset: r for r in db.session.execute(db.select(Reminder).where(
        Reminder.kind == REVIEW_DUE, Reminder.subject_id == assignment.id)).scalars()}


def sent_reminders(user):
    return db.session.execute(db.select(Notification).where(Notification.user_id == user.id,
                                                            Notification.event == REVIEW_DUE)).scalars().all()


def test_reminders_before_the_due_date_and_once_overdue_never_twice(session):
    call = factories.make_open_call()
    user = reviewer(call)
    assignment = assign(submitted_dossier(call), user, days=10)
    assert plan_missing() == 1
    db.session.commit()
    assert plan_missing() == 0
    reminders = reminders_of(assignment)
    assert set(reminders) == {"3d", "overdue"}
    assert reminders["3d"].due_at == assignment.due_at - timedelta(days=3)
    soon = reminders["3d"]
    assert fire(soon.id, now=soon.due_at + timedelta(minutes=1)) == "sent"
    assert fire(soon.id, now=soon.due_at + timedelta(minutes=2)) == "not scheduled"
    late = reminders["overdue"]
    assert fire(late.id, now=late.due_at + timedelta(minutes=1)) == "sent"
    titles = [n.title for n in sent_reminders(user)]
    assert len(titles) == 2 and "en retard" in titles[1].lower()


def test_no_reminder_for_a_done_or_declined_assignment(session):
    call = factories.make_open_call()
    user = reviewer(call)
    done = assign(submitted_dossier(call), user, days=10)
    declined = assign(submitted_dossier(call), user, days=10)
    plan_missing()
    db.session.commit()
    done.state, declined.state = DONE, DECLINED
    db.session.commit()
    for assignment in (done, declined):
        for reminder in reminders_of(assignment).values():
            assert fire(reminder.id, now=reminder.due_at + timedelta(minutes=1)) == "cancelled"
    assert sent_reminders(user) == []


def test_declining_cancels_the_planned_reminders(client):
    call = factories.make_open_call()
    user = reviewer(call)
    assignment = assign(submitted_dossier(call), user, days=10)
    plan_missing()
    db.session.commit()
    client.login(user)
    client.post(f"/relectures/{assignment.id}/decliner", data={"reason": "Conflit d'agenda"})
    assert {r.status for r in reminders_of(assignment).values()} == {"cancelled"}
    assert plan_missing(utcnow()) == 0
