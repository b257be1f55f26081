"""Every write of the decisions themselves: staging one, releasing them together; none of them commits.

A decision is staged first: it draws on its envelope at once, and the holder sees nothing of it. Released, it
moves the dossier by the workflow's transition for its outcome (the authority's only), and the holder is told.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from aap.core.formatting import PARIS, money, short_date
from aap.decisions import envelopes
from aap.decisions.deciding import ceiling, current_decision, deciding_refusal
from aap.decisions.events import DECISION_EVENTS
from aap.decisions.instruments import InstrumentRefused, particulars
from aap.decisions.lifecycle import follow
from aap.decisions.models import GRANTED, OUTCOMES, POSTPONED, Decision
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.workflow import audit, engine

MAX_MOTIVATION = 5000
MAX_REFERENCE = 120
STAGED, RELEASED = "decision_staged", "decision_released"


class DecisionRefused(Exception):
    """A decision not recorded: the message says why, nothing changed."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass(frozen=True)
class Deliberation:
    reference: str
    day: date


def deliberation(reference: str | None, day: date | None, now: datetime) -> Deliberation:
    """The deliberation a decision is traced to: its reference and its date, not in the future."""
    reference = (reference or "").strip()
    if not reference:
        raise DecisionRefused(_("Saisissez la référence de la délibération (par exemple « DEL-2026-114 »)."),
                              "deliberation_reference")
    if len(reference) > MAX_REFERENCE:
        raise DecisionRefused(_("La référence dépasse %(n)d caractères.", n=MAX_REFERENCE), "deliberation_reference")
    if day is None:
        raise DecisionRefused(_("Saisissez la date de la délibération, par exemple 12/06/2026."), "deliberation_date")
    if day > now.astimezone(PARIS).date():
        raise DecisionRefused(_("La délibération est datée du %(day)s, dans le futur : une décision s'enregistre une "
                                "fois délibérée.", day=short_date(day)), "deliberation_date")
    return Deliberation(reference, day)


def stage(dossier: Dossier, funder, form: dict, user, now: datetime, session_id: int | None = None) -> Decision:
    """Record (or change) this funder's staged decision on the dossier; refused in words, with nothing changed."""
    engine.lock(dossier.id)
    envelopes.lock(dossier.call, funder)
    refusal = deciding_refusal(dossier, funder)
    if refusal:
        raise DecisionRefused(refusal)
    existing = current_decision(dossier.id, funder)
    if existing is not None and existing.released and existing.outcome != POSTPONED:
        raise DecisionRefused(_("%(funder)s a déjà publié sa décision sur ce dossier le %(day)s : rien n'a été refait.",
                                funder=existing.funder_name or _("L'autorité"), day=short_date(existing.released_at)))
    staged = existing if existing is not None and not existing.released else None
    values = _values(dossier, funder, form, now, staged)
    if staged is None:
        staged = Decision(dossier_id=dossier.id, funder_id=funder.id if funder is not None else None)
        db.session.add(staged)
    for name, value in values.items():
        setattr(staged, name, value)
    staged.session_id = session_id if session_id is not None else staged.session_id
    staged.decided_by_id, staged.decided_at = user.id, now
    db.session.flush()
    return staged


def _values(dossier, funder, form: dict, now: datetime, staged: Decision | None) -> dict:
    outcome = form.get("outcome")
    if outcome not in OUTCOMES:
        raise DecisionRefused(_("Choisissez la décision : accordé, refusé ou ajourné."), "outcome")
    said = deliberation(form.get("deliberation_reference"), form.get("deliberation_date"), now)
    motivation = (form.get("motivation") or "").strip()
    if len(motivation) > MAX_MOTIVATION:
        raise DecisionRefused(_("Le motif dépasse %(n)d caractères.", n=MAX_MOTIVATION), "motivation")
    values = {"outcome": outcome, "deliberation_reference": said.reference, "deliberation_date": said.day,
              "motivation": motivation, "instrument": None, "amount": None, "details": {}}
    if outcome != GRANTED:
        if not motivation:
            raise DecisionRefused(_("Donnez le motif d'un refus ou d'un ajournement : il est communiqué au porteur."),
                                  "motivation")
        return values
    try:
        given = particulars(form.get("instrument"), form, dossier.organisation.legal_form, said.day)
    except InstrumentRefused as refused:
        raise DecisionRefused(refused.message, refused.field) from None
    _check_amount(dossier, funder, given.amount, staged)
    return {**values, "instrument": form.get("instrument"), "amount": given.amount, "details": given.details}


def _check_amount(dossier, funder, amount: Decimal, staged: Decision | None) -> None:
    limit, why = ceiling(dossier, funder, excluding=staged.id if staged is not None else None)
    if limit is not None and amount > limit:
        raise DecisionRefused(_("%(amount)s dépasse %(why)s (%(limit)s).", amount=money(amount), why=why,
                                limit=money(limit)), "amount")
    overruns = envelopes.overrun_messages(dossier.call, funder, dossier.strand_id, amount,
                                          excluding=staged.id if staged is not None else None)
    if overruns:
        raise DecisionRefused(" ".join(overruns), "amount")


def withdraw_staged(decision: Decision) -> None:
    """Set a staged decision aside before its release: its amount returns to the envelope."""
    if decision.released:
        raise DecisionRefused(_("Cette décision est publiée : elle ne se retire plus."))
    db.session.delete(decision)
    db.session.flush()


def staged_decisions(call_id: int, funder_id: int | None, ids=None) -> list[Decision]:
    query = (select(Decision).join(Dossier, Dossier.id == Decision.dossier_id)
             .where(Dossier.call_id == call_id, Decision.released_at.is_(None),
                    Decision.funder_id.is_(None) if funder_id is None else Decision.funder_id == funder_id)
             .order_by(Dossier.reference, Decision.id))
    if ids is not None:
        query = query.where(Decision.id.in_(list(ids)))
    return list(db.session.execute(query).scalars())


def release_one(decision: Decision, user, now: datetime) -> None:
    """Release one staged decision: the dossier moves (the authority's), earlier ones step aside, it is audited."""
    dossier = engine.lock(decision.dossier_id)
    refusal = deciding_refusal(dossier, decision.funder)
    if refusal:
        raise DecisionRefused(_("%(reference)s : %(reason)s", reference=dossier.reference, reason=refusal))
    for earlier in _earlier(decision):
        earlier.superseded = True
    decision.released_at, decision.released_by_id = now, user.id
    data = {"amount": str(decision.amount)} if decision.outcome == GRANTED else {"comment": decision.motivation}
    record = follow(decision, DECISION_EVENTS[decision.outcome], user, now, data)
    payload = {"decision": decision.id, "funder": decision.funder_name, "outcome": decision.outcome,
               "amount": str(decision.amount) if decision.amount is not None else None,
               "instrument": decision.instrument, "deliberation": decision.deliberation_reference,
               "deliberation_date": decision.deliberation_date.isoformat()}
    if record is not None:
        audit.attach(dossier, record, **payload)
    else:
        audit.append(dossier, transition=RELEASED, from_state=dossier.state, to_state=dossier.state, actor=user,
                     at=now, comment=decision.motivation, payload=payload)
    db.session.flush()


def _earlier(decision: Decision) -> list[Decision]:
    return list(db.session.execute(
        select(Decision).where(Decision.dossier_id == decision.dossier_id, Decision.id != decision.id,
                               Decision.superseded.is_(False), Decision.released_at.is_not(None),
                               Decision.funder_id.is_(None) if decision.funder_id is None
                               else Decision.funder_id == decision.funder_id)).scalars())
