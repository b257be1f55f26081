"""The payment schedule of a released granted decision, and the legal clock each tranche's trigger starts.

`plan_tranches(decision, now)` writes the default schedule once, as the decision is released; `start_clock(decision,
trigger, day)` is called by whatever makes a trigger happen (the agreement's signature, the final report's
acceptance) and sets the due date of the tranches waiting for it: PAYMENT_DAYS after that day. Nothing commits.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from aap.core.formatting import PARIS
from aap.decisions.grant_models import (
    ACCEPTED,
    AFTER_REPORT,
    AGREEMENT_THRESHOLD,
    AT_NOTIFICATION,
    AT_SIGNATURE,
    PAYMENT_DAYS,
    Agreement,
    FinalReport,
    PaymentTranche,
)
from aap.decisions.models import EQUITY, GRANTED, IN_KIND, Decision
from aap.decisions.payments_reminders import plan_for
from aap.extensions import db

CENTS = Decimal("0.01")
HUNDRED = Decimal(100)
#: the default split: an advance (acompte) then the balance (solde) once the final report is accepted
ADVANCE_SHARE, BALANCE_SHARE = Decimal(70), Decimal(30)


@dataclass(frozen=True)
class PlannedTranche:
    """One line of a schedule before it is written: what it is called, its share and what releases it."""
    label: str
    share_percent: Decimal
    trigger: str


def agreement_required(decision: Decision) -> bool:
    """Loi 2000-321, art. 10: above AGREEMENT_THRESHOLD, no payment before a signed agreement."""
    return decision.amount is not None and Decimal(decision.amount) > AGREEMENT_THRESHOLD


def first_trigger(decision: Decision) -> str:
    """The agreement's signature when one is required, else the notification of the decision."""
    return AT_SIGNATURE if agreement_required(decision) else AT_NOTIFICATION


def default_schedule(decision: Decision) -> list[PlannedTranche]:
    """Aid in kind pays nothing; equity is paid at once; a grant or a repayable advance in two tranches."""
    if decision.outcome != GRANTED or decision.instrument == IN_KIND or not decision.amount:
        return []
    with force_locale("fr"):  # the schedule is the authority's record, written in French whoever acts
        if decision.instrument == EQUITY:
            return [PlannedTranche(_("Versement unique"), HUNDRED, first_trigger(decision))]
        return [PlannedTranche(_("Acompte"), ADVANCE_SHARE, first_trigger(decision)),
                PlannedTranche(_("Solde"), BALANCE_SHARE, AFTER_REPORT)]


def split(amount: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """Each share of the amount in exact cents, truncated; the last tranche takes what remains."""
    parts = [(Decimal(amount) * share / HUNDRED).quantize(CENTS, rounding=ROUND_DOWN) for share in shares[:-1]]
    return [*parts, Decimal(amount).quantize(CENTS) - sum(parts, Decimal(0))]


def percent(share: Decimal) -> str:
    """70, 33,33: a share as a French reader writes it, without trailing zeros."""
    return f"{Decimal(share).normalize():f}".replace(".", ",")


def paris_day(moment: datetime | None) -> date | None:
    return moment.astimezone(PARIS).date() if moment is not None else None


def trigger_day(decision: Decision, trigger: str) -> date | None:
    """The day the trigger happened, or None while it has not: the release, the signature, the report's acceptance."""
    if trigger == AT_NOTIFICATION:
        return paris_day(decision.released_at)
    if trigger == AT_SIGNATURE:
        return db.session.execute(select(Agreement.signed_on).where(Agreement.decision_id == decision.id)).scalar()
    report = db.session.execute(select(FinalReport).where(FinalReport.dossier_id == decision.dossier_id)).scalar()
    return paris_day(report.reviewed_at) if report is not None and report.state == ACCEPTED else None


def due_on(decision: Decision, trigger: str, notified_on: date | None = None) -> date | None:
    """PAYMENT_DAYS after the trigger's day; `notified_on` stands for the release date while it is being written."""
    day = notified_on if trigger == AT_NOTIFICATION and notified_on else trigger_day(decision, trigger)
    return day + timedelta(days=PAYMENT_DAYS) if day is not None else None


def tranches_of(decision: Decision) -> list[PaymentTranche]:
    return list(db.session.execute(select(PaymentTranche).where(PaymentTranche.decision_id == decision.id)
                                   .order_by(PaymentTranche.position)).scalars())


def write_schedule(decision: Decision, planned: list[PlannedTranche], now: datetime,
                   notified_on: date | None = None) -> list[PaymentTranche]:
    """The tranches of `planned`, their amounts split in cents and their due dates set for triggers already past."""
    amounts = split(decision.amount, [line.share_percent for line in planned]) if planned else []
    tranches = [PaymentTranche(decision_id=decision.id, position=position, label=line.label,
                               share_percent=line.share_percent, amount=amount, trigger=line.trigger,
                               due_on=due_on(decision, line.trigger, notified_on))
                for position, (line, amount) in enumerate(zip(planned, amounts, strict=True), start=1)]
    db.session.add_all(tranches)
    db.session.flush()
    for tranche in tranches:
        plan_for(tranche, now)
    return tranches


def plan_tranches(decision: Decision, now: datetime) -> list[PaymentTranche]:
    """The default schedule of a released granted decision, written once: called again, it returns the same one.

    The notification's tranche falls due PAYMENT_DAYS after the release date (decision.released_at, else `now`).
    """
    existing = tranches_of(decision)
    if existing:
        return existing
    return write_schedule(decision, default_schedule(decision), now, paris_day(decision.released_at or now))


def start_clock(decision: Decision, trigger: str, day: date, now: datetime | None = None) -> list[PaymentTranche]:
    """The trigger happened on `day`: its unpaid tranches fall due PAYMENT_DAYS later; the tranches changed.

    Called again with another day (a signature date corrected), the due dates follow it.
    """
    changed = []
    for tranche in tranches_of(decision):
        if tranche.trigger == trigger and not tranche.settled:
            tranche.due_on = day + timedelta(days=PAYMENT_DAYS)
            plan_for(tranche, now)
            changed.append(tranche)
    db.session.flush()
    return changed


def start_clock_for_dossier(dossier_id: int, trigger: str, day: date,
                            now: datetime | None = None) -> list[PaymentTranche]:
    """start_clock() for every released granted decision of the dossier (the final report is the dossier's)."""
    decisions = db.session.execute(select(Decision).where(
        Decision.dossier_id == dossier_id, Decision.outcome == GRANTED, Decision.released_at.is_not(None),
        Decision.superseded.is_(False)).order_by(Decision.id)).scalars()
    return [tranche for decision in decisions for tranche in start_clock(decision, trigger, day, now)]
