"""Recording a tranche as paid: refused, with the reason and nothing changed, unless every rule holds. Each payment
enters the dossier's audit chain, the authority's first one moves its workflow (advance_paid), the last one may
close it; the holders are told. Nothing commits: a refusal leaves the caller to roll back."""
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from aap.core.formatting import short_date
from aap.core.urls import external_url
from aap.decisions import lifecycle
from aap.decisions.bank_checks import still_valid
from aap.decisions.bank_operations import current_account
from aap.decisions.events import ADVANCE_PAID
from aap.decisions.grant_models import AFTER_REPORT, AT_SIGNATURE, PaymentTranche
from aap.decisions.models import GRANTED
from aap.decisions.payments_plan import agreement_required, paris_day, trigger_day
from aap.decisions.payments_reminders import plan_for
from aap.extensions import db
from aap.notifications.operations import notify
from aap.workflow import audit, engine
from aap.workflow.engine import TransitionRefused

#: the record a payment gets in its dossier's audit chain (unless it is the one the workflow's transition records)
PAYMENT_RECORDED = "payment_recorded"
#: the holders' notification of a payment
PAYMENT_MAIL = "payment_recorded"
MAX_REFERENCE = 120


class PaymentRefused(Exception):
    """A payment that cannot be recorded; the French message says why, `field` names the input at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass(frozen=True)
class PaymentInput:
    paid_on: date | None
    reference: str


def _locked_tranche(tranche_id: int) -> PaymentTranche:
    """The tranche read again under its dossier's row lock: two payments of it take turns."""
    tranche = db.session.get(PaymentTranche, tranche_id)
    engine.lock(tranche.decision.dossier_id)
    return db.session.execute(select(PaymentTranche).where(PaymentTranche.id == tranche_id)
                              .execution_options(populate_existing=True)).scalar_one()


def already_paid(tranche: PaymentTranche) -> str:
    return _("« %(label)s » a déjà été versé le %(day)s (référence %(reference)s) : rien n'a été enregistré une "
             "seconde fois.", label=tranche.label, day=short_date(tranche.paid_on),
             reference=tranche.payment_reference or "—")


def _rule_refusal(tranche: PaymentTranche) -> str | None:
    """Why the grant's rules forbid paying this tranche now, or None."""
    decision = tranche.decision
    if tranche.cancelled or decision.superseded or decision.outcome != GRANTED or not decision.released:
        return _("Cette tranche n'est plus à verser (tranche annulée ou décision remplacée) : rien n'a été "
                 "enregistré.")
    if tranche.paid_on is not None:
        return already_paid(tranche)
    if agreement_required(decision) and trigger_day(decision, AT_SIGNATURE) is None:
        return _("Au-delà de 23 000 €, aucun versement avant la signature de la convention (loi 2000-321, art. 10) : "
                 "enregistrez d'abord sa signature. Rien n'a été enregistré.")
    if trigger_day(decision, tranche.trigger) is None:
        if tranche.trigger == AFTER_REPORT:
            return _("« %(label)s » se verse après l'acceptation du compte-rendu financier, qui n'est pas encore "
                     "accepté : rien n'a été enregistré.", label=tranche.label)
        return _("« %(label)s » se verse à la signature de la convention, qui n'est pas encore enregistrée : rien "
                 "n'a été enregistré.", label=tranche.label)
    account = current_account(decision.dossier.organisation_id)
    if account is None or not still_valid(account.iban, account.bic):
        return _("La structure n'a pas de coordonnées bancaires valides : demandez-lui de les saisir depuis la page "
                 "de son dossier. Rien n'a été enregistré.")
    return None


def _input_refusal(tranche: PaymentTranche, typed: PaymentInput, today: date) -> PaymentRefused | None:
    decided_on = tranche.decision.deliberation_date
    if typed.paid_on is None:
        return PaymentRefused(_("Indiquez la date du versement."), "paid_on")
    if typed.paid_on > today:
        return PaymentRefused(_("La date du versement (%(day)s) est dans le futur : indiquez le jour où le virement "
                                "a été fait.", day=short_date(typed.paid_on)), "paid_on")
    if decided_on is not None and typed.paid_on < decided_on:
        return PaymentRefused(_("La date du versement (%(day)s) précède la décision (délibération du %(decided)s) : "
                                "vérifiez-la.", day=short_date(typed.paid_on), decided=short_date(decided_on)),
                              "paid_on")
    reference = typed.reference.strip()
    if not reference:
        return PaymentRefused(_("Indiquez la référence du versement (numéro de mandat ou de bordereau)."), "reference")
    if len(reference) > MAX_REFERENCE:
        return PaymentRefused(_("La référence dépasse %(n)d caractères.", n=MAX_REFERENCE), "reference")
    return None


