from dataclasses import dataclass, field
from datetime import datetime

from aap.workflow.definitions import Transition, Workflow


@dataclass
class TransitionContext:
    """What a guard or an effect may look at: the dossier, who acts, what they sent, and the time."""

    dossier: object
    user: object | None
    transition: Transition
    workflow: Workflow
    now: datetime
    data: dict = field(default_factory=dict)
    #: the audit record once written; effects may refer to it
    record: object | None = None
    #: the receipt issued by this transition, if it issues one
    receipt: object | None = None
