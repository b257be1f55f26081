"""Changing a decision's payment schedule before its first payment: the shares, the number of tranches, their
triggers. The shares add up to 100 %, no tranche above the threshold waits only for the notification, and the
change enters the dossier's audit chain. Nothing commits."""
from datetime import datetime
from decimal import Decimal

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete

from aap.decisions.grant_models import AT_NOTIFICATION, TRIGGERS, PaymentTranche
from aap.decisions.models import GRANTED, IN_KIND, Decision
from aap.decisions.payments_operations import PaymentRefused
from aap.decisions.payments_plan import (
    HUNDRED,
    PlannedTranche,
    agreement_required,
    paris_day,
    percent,
    tranches_of,
    write_schedule,
)
from aap.decisions.payments_reminders import PAYMENT_DUE
from aap.extensions import db
from aap.notifications.reminders import plan
from aap.workflow import audit, engine

#: the record a change of schedule gets in the dossier's audit chain
SCHEDULE_CHANGED = "payment_schedule_changed"
MAX_TRANCHES = 12
MAX_LABEL = 120


def schedule_refusal(decision: Decision, tranches: list[PaymentTranche]) -> str | None:
    """Why this decision's schedule may not change now, or None."""
    if decision.outcome != GRANTED or not decision.released or decision.superseded:
        return _("Seule une décision d'accord publiée et en vigueur a un échéancier.")
    if decision.instrument == IN_KIND:
        return _("Une aide en nature ne donne lieu à aucun versement : elle n'a pas d'échéancier.")
    if any(tranche.paid_on is not None for tranche in tranches):
        return _("Un versement est déjà enregistré sur cette décision : son échéancier ne se modifie plus.")
    return None


def lines_refusal(decision: Decision, lines: list[PlannedTranche]) -> str | None:
    """What is wrong with the typed schedule, or None."""
    if not lines:
        return _("Gardez au moins une tranche.")
    if len(lines) > MAX_TRANCHES:
        return _("Un échéancier compte au plus %(n)d tranches.", n=MAX_TRANCHES)
    for line in lines:
        if not line.label.strip() or len(line.label.strip()) > MAX_LABEL:
            return _("Chaque tranche a un nom, de %(n)d caractères au plus (par exemple « Acompte »).", n=MAX_LABEL)
        if line.trigger not in TRIGGERS:
            return _("Choisissez ce qui déclenche « %(label)s » parmi les choix proposés.", label=line.label)
        if not Decimal(0) < line.share_percent <= HUNDRED or line.share_percent != line.share_percent.quantize(
                Decimal("0.01")):
            return _("La part de « %(label)s » doit être un pourcentage positif, au plus 100, avec au plus deux "
                     "décimales.", label=line.label)
        if line.trigger == AT_NOTIFICATION and agreement_required(decision):
            return _("Au-delà de 23 000 €, aucun versement avant la signature de la convention : « %(label)s » ne "
                     "peut pas se verser dès la notification.", label=line.label)
    total = sum((line.share_percent for line in lines), Decimal(0))
    if total != HUNDRED:
        return _("Les parts font %(total)s %% en tout : elles doivent faire 100 %% exactement.", total=percent(total))
    return None


def change_schedule(decision: Decision, lines: list[PlannedTranche], user, now: datetime) -> list[PaymentTranche]:
    """Replace the decision's tranches by `lines`, or PaymentRefused with nothing changed."""
    dossier = engine.lock(decision.dossier_id)  # a payment being recorded meanwhile waits, then finds it changed
    old = tranches_of(decision)
    refusal = schedule_refusal(decision, old) or lines_refusal(decision, lines)
    if refusal is not None:
        raise PaymentRefused(refusal)
    for tranche in old:
        plan(PAYMENT_DUE, tranche.id, None, now)
    db.session.execute(delete(PaymentTranche).where(PaymentTranche.decision_id == decision.id)
                       .execution_options(synchronize_session="fetch"))
    db.session.flush()
    cleaned = [PlannedTranche(line.label.strip(), line.share_percent, line.trigger) for line in lines]
    tranches = write_schedule(decision, cleaned, now, paris_day(decision.released_at))
    with force_locale("fr"):  # the audit trail is the authority's record: written in French whoever acts
        comment = _("Échéancier modifié : %(lines)s.", lines=" ; ".join(
            f"{t.label} {percent(t.share_percent)} % ({TRIGGERS[t.trigger]})" for t in tranches))
    audit.append(dossier, transition=SCHEDULE_CHANGED, from_state=dossier.state, to_state=dossier.state, actor=user,
                 at=now, comment=comment, holder_visible=True,
                 payload={"decision": decision.id, "tranches": [
                     {"label": t.label, "share_percent": str(t.share_percent), "amount": str(t.amount),
                      "trigger": t.trigger} for t in tranches]})
    return tranches
