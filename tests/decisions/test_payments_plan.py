"""The default schedule of a released decision, its amounts in cents, and the legal clock of each trigger."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from aap.decisions.grant_models import AFTER_REPORT, AT_NOTIFICATION, AT_SIGNATURE, PaymentTranche
from aap.decisions.models import EQUITY, IN_KIND, REFUSED, REPAYABLE
from aap.decisions.payments_plan import plan_tranches, split, start_clock, start_clock_for_dossier
from aap.decisions.payments_reminders import LATE, PAYMENT_DUE, SOON
from aap.extensions import db
from aap.notifications.models import Reminder
from tests.decisions import payments_world
from tests.decisions.payments_world import RELEASED_AT, decision_on

NOW = RELEASED_AT


def shape(tranches) -> list[tuple]:
    return [(t.position, t.label, t.share_percent, t.amount, t.trigger, t.due_on) for t in tranches]


def test_a_grant_up_to_the_threshold_gets_70_percent_at_notification_and_30_after_the_report(session):
    world = payments_world.world(amount="23000")  # 23 000 € exactly: no agreement is required
    tranches = db.session.execute(db.select(PaymentTranche).order_by(PaymentTranche.position)).scalars().all()
    # released on 2 March 2026 (Paris): the legal 60 days run to 1 May
    assert shape(tranches) == [(1, "Acompte", Decimal("70.00"), Decimal("16100.00"), AT_NOTIFICATION, date(2026, 5, 1)),
                               (2, "Solde", Decimal("30.00"), Decimal("6900.00"), AFTER_REPORT, None)]
    assert all(t.decision_id == world.decision.id for t in tranches)


def test_above_the_threshold_the_advance_waits_for_the_signature_and_has_no_due_date_yet(session):
    world = payments_world.world(amount="23000.01")
    assert shape(plan_tranches(world.decision, NOW)) == [
        (1, "Acompte", Decimal("70.00"), Decimal("16100.00"), AT_SIGNATURE, None),
        (2, "Solde", Decimal("30.00"), Decimal("6900.01"), AFTER_REPORT, None)]


@pytest.mark.parametrize("amount, parts", [
    ("10000.01", ["7000.00", "3000.01"]), ("0.01", ["0.00", "0.01"]), ("99999.99", ["69999.99", "30000.00"]),
    ("12345.67", ["8641.96", "3703.71"])])
def test_amounts_are_exact_cents_and_the_last_tranche_takes_the_rounding(amount, parts):
    got = split(Decimal(amount), [Decimal(70), Decimal(30)])
    assert got == [Decimal(part) for part in parts] and sum(got) == Decimal(amount)


def test_many_small_shares_never_make_a_negative_last_tranche():
    got = split(Decimal("0.02"), [Decimal(25)] * 4)
    assert got == [Decimal("0.00")] * 3 + [Decimal("0.02")]
    thirds = split(Decimal("100"), [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")])
    assert thirds == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


def test_aid_in_kind_has_no_payment_and_a_refusal_none_either(session):
    world = payments_world.world(instrument=IN_KIND, amount="5000")
    assert plan_tranches(world.decision, NOW) == []
    refused = decision_on(world.dossier, outcome=REFUSED, amount="0")
    assert plan_tranches(refused, NOW) == []
    assert db.session.execute(db.select(db.func.count(PaymentTranche.id))).scalar() == 0


def test_equity_is_one_payment_of_everything_at_the_signature(session):
    world = payments_world.world(instrument=EQUITY, amount="30000")
    assert shape(plan_tranches(world.decision, NOW)) == [
        (1, "Versement unique", Decimal("100.00"), Decimal("30000.00"), AT_SIGNATURE, None)]


def test_equity_that_needs_no_agreement_is_paid_at_the_notification(session):
    """No agreement will ever be signed below the threshold: waiting for a signature would never pay it."""
    world = payments_world.world(instrument=EQUITY, amount="5000")
    assert shape(plan_tranches(world.decision, NOW)) == [
        (1, "Versement unique", Decimal("100.00"), Decimal("5000.00"), AT_NOTIFICATION, date(2026, 5, 1))]


def test_a_repayable_advance_follows_the_grant_schedule(session):
    world = payments_world.world(instrument=REPAYABLE, amount="8000")
    assert [(t.amount, t.trigger) for t in plan_tranches(world.decision, NOW)] == [
        (Decimal("5600.00"), AT_NOTIFICATION), (Decimal("2400.00"), AFTER_REPORT)]


def test_planning_twice_returns_the_same_schedule(session):
    world = payments_world.world()
    first = plan_tranches(world.decision, NOW)
    again = plan_tranches(world.decision, NOW + timedelta(days=3))
    assert [t.id for t in again] == [t.id for t in first]
    assert db.session.execute(db.select(db.func.count(PaymentTranche.id))).scalar() == 2


def test_the_release_date_is_read_in_paris(session):
    late_evening = datetime(2026, 3, 31, 22, 30, tzinfo=timezone.utc)  # already 1 April in Paris
    world = payments_world.world(released_at=late_evening)
    assert plan_tranches(world.decision, late_evening)[0].due_on == date(2026, 5, 31)


def test_the_signature_starts_the_advances_clock_and_the_report_the_balances(session):
    world = payments_world.world(amount="40000")
    changed = start_clock(world.decision, AT_SIGNATURE, date(2026, 3, 20), NOW)
    assert [(t.label, t.due_on) for t in changed] == [("Acompte", date(2026, 5, 19))]
    changed = start_clock_for_dossier(world.dossier.id, AFTER_REPORT, date(2027, 1, 15), NOW)
    assert [(t.label, t.due_on) for t in changed] == [("Solde", date(2027, 3, 16))]
    corrected = start_clock(world.decision, AT_SIGNATURE, date(2026, 3, 25), NOW)
    assert [t.due_on for t in corrected] == [date(2026, 5, 24)]


def test_a_tranche_already_paid_keeps_its_due_date(session):
    world = payments_world.world(amount="40000")
    advance = plan_tranches(world.decision, NOW)[0]
    advance.due_on, advance.paid_on = date(2026, 5, 19), date(2026, 4, 2)
    assert start_clock(world.decision, AT_SIGNATURE, date(2026, 4, 30), NOW) == []
    assert advance.due_on == date(2026, 5, 19)


def test_a_due_date_plans_the_staff_reminders_ten_days_before_and_the_day_after(session):
    world = payments_world.world()
    advance = plan_tranches(world.decision, NOW)[0]
    reminders = {r.offset: r for r in db.session.execute(db.select(Reminder).where(
        Reminder.kind == PAYMENT_DUE, Reminder.subject_id == advance.id)).scalars()}
    assert set(reminders) == {SOON, LATE}
    # 1 May 2026 at 08:00 in Paris is 06:00 UTC (summer time)
    assert reminders[SOON].due_at == datetime(2026, 4, 21, 6, 0, tzinfo=timezone.utc)
    assert reminders[LATE].due_at == datetime(2026, 5, 2, 6, 0, tzinfo=timezone.utc)
    balance = plan_tranches(world.decision, NOW)[1]
    assert db.session.execute(db.select(Reminder).where(Reminder.subject_id == balance.id,
                                                        Reminder.kind == PAYMENT_DUE)).first() is None
