"""Reminders to the staff who pay a grant: ten days before a tranche's legal due date, and the day after it passed.

Planned whenever a tranche's due date is set or moves (`plan_for`), checked again when it leaves (a tranche paid
or set aside reminds nobody), and planned by the periodic sweep for due tranches that have none yet.
"""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from aap.auth.models import RoleGrant, User
from aap.core.formatting import PARIS
from aap.core.models import utcnow
from aap.core.roles import ADMIN
from aap.core.urls import external_url
from aap.decisions.grant_models import PaymentTranche
from aap.decisions.models import FunderDecider
from aap.extensions import db
from aap.notifications.models import Reminder
from aap.notifications.operations import notify
from aap.notifications.reminders import plan, plan_many, reminder_kind

PAYMENT_DUE = "payment_due"
SOON, LATE = "10d", "late"
#: the reminders leave at this time of the morning, Paris time
MORNING = time(8, 0)


def moment(day: date | None) -> datetime | None:
    """The due date as the instant the reminders count from: its morning in Paris."""
    return datetime.combine(day, MORNING, tzinfo=PARIS) if day is not None else None


def _open(tranche: PaymentTranche | None) -> bool:
    decision = tranche.decision if tranche is not None else None
    return (tranche is not None and tranche.due_on is not None and not tranche.settled and decision.released
            and not decision.superseded)


def payers(tranche: PaymentTranche) -> list[User]:
    """Who pays it: the administrators, and the co-funder's deciders for a co-funder's decision."""
    query = select(User).join(RoleGrant, RoleGrant.user_id == User.id).where(
        User.active.is_(True), RoleGrant.role == ADMIN, RoleGrant.call_id.is_(None))
    people = {user.id: user for user in db.session.execute(query).scalars()}
    if tranche.decision.funder_id is not None:
        deciders = select(User).join(FunderDecider, FunderDecider.user_id == User.id).where(
            User.active.is_(True), FunderDecider.funder_id == tranche.decision.funder_id)
        people.update({user.id: user for user in db.session.execute(deciders).scalars()})
    return [people[user_id] for user_id in sorted(people)]


@reminder_kind(PAYMENT_DUE, {SOON: timedelta(days=10), LATE: timedelta(days=-1)})
def send_payment_reminder(tranche_id: int, offset: str) -> bool:
    tranche = db.session.get(PaymentTranche, tranche_id)
    if not _open(tranche):
        return False
    decision, dossier = tranche.decision, tranche.decision.dossier
    link = external_url("payments.schedule", dossier_id=dossier.id)
    for person in payers(tranche):
        notify(person, PAYMENT_DUE, link=link,
               key=f"{PAYMENT_DUE}:{tranche.id}:{offset}:{tranche.due_on.isoformat()}:{person.id}",
               late=offset == LATE, tranche=tranche.label, amount=tranche.amount, due_on=tranche.due_on,
               dossier_title=dossier.title or f"n° {dossier.id}", reference=dossier.reference or "",
               organisation=dossier.organisation.name, funder=decision.funder_name, call=str(dossier.call))
    return True


def plan_for(tranche: PaymentTranche, now: datetime | None = None) -> None:
    """Align the tranche's reminders on its due date; none once it is paid or set aside."""
    plan(PAYMENT_DUE, tranche.id, moment(tranche.due_on) if not tranche.settled else None, now)


def plan_missing(now: datetime | None = None) -> int:
    """The sweep: due tranches not yet paid whose reminders were never planned (a due date written elsewhere)."""
    now = now or utcnow()
    planned = select(Reminder.subject_id).where(Reminder.kind == PAYMENT_DUE)
    missing = db.session.execute(select(PaymentTranche).where(
        PaymentTranche.due_on.is_not(None), PaymentTranche.paid_on.is_(None), PaymentTranche.cancelled.is_(False),
        PaymentTranche.due_on >= (now - timedelta(days=1)).date(), PaymentTranche.id.not_in(planned))
        .order_by(PaymentTranche.id).limit(1000)).scalars().all()
    if missing:
        plan_many(PAYMENT_DUE, {tranche.id: moment(tranche.due_on) for tranche in missing}, now)
    return len(missing)
