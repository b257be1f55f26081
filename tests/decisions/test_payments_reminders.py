"""Reminders to the staff who pay: ten days before a tranche's due date and the day after it passed, through the
reminder registry; none for a tranche paid meanwhile; the sweep plans those whose due date was written elsewhere."""
from datetime import date, datetime, timezone

from aap.decisions.grant_models import PaymentTranche
from aap.decisions.payments_plan import plan_tranches
from aap.decisions.payments_reminders import LATE, PAYMENT_DUE, SOON, plan_missing
from aap.extensions import db
from aap.mail.models import Mail
from aap.notifications.models import Notification, Reminder
from aap.notifications.reminders import fire
from tests import factories
from tests.decisions import payments_world
from tests.decisions.payments_world import co_funder, decision_on, plain

SOON_AT = datetime(2026, 4, 21, 6, 0, tzinfo=timezone.utc)  # 1 May 2026 minus 10 days, 08:00 in Paris
LATE_AT = datetime(2026, 5, 2, 6, 0, tzinfo=timezone.utc)


def reminder(tranche, offset) -> Reminder:
    return db.session.execute(db.select(Reminder).where(Reminder.kind == PAYMENT_DUE, Reminder.subject_id == tranche.id,
                                                        Reminder.offset == offset)).scalar_one()


def advance_of(decision) -> PaymentTranche:
    return db.session.execute(db.select(PaymentTranche).where(PaymentTranche.decision_id == decision.id,
                                                              PaymentTranche.position == 1)).scalar_one()


def test_administrators_are_reminded_ten_days_before_and_the_day_after(session, worker, mailbox):
    world = payments_world.world()
    retired = factories.make_user(roles=("admin",), totp=True, active=False)
    advance = advance_of(world.decision)
    assert fire(reminder(advance, SOON).id, SOON_AT) == "sent"
    db.session.commit()
    notified = db.session.execute(db.select(Notification).where(Notification.event == PAYMENT_DUE)).scalars().all()
    assert [n.user_id for n in notified] == [world.admin.id] and retired.id not in [n.user_id for n in notified]
    assert notified[0].link.endswith(f"/decisions/dossiers/{world.dossier.id}/versements")
    assert fire(reminder(advance, LATE).id, LATE_AT) == "sent"
    db.session.commit()
    worker.drain()
    subjects = [plain(message["Subject"]) for message in mailbox.to(world.admin.email)]
    assert subjects == [f"Versement à faire d'ici le 01/05/2026 : Acompte du dossier {world.dossier.reference}",
                        f"Versement en retard : Acompte du dossier {world.dossier.reference}"]
    body = plain(mailbox.text(mailbox.to(world.admin.email)[1]))
    assert "Le délai légal de paiement de « Acompte » (14 000 €)" in body and "a expiré le 01/05/2026" in body
    assert world.instructor.email not in [mail.to_address for mail in db.session.execute(db.select(Mail)).scalars()]


def test_a_co_funders_tranche_also_reminds_its_deciders(session):
    world = payments_world.world()
    decider = factories.make_user(roles=("funder",), call=world.call, totp=True)
    funded = plan_tranches(decision_on(world.dossier, amount="5000", funder=co_funder(world.call, deciders=[decider])),
                           payments_world.RELEASED_AT)[0]
    db.session.commit()
    assert fire(reminder(funded, SOON).id, SOON_AT) == "sent"
    people = db.session.execute(db.select(Notification.user_id).where(Notification.event == PAYMENT_DUE)
                                .order_by(Notification.user_id)).scalars().all()
    assert people == sorted([world.admin.id, decider.id])


def test_a_tranche_paid_before_its_reminder_reminds_nobody(session):
    world = payments_world.world()
    advance = advance_of(world.decision)
    advance.paid_on = date(2026, 4, 2)
    assert fire(reminder(advance, SOON).id, SOON_AT) == "cancelled"
    assert db.session.execute(db.select(Notification).where(Notification.event == PAYMENT_DUE)).first() is None


def test_the_sweep_plans_the_reminders_of_a_due_date_written_elsewhere(session):
    world = payments_world.world(amount="40000")
    advance = advance_of(world.decision)
    assert db.session.execute(db.select(Reminder).where(Reminder.subject_id == advance.id)).first() is None
    advance.due_on = date(2026, 5, 19)  # set by a signature recorded without start_clock
    db.session.commit()
    assert plan_missing(datetime(2026, 4, 1, tzinfo=timezone.utc)) == 1
    assert reminder(advance, SOON).due_at == datetime(2026, 5, 9, 6, 0, tzinfo=timezone.utc)
    assert plan_missing(datetime(2026, 4, 1, tzinfo=timezone.utc)) == 0
