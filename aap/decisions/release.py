"""Releasing staged decisions together: each one moves its dossier and is told to its holders, or is said refused."""
from dataclasses import dataclass, field
from datetime import datetime

from aap.core.urls import external_url
from aap.decisions.letters import letter_attachment
from aap.decisions.models import GRANTED, INSTRUMENTS, OUTCOMES, Decision
from aap.decisions.operations import DecisionRefused, ReleaseUndone, release_one, stage, staged_decisions
from aap.decisions.payments_plan import plan_tranches
from aap.dossiers.notifications import MUTED, recipients
from aap.extensions import db
from aap.notifications.operations import notify

TEMPLATE = "decision_released"


@dataclass
class Released:
    decisions: list[Decision] = field(default_factory=list)
    #: dossiers whose decision stayed staged, with the reason
    refused: list[str] = field(default_factory=list)


def release(call, funder, user, now: datetime, ids=None) -> Released:
    """Release the funder's staged decisions on the call (or those of `ids`); each in its own savepoint."""
    done = Released()
    for decision in staged_decisions(call.id, funder.id if funder is not None else None, ids):
        try:
            with db.session.begin_nested():
                release_one(decision, user, now)
        except ReleaseUndone as undone:  # the whole transaction is rolled back: nothing is released, nobody told
            return Released(refused=[undone.message])
        except DecisionRefused as refused:
            done.refused.append(refused.message)
            continue
        done.decisions.append(decision)
    for decision in done.decisions:
        _after_release(decision, now)
    return done


def decide_at_once(dossier, funder, form: dict, user, now: datetime) -> Decision:
    """Stage and release one decision in the same transaction (loading past editions, imports)."""
    decision = stage(dossier, funder, form, user, now)
    release_one(decision, user, now)
    _after_release(decision, now)
    return decision


def _after_release(decision: Decision, now: datetime) -> None:
    """A grant gets its payment schedule, then the holders their mail (its letter says the schedule)."""
    if decision.outcome == GRANTED:
        plan_tranches(decision, now)
    if not db.session.info.get(MUTED):
        tell_holders(decision)


def tell_holders(decision: Decision) -> None:
    """The decision's mail to each holder (essential: always sent)."""
    dossier = decision.dossier
    for user in recipients(dossier, "holder"):
        notify(user, "decision", TEMPLATE, link=external_url("dossiers.show", dossier_id=dossier.id),
               key=f"decision-{decision.id}-{user.id}", attachments=[letter_attachment(decision)],
               dossier_title=dossier.title or f"n° {dossier.id}",
               dossier_reference=dossier.reference or "", organisation=dossier.organisation.name,
               call=str(dossier.call),
               funder=decision.funder_name, outcome=str(OUTCOMES[decision.outcome]),
               granted=decision.outcome == "granted", amount=decision.amount,
               instrument=str(INSTRUMENTS[decision.instrument]) if decision.instrument else "",
               motivation=decision.motivation, deliberation=decision.deliberation_reference,
               deliberation_date=decision.deliberation_date)