def record_payment(tranche_id: int, typed: PaymentInput, user, now: datetime) -> PaymentTranche:
    """Mark the tranche paid on `typed.paid_on`, or PaymentRefused with nothing changed."""
    try:
        return _record(tranche_id, typed, user, now)
    except (OperationalError, StaleDataError) as error:  # SQLite's concurrent writer; PostgreSQL waits on the lock
        if isinstance(error, OperationalError) and "locked" not in str(error):
            raise
        db.session.rollback()
        raise PaymentRefused(_("Une autre personne enregistre un versement sur ce dossier en ce moment : rien n'a "
                               "été fait. Rechargez la page.")) from None


def _record(tranche_id: int, typed: PaymentInput, user, now: datetime) -> PaymentTranche:
    tranche = _locked_tranche(tranche_id)
    refusal = _rule_refusal(tranche)
    if refusal is not None:
        raise PaymentRefused(refusal)
    wrong_input = _input_refusal(tranche, typed, paris_day(now))
    if wrong_input is not None:
        raise wrong_input
    account = current_account(tranche.decision.dossier.organisation_id)
    claimed = db.session.execute(
        update(PaymentTranche).where(PaymentTranche.id == tranche.id, PaymentTranche.paid_on.is_(None))
        .values(paid_on=typed.paid_on, payment_reference=typed.reference.strip(), paid_recorded_by_id=user.id,
                paid_recorded_at=now).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(tranche)
    if not claimed:  # another request paid it between our read and our write
        raise PaymentRefused(already_paid(tranche))
    told_by_workflow = _seal(tranche, account, user, now)
    plan_for(tranche, now)
    _close_if_complete(tranche.decision.dossier_id, user, now)
    if not told_by_workflow:
        _tell_holders(tranche)
    return tranche


def _close_if_complete(dossier_id: int, user, now: datetime) -> None:
    """The dossier closes with its last payment when the workflow lets this person close it (a co-funder's decider
    may pay without being one of the authority's roles: the payment stands, the closing waits for them)."""
    try:
        lifecycle.close_if_complete(dossier_id, user, now)
    except TransitionRefused as refusal:
        if refusal.code != "forbidden":  # a conflict: the engine rolled the transaction back, payment included
            raise PaymentRefused(refusal.message) from None


def _payment_facts(tranche: PaymentTranche, account) -> dict:
    return {"tranche": tranche.id, "label": tranche.label, "paid_on": tranche.paid_on.isoformat(),
            "reference": tranche.payment_reference, "bank_account": account.id, "iban_end": account.iban_end}


def _first_payment(tranche: PaymentTranche) -> bool:
    paid = db.session.execute(select(func.count(PaymentTranche.id)).where(
        PaymentTranche.decision_id == tranche.decision_id, PaymentTranche.paid_on.is_not(None))).scalar()
    return paid == 1


def _notifies_holder(dossier, record) -> bool:
    """Whether the transition just applied mails the holders itself (the workflow's `notify` effect)."""
    transition = engine.workflow_of(dossier).transitions.get(record.transition)
    return transition is not None and any(effect.name == "notify" and effect.params.get("to") == "holder"
                                          for effect in transition.effects)


def _seal(tranche: PaymentTranche, account, user, now: datetime) -> bool:
    """The authority's first payment is the workflow's advance_paid step; any other payment a record of its own.

    True when the workflow's transition already told the holders.
    """
    decision = tranche.decision
    record = None
    if decision.funder_id is None and _first_payment(tranche):
        try:
            record = lifecycle.follow(decision, ADVANCE_PAID, user, now, {"amount": str(tranche.amount)})
        except TransitionRefused as refusal:
            raise PaymentRefused(refusal.message) from None
    dossier = engine.lock(decision.dossier_id)
    if record is not None:
        audit.attach(dossier, record, payment=_payment_facts(tranche, account))
        return _notifies_holder(dossier, record)
    with force_locale("fr"):  # the audit trail is the authority's record: written in French whoever acts
        comment = _("%(label)s versé le %(day)s (référence %(reference)s).", label=tranche.label,
                    day=short_date(tranche.paid_on), reference=tranche.payment_reference)
        if decision.funder_id is not None:
            comment = _("%(payment)s Financeur : %(funder)s.", payment=comment, funder=decision.funder_name)
    audit.append(dossier, transition=PAYMENT_RECORDED, from_state=dossier.state, to_state=dossier.state, actor=user,
                 at=now, comment=comment, holder_visible=True,
                 payload={"amount": str(tranche.amount), "payment": _payment_facts(tranche, account)})
    return False


def _tell_holders(tranche: PaymentTranche) -> None:
    dossier = tranche.decision.dossier
    link = external_url("dossiers.show", dossier_id=dossier.id)
    for membership in dossier.organisation.memberships:
        if membership.user.active:
            notify(membership.user, "dossier_update", PAYMENT_MAIL, link=link,
                   key=f"{PAYMENT_MAIL}:{tranche.id}:{membership.user_id}", dossier_title=dossier.title,
                   dossier_number=dossier.id, organisation=dossier.organisation.name, tranche=tranche.label,
                   amount=tranche.amount, paid_on=tranche.paid_on,
                   reference=tranche.payment_reference, funder=tranche.decision.funder_name)
