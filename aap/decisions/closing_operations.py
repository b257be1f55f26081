"""Closing a grant. What the project did not spend is recorded on each decision when its report is accepted: it
cancels or reduces what remains to pay, or, when more was paid than spent, becomes a sum to be paid back (a titre de
recettes to issue). The dossier closes once everything is paid and reported. Never commits."""
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from aap.core.formatting import PARIS, money, short_date
from aap.decisions import lifecycle
from aap.decisions.closing_models import Recovery
from aap.decisions.grant_models import ACCEPTED, FinalReport, PaymentTranche
from aap.decisions.models import Decision
from aap.decisions.reports_notices import tell
from aap.extensions import db
from aap.workflow import audit, engine

CLOSING_MARK, RECOVERY_MARK = "grant_closing", "recovery_issued"
MAX_REFERENCE = 120


class ClosingRefused(Exception):
    """A closing step that cannot be taken; the French text says why. `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass
class Settlement:
    """What recording a decision's unspent amount changed."""

    decision: Decision
    unspent: Decimal
    paid: Decimal
    cancelled: list[PaymentTranche] = field(default_factory=list)
    #: (tranche, its amount before)
    reduced: list[tuple[PaymentTranche, Decimal]] = field(default_factory=list)
    #: more paid than spent: to be paid back
    recovery: Decimal = Decimal(0)


def unspent_refusal(decision: Decision, unspent: Decimal | None) -> str | None:
    if unspent is None:
        return None
    if not unspent.is_finite() or unspent != unspent.quantize(Decimal("0.01")):
        return _("Le montant non consommé s'écrit en euros, avec au plus deux décimales.")
    if unspent < 0:
        return _("Le montant non consommé ne peut pas être négatif.")
    if unspent > (decision.amount or 0):
        return _("Le montant non consommé (%(unspent)s) ne peut pas dépasser le montant accordé (%(granted)s).",
                 unspent=money(unspent), granted=money(decision.amount))
    return None


def tranches_of(decision: Decision) -> list[PaymentTranche]:
    return list(db.session.execute(select(PaymentTranche).where(PaymentTranche.decision_id == decision.id)
                                   .order_by(PaymentTranche.position)).scalars())


def settle_unspent(decision: Decision, unspent: Decimal, user, now: datetime) -> Settlement:
    """Pay no more than was spent: the first tranches still due are kept, the next reduced, the rest cancelled."""
    tranches = tranches_of(decision)
    paid = sum((t.amount for t in tranches if t.paid_on is not None), Decimal(0))
    settlement = Settlement(decision, unspent, paid)
    left = (decision.amount or Decimal(0)) - unspent - paid
    for tranche in (t for t in tranches if not t.settled):
        if left <= 0:
            tranche.cancelled = True
            settlement.cancelled.append(tranche)
            continue
        if tranche.amount > left:
            settlement.reduced.append((tranche, tranche.amount))
            tranche.amount = left
            tranche.share_percent = (left * 100 / decision.amount).quantize(Decimal("0.01"))
        left -= tranche.amount
    decision.unspent = unspent
    settlement.recovery = max(Decimal(0), paid - ((decision.amount or Decimal(0)) - unspent))
    if settlement.recovery:
        _record_recovery(decision, settlement.recovery, user, now)
    return settlement


def _record_recovery(decision: Decision, amount: Decimal, user, now: datetime) -> Recovery:
    recovery = db.session.execute(select(Recovery).where(Recovery.decision_id == decision.id)).scalar_one_or_none()
    if recovery is None:
        recovery = Recovery(decision_id=decision.id, amount=amount, recorded_at=now, recorded_by_id=user.id)
        db.session.add(recovery)
    elif not recovery.issued:
        recovery.amount, recovery.recorded_at, recovery.recorded_by_id = amount, now, user.id
    return recovery


