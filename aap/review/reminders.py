"""Review reminders: to the reviewer 3 days before an assignment is due, and once when it is overdue.

Never for an assignment done or declined (checked again when the reminder leaves), never twice (the
registry claims each reminder once). Assignments get their reminders when they are made (plan_for) or,
whoever made them, at the next periodic sweep.
"""
from datetime import timedelta

from aap.core.models import utcnow
from aap.core.urls import external_url
from aap.dossiers.reviewers import ASSIGNED, Assignment
from aap.extensions import db
from aap.notifications.models import Reminder
from aap.notifications.operations import notify
from aap.notifications.reminders import plan_many, reminder_kind

REVIEW_DUE = "review_due"
SOON, OVERDUE = "3d", "overdue"


@reminder_kind(REVIEW_DUE, {SOON: timedelta(days=3), OVERDUE: timedelta(0)})
def send_review_reminder(assignment_id: int, offset: str) -> bool:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.state != ASSIGNED or assignment.due_at is None:
        return False
    dossier = assignment.dossier
    notify(assignment.user, REVIEW_DUE, link=external_url("reviewers.mine"),
           key=f"{REVIEW_DUE}:{assignment.id}:{offset}", overdue=offset == OVERDUE, due_at=assignment.due_at,
           dossier_title=dossier.title or f"n° {dossier.id}", reference=dossier.reference or "",
           call=str(dossier.call))
    return True


def plan_for(assignments) -> None:
    """Align the reminders of these assignments on their due dates (none for those no longer to do)."""
    plan_many(REVIEW_DUE, {a.id: a.due_at if a.state == ASSIGNED else None for a in assignments})


def plan_missing(now=None) -> int:
    """The sweep: assignments still to do, due in the future, that have no reminder yet (made anywhere)."""
    now = now or utcnow()
    planned = db.select(Reminder.subject_id).where(Reminder.kind == REVIEW_DUE)
    missing = db.session.execute(db.select(Assignment).where(
        Assignment.state == ASSIGNED, Assignment.due_at > now, Assignment.id.not_in(planned))
        .order_by(Assignment.id).limit(1000)).scalars().all()
    if missing:
        plan_for(missing)  # the tick commits after each sweep
    return len(missing)
