"""Where an imported dossier stands in the workflow its edition follows, found from the workflow's own steps.

A decision goes where the workflow's `decision_*` event takes it; a grant then follows the events its data shows
(agreement signed, a payment made, the report accepted, everything paid). An adjournment that leaves the dossier
waiting in the workflow ends, in a past edition, where staff set a dossier aside (classé sans suite). An ineligible
dossier goes where the ineligibility takes it; a dossier without a decision where the holder's withdrawal does.
"""
from flask_babel import gettext as _

from aap.bilan.history_rows import RowData
from aap.decisions.events import (
    ADVANCE_PAID,
    AGREEMENT_SIGNED,
    DECISION_EVENTS,
    GRANT_CLOSED,
    REPORT_ACCEPTED,
    REPORT_SUBMITTED,
)
from aap.decisions.models import GRANTED, POSTPONED
from aap.workflow.definitions import Workflow

#: a grant's events in the order they happen
GRANT_EVENTS = (AGREEMENT_SIGNED, ADVANCE_PAID, REPORT_SUBMITTED, REPORT_ACCEPTED, GRANT_CLOSED)


class NoState(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _event_target(workflow: Workflow, event: str, source: str | None = None) -> str | None:
    for transition in workflow.transitions.values():
        if transition.when == event and (source is None or source in transition.sources):
            return transition.target
    return None


def _ineligible_state(workflow: Workflow) -> str | None:
    for transition in workflow.transitions.values():
        if any(effect.name == "record_eligibility" and effect.params.get("decision") == "ineligible"
               for effect in transition.effects):
            return transition.target
    return None


def _withdrawn_state(workflow: Workflow) -> str | None:
    """The final state the holder's own step leads to: the dossier left without a decision."""
    for transition in workflow.transitions.values():
        if transition.roles == ("holder",) and transition.when is None and workflow.states[transition.target].final:
            return transition.target
    return None


def _set_aside_state(workflow: Workflow) -> str | None:
    """The final state a staff member's own step leads to (classé sans suite): neither a decision, an event, the
    eligibility nor the holder's withdrawal. An edition's adjourned dossier never decided again ends there."""
    decided = {transition.target for transition in workflow.transitions.values() if transition.when}
    for transition in workflow.transitions.values():
        if transition.when is None and workflow.states[transition.target].final and "holder" not in transition.roles \
                and transition.target not in decided and transition.target != _ineligible_state(workflow):
            return transition.target
    return None


def _happened(row: RowData) -> dict[str, bool]:
    report = row.jobs_created is not None or row.fully_paid
    return {AGREEMENT_SIGNED: row.agreement_on is not None, ADVANCE_PAID: bool(row.payments),
            REPORT_SUBMITTED: report, REPORT_ACCEPTED: report, GRANT_CLOSED: row.fully_paid}


def state_for(workflow: Workflow, row: RowData) -> str:
    """The state the row's outcome leads to in this workflow, or NoState saying what the workflow lacks."""
    if row.outcome is None:
        state = _ineligible_state(workflow) if row.eligible is False else _withdrawn_state(workflow)
        if state is None:
            raise NoState(_("le cycle « %(name)s » n'a pas d'étape pour un dossier %(what)s.", name=workflow.label,
                            what=_("irrecevable") if row.eligible is False else _("sans décision")))
        return state
    state = _event_target(workflow, DECISION_EVENTS[row.outcome])
    if state is not None and row.outcome == POSTPONED and not workflow.states[state].final:
        state = _set_aside_state(workflow)
    if state is None:
        raise NoState(_("le cycle « %(name)s » n'a pas d'étape finale pour une décision de ce type.",
                        name=workflow.label))
    if row.outcome == GRANTED:
        happened = _happened(row)
        for event in GRANT_EVENTS:
            target = _event_target(workflow, event, state)
            if target is not None and happened[event]:
                state = target
    return state
