"""What a state's automatic deadline leads to, told to the holders before it passes."""
from aap.workflow.engine import workflow_of


def timeout_outcome(dossier) -> str | None:
    """The label of the state the dossier goes to when its current state's deadline passes, if it has one."""
    workflow = workflow_of(dossier)
    timeout = workflow.states[dossier.state].timeout
    if timeout is None or dossier.timeout_at is None:
        return None
    return workflow.state_label(workflow.transitions[timeout.transition].target)