def settlement_text(settlements: list[Settlement]) -> str:
    """What the unspent amounts changed, in French: the audit trail is the authority's record."""
    parts = []
    with force_locale("fr"):
        for item in settlements:
            who = item.decision.funder_name or _("la collectivité")
            if item.unspent:
                parts.append(_("Non consommé (%(who)s) : %(amount)s.", who=who, amount=money(item.unspent)))
            parts += [_("« %(label)s » réduit de %(before)s à %(after)s.", label=t.label, before=money(before),
                        after=money(t.amount)) for t, before in item.reduced]
            parts += [_("« %(label)s » annulé (%(amount)s).", label=t.label, amount=money(t.amount))
                      for t in item.cancelled]
            if item.recovery:
                parts.append(_("Titre de recettes à émettre (%(who)s) : %(amount)s.", who=who,
                               amount=money(item.recovery)))
    return " ".join(parts)


def closing_refusal(dossier) -> str | None:
    """Why the dossier cannot close now, or None."""
    decisions = lifecycle.granted_decisions(dossier.id)
    if not decisions:
        return _("Aucune décision d'attribution publiée : il n'y a pas de subvention à clore.")
    if all(decision.closed_at is not None for decision in decisions):
        return _("Le dossier est déjà clos depuis le %(day)s : rien n'a été refait.",
                 day=short_date(max(decision.closed_at for decision in decisions)))
    state = db.session.execute(select(FinalReport.state).where(FinalReport.dossier_id == dossier.id)).scalar()
    if state != ACCEPTED:
        return _("Le compte-rendu financier n'est pas encore accepté : le dossier ne peut pas être clos.")
    unsettled = lifecycle.unsettled_tranches(dossier.id)
    if unsettled:
        left = ", ".join(f"« {t.label} » ({money(t.amount)})" for t in unsettled)
        return _("Reste à verser : %(left)s. Enregistrez ces versements, ou le montant non consommé à l'acceptation "
                 "du compte-rendu, avant de clore le dossier.", left=left)
    return None


def close(dossier, user, now: datetime):
    """Close the grant by hand once complete; audited, and the holder told."""
    engine.lock(dossier.id)
    refusal = closing_refusal(dossier)
    if refusal:
        raise ClosingRefused(refusal)
    return close_when_complete(dossier, user, now)


def close_when_complete(dossier, user, now: datetime):
    """Close once everything is paid and reported (after a report's acceptance, a payment, or by hand)."""
    if not lifecycle.complete(dossier.id):
        return None
    record = lifecycle.close_if_complete(dossier.id, user, now)
    if record is None:  # the workflow takes no step on closing: the closing is recorded in the chain all the same
        record = audit.append(dossier, transition=CLOSING_MARK, from_state=dossier.state, to_state=dossier.state,
                              actor=user, at=now)
    tell(dossier, record, "holder", "dossier_update", "dossiers.show")
    return record


def record_issued(recovery: Recovery, issued_on: date | None, reference: str, user, now: datetime) -> Recovery:
    """The titre de recettes was issued: its day and number, in the dossier's audit trail."""
    if recovery.issued:
        raise ClosingRefused(_("Ce titre de recettes est déjà enregistré comme émis le %(day)s (n° %(reference)s) : "
                               "rien n'a été refait.", day=short_date(recovery.issued_on),
                               reference=recovery.reference))
    reference = (reference or "").strip()
    if not reference:
        raise ClosingRefused(_("Indiquez le numéro du titre de recettes."), "reference")
    if len(reference) > MAX_REFERENCE:
        raise ClosingRefused(_("Le numéro dépasse %(n)d caractères.", n=MAX_REFERENCE), "reference")
    if issued_on is None or issued_on > now.astimezone(PARIS).date():
        raise ClosingRefused(_("Indiquez le jour d'émission du titre, au plus tard aujourd'hui."), "issued_on")
    recovery.issued_on, recovery.reference = issued_on, reference
    recovery.issued_by_id, recovery.issued_recorded_at = user.id, now
    dossier = engine.lock(recovery.decision.dossier_id)
    with force_locale("fr"):
        comment = _("Titre de recettes n° %(reference)s émis le %(day)s pour %(amount)s.", reference=reference,
                    day=short_date(issued_on), amount=money(recovery.amount))
    audit.append(dossier, transition=RECOVERY_MARK, from_state=dossier.state, to_state=dossier.state, actor=user,
                 at=now, comment=comment)
    return recovery
