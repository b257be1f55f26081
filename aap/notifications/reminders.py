"""Reminders planned against a date: recomputed when the date moves, sent once, dropped once moot.

A domain registers a kind with its offsets and a `send` function that returns False when the
reminder has become pointless (the draft was submitted, the review handed in…).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import update

from aap.core.jobs import job
from aap.core.models import utcnow
from aap.core.queue import enqueue_after_commit
from aap.extensions import db
from aap.notifications.models import Reminder


@dataclass(frozen=True)
class ReminderKind:
    name: str
    #: offset name → how long before the date the reminder leaves
    offsets: dict[str, timedelta]
    send: Callable[[int, str], bool]


KINDS: dict[str, ReminderKind] = {}


def reminder_kind(name: str, offsets: dict[str, timedelta]):
    """Describe a reminder's sending function; the domain that owns it lists it, the factory registers it."""
    def describe(send):
        send.reminder_kind = ReminderKind(name, offsets, send)
        return send

    return describe


def register_kinds(senders) -> None:
    for send in senders:
        KINDS[send.reminder_kind.name] = send.reminder_kind


def plan(kind: str, subject_id: int, date: datetime | None, now: datetime | None = None) -> None:
    """Align the subject's reminders on `date` (None cancels them); a reminder already sent stays sent."""
    plan_many(kind, {subject_id: date}, now)


def plan_many(kind: str, dates: dict[int, datetime | None], now: datetime | None = None) -> None:
    """plan() for many subjects at once, reading their reminders in one query."""
    now = now or utcnow()
    existing = {(reminder.subject_id, reminder.offset): reminder for reminder in db.session.execute(
        db.select(Reminder).where(Reminder.kind == kind, Reminder.subject_id.in_(list(dates)))).scalars()}
    changed = []
    for subject_id, date in dates.items():
        for offset, before in KINDS[kind].offsets.items():
            reminder = existing.get((subject_id, offset))
            due = date - before if date is not None else None
            if reminder is not None and reminder.status == "sent":
                continue
            if due is None or due <= now:  # too late for this one: "7 days left" is not said with 3 left
                if reminder is not None:
                    reminder.status = "cancelled"
                continue
            if reminder is None:
                reminder = Reminder(kind=kind, subject_id=subject_id, offset=offset, due_at=due)
                db.session.add(reminder)
            elif reminder.status == "scheduled" and reminder.due_at == due:
                continue
            reminder.status, reminder.due_at = "scheduled", due
            changed.append(reminder)
    db.session.flush()
    for reminder in changed:
        enqueue_after_commit(db.session(), send_reminder, reminder.id, at=reminder.due_at)


def fire(reminder_id: int, now: datetime | None = None) -> str:
    """Send the reminder if it is due; a conditional UPDATE lets only one worker do it, on any database."""
    now = now or utcnow()
    claimed = db.session.execute(
        update(Reminder).where(Reminder.id == reminder_id, Reminder.status == "scheduled", Reminder.due_at <= now)
        .values(status="sent", sent_at=now).execution_options(synchronize_session=False)).rowcount
    reminder = db.session.get(Reminder, reminder_id, populate_existing=True)
    if not claimed:
        # not due: the date moved and a job for the new time is queued
        return "not due" if reminder is not None and reminder.status == "scheduled" else "not scheduled"
    if not KINDS[reminder.kind].send(reminder.subject_id, reminder.offset):
        reminder.status, reminder.sent_at = "cancelled", None
    return reminder.status


@job
def send_reminder(reminder_id: int) -> str:
    return fire(reminder_id)


def send_due_reminders(now: datetime | None = None) -> int:
    """The sweep: sends every reminder whose job was lost (Redis flushed, worker down)."""
    now = now or utcnow()
    due = db.session.execute(db.select(Reminder.id).where(Reminder.status == "scheduled", Reminder.due_at <= now)
                             .order_by(Reminder.due_at, Reminder.id)).scalars().all()
    sent = 0
    for reminder_id in due:
        sent += fire(reminder_id, now) == "sent"
        db.session.commit()
    return sent
